"""The imagination engine with a deterministic fake model (the SmolLM2 run is in tests/llm)."""

from __future__ import annotations

import pytest

from dialgym.cli import main
from dialgym.data.imagine import imagine, parse_dialogue
from dialgym.data.io import read_episodes


class ScriptedWriter:
    """Writes a clean chat, a messy-but-repairable chat, or junk, by sample id."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def generate(self, batch, sample_ids=None, **params):
        out = []
        for conv, sid in zip(batch, sample_ids, strict=True):
            _, i, stage = sid
            self.calls.append((stage, len(batch)))
            prompt = conv[-1]["content"]
            user_first = "The user speaks first." in prompt
            head = "User: Hi, I need some help.\n" if user_first else ""
            clean = head + (
                "Assistant: Hello! Could you tell me about yourself?\nUser: Sure, I have two kids.\n"
                "Assistant: Children in need could use your help.\nUser: OK, that moves me."
            )
            if stage == "imagine":
                if i % 3 == 0:
                    out.append("I'm sorry, I cannot write that.")
                elif i % 3 == 1:
                    out.append("Here is the chat:\n" + clean.replace("User: Sure", "Sure") + "\nAssistant: Thanks!")
                else:
                    out.append(clean)
            elif stage == "critique":
                out.append("PROBLEMS: none.\nREVISED:\n" + clean if i % 3 == 2 else "PROBLEMS: many")
            else:
                out.append("You are a retired teacher who loves children.")
        return out


def test_imagined_episodes_are_labeled_repaired_or_dropped(tmp_path):
    out = tmp_path / "im.jsonl"
    fake = ScriptedWriter()
    summary = imagine("Persuasion-v0", {"model": "fake"}, n=9, seed=0, out=out, batch=4, model=fake, progress=False)
    assert summary.written == 6 and summary.dropped == 3 and summary.repaired == 3
    eps = read_episodes(out)
    assert len(eps) == 6 and all(e.source == "imagination" for e in eps)
    for e in eps:
        assert e.messages[0]["role"] == "assistant"
        assert 0.0 <= e.reward <= 2.0 and e.outcome["target"]["donation"] == e.reward
        assert len(e.agent_acts) == e.turns
    assert {size for _, size in fake.calls} <= {4, 1}  # batched calls
    # resumable: a rerun writes nothing new
    again = imagine("Persuasion-v0", {"model": "fake"}, n=9, seed=0, out=out, batch=4, model=fake, progress=False)
    assert again.written == 0 and again.already_there == 6


def test_user_first_tasks_and_llm_personas(tmp_path):
    out = tmp_path / "c.jsonl"
    summary = imagine("Counseling-v0", {"model": "fake"}, n=3, seed=1, out=out, model=ScriptedWriter(), progress=False)
    eps = read_episodes(out)
    assert summary.written == len(eps) > 0 and all(e.messages[0]["role"] == "user" for e in eps)
    p = tmp_path / "p.jsonl"
    imagine(
        "Persuasion-v0", {"model": "fake"}, n=3, seed=1, out=p, personas="llm", model=ScriptedWriter(), progress=False
    )
    assert all(e.persona["type"] == "llm_proposed" for e in read_episodes(p))
    with pytest.raises(ValueError, match="not supported for TravelAgent-v0"):
        imagine(
            "TravelAgent-v0",
            {"model": "fake"},
            n=1,
            seed=0,
            out=tmp_path / "t.jsonl",
            personas="llm",
            model=ScriptedWriter(),
        )


def test_parse_dialogue_rules():
    msgs, repaired = parse_dialogue("Assistant: a\nAssistant: b\nUser: c\nAssistant: d", user_first=False)
    assert (
        msgs
        == [
            {"role": "assistant", "content": "a b"},
            {"role": "user", "content": "c"},
            {"role": "assistant", "content": "d"},
        ]
        and repaired
    )
    assert parse_dialogue("Assistant: only one", user_first=False)[0] is None
    msgs, _ = parse_dialogue("**Agent:** hi\n**User:** yo\nAgent: ok", user_first=False)
    assert [m["content"] for m in msgs] == ["hi", "yo", "ok"]


def test_cli_imagine_rejects_bad_llm(tmp_path, capsys):
    assert (
        main(
            [
                "imagine",
                "Persuasion-v0",
                "--llm",
                '{"backend": "nope", "model": "m"}',
                "--n",
                "1",
                "--out",
                str(tmp_path / "x.jsonl"),
            ]
        )
        == 2
    )
    assert "backend" in capsys.readouterr().err


class Recording:
    """Passes every batch to a real model and keeps each reply by its sample id."""

    def __init__(self, model) -> None:
        self.model = model
        self.replies: dict[tuple, str] = {}
        self.prompts: dict[tuple, list] = {}

    def generate(self, batch, sample_ids=None, **params):
        out = self.model.generate(batch, sample_ids=sample_ids, **params)
        self.replies.update({tuple(sid): text for sid, text in zip(sample_ids, out, strict=True)})
        self.prompts.update({tuple(sid): conv for sid, conv in zip(sample_ids, batch, strict=True)})
        return out


@pytest.mark.slow
def test_imagination_runs_end_to_end_on_smollm2(tmp_path):
    """The real bundled model through every stage, and every generation accounted for by what it really said.

    A 135M model rarely follows the chat format (at this seed none of its Counseling chats parse), so the test
    cannot ask for usable chats; it checks instead that each item's outcome follows from the model's own
    text: written exactly when its revision or its draft parses (the revision first) and the rule critic accepts
    it (:func:`dialgym.data.imagine._drop_reason`), with the parsed messages, and dropped otherwise (whole mode).
    Catches: a summary that miscounts, an unparseable generation written half-parsed, a
    usable one dropped, a stage skipped (every item must have a draft and a critique).
    """
    import gymnasium as gym

    from dialgym.data.imagine import _drop_reason
    from dialgym.simulators.llm_user import shared_llm

    recognize = gym.make("Counseling-v0").unwrapped.make_scripted_user().recognizer.recognize
    cfg = {"backend": "hf", "model": "smollm2-135m", "max_tokens": 160, "temperature": 0.7, "seed": 0, "threads": 1}
    out = tmp_path / "im.jsonl"
    model = Recording(shared_llm(cfg))
    summary = imagine("Counseling-v0", cfg, n=4, seed=0, out=out, batch=4, progress=False, model=model, mode="whole")
    assert sorted(model.replies) == sorted((0, i, stage) for i in range(4) for stage in ("critique", "imagine"))
    expected = {}
    for i in range(4):
        _, sep, revised = model.replies[(0, i, "critique")].partition("REVISED:")
        candidates = ([revised] if sep else []) + [model.replies[(0, i, "imagine")]]
        parsed = [m for m in (parse_dialogue(text, user_first=True)[0] for text in candidates) if m is not None]
        instructions = "\n".join(m["content"] for m in model.prompts[(0, i, "imagine")])
        if parsed and _drop_reason(parsed[0], instructions, recognize) is None:  # the critic's rules hold too
            expected[i] = parsed[0]
    assert (summary.written, summary.dropped) == (len(expected), 4 - len(expected))
    eps = read_episodes(out) if out.exists() else []
    assert {int(e.id.rsplit("-", 1)[1]): e.messages for e in eps} == expected
    assert all(e.source == "imagination" and e.messages[0]["role"] == "user" for e in eps)


@pytest.mark.parametrize(("writes", "code"), [("clean", 0), ("junk", 1)])
def test_cli_imagine_exits_non_zero_when_generations_are_unusable(tmp_path, capsys, writes, code):
    """Over a real local OpenAI-compatible server: usable chats exit 0; a model that writes no chat exits 1 with
    a one-line reason, instead of an empty file and exit 0."""
    import json
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "llm"))
    from fake_openai_server import FakeOpenAIServer

    def reply(messages, body):
        if writes == "junk":
            return "I'm sorry, I cannot write that."
        return "Assistant: Hello! Do you have kids?\nUser: Two.\nAssistant: Children need you.\nUser: Okay."

    with FakeOpenAIServer(reply) as server:
        llm = {"backend": "openai", "model": "fake", "base_url": server.base_url, "api_key": "local", "max_retries": 0}
        args = ["imagine", "Persuasion-v0", "--llm", json.dumps(llm), "--n", "3", "--out", str(tmp_path / "i.jsonl")]
        assert main([*args, "--quiet", "--no-critique"]) == code
    out = capsys.readouterr()
    if code:
        assert "only 0 of 3 new generations were usable (0% < --min-usable 50%)" in out.err
    else:
        assert "3 new" in out.out and "only" not in out.err
