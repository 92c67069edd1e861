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


def test_imagined_episodes_are_labelled_repaired_or_dropped(tmp_path):
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


@pytest.mark.slow
def test_imagination_runs_end_to_end_on_smollm2(tmp_path):
    """The real bundled model through every stage; a 135M model writes few usable chats, and the summary
    must account for every generation (written + dropped == n) without writing anything half-parsed."""
    cfg = {"backend": "hf", "model": "smollm2-135m", "max_tokens": 160, "temperature": 0.7, "seed": 0, "threads": 1}
    out = tmp_path / "im.jsonl"
    summary = imagine("Counseling-v0", cfg, n=4, seed=0, out=out, batch=4, progress=False)
    assert summary.written + summary.dropped == 4
    eps = read_episodes(out) if out.exists() else []
    assert len(eps) == summary.written
    assert all(e.source == "imagination" and e.messages[0]["role"] == "user" for e in eps)
