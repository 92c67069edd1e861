"""Simulator-based hindsight regeneration."""

from __future__ import annotations

import pytest

from dialgym.cli import main
from dialgym.data.collect import collect
from dialgym.data.hindsight import OracleController, choose_prefixes, hindsight
from dialgym.data.io import EpisodeFileError, read_episodes


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    out = tmp_path_factory.mktemp("hs") / "b.jsonl"
    collect("Persuasion-v0", "behavior", episodes=40, seed=0, out=out, progress=False)
    return out


def test_regenerations_keep_the_prefix_and_link_to_the_parent(data, tmp_path):
    out = tmp_path / "h.jsonl"
    summary = hindsight(data, out, factor=2, seed=0, progress=False)
    eps = read_episodes(out)
    parents = {e.id: e for e in eps if e.source == "rollout"}
    regens = [e for e in eps if e.source == "hindsight"]
    assert len(parents) == 40 and len(regens) == summary.regenerations > 0
    for r in regens:
        p = parents[r.parent_id]
        assert r.messages[: r.prefix_len] == p.messages[: r.prefix_len]
        assert r.messages[r.prefix_len]["role"] == "assistant"
        assert r.persona == p.persona
    assert summary.regen_mean_reward > summary.paired_parent_mean


def test_hindsight_is_resumable_and_deterministic(data, tmp_path):
    a = tmp_path / "a.jsonl"
    hindsight(data, a, factor=1, seed=5, progress=False)
    b = tmp_path / "b.jsonl"
    hindsight(data, b, factor=1, seed=5, progress=False)
    lines = b.read_text().splitlines()
    b.write_text("\n".join(lines[: len(lines) // 2]) + "\n")
    summary = hindsight(data, b, factor=1, seed=5, progress=False)
    assert summary.skipped_existing > 0

    def key(e):
        return (e.id, e.messages, e.reward)

    assert sorted(map(key, read_episodes(a))) == sorted(map(key, read_episodes(b)))
    with pytest.raises(EpisodeFileError, match="factor"):
        hindsight(data, b, factor=2, seed=5, progress=False)


def test_choose_prefixes_cuts_before_agent_turns(data):
    import numpy as np

    ep = read_episodes(data)[0]
    cuts = choose_prefixes(ep, 3, np.random.default_rng(0))
    assert cuts == sorted(set(cuts)) and all(ep.messages[c]["role"] == "assistant" for c in cuts)


def test_cli_hindsight(data, tmp_path, capsys):
    out = tmp_path / "c.jsonl"
    assert main(["hindsight", str(data), "--factor", "1", "--seed", "0", "--out", str(out), "--quiet"]) == 0
    assert "regenerations" in capsys.readouterr().out


def test_persona_blind_controller_never_sees_the_persona(data, tmp_path, monkeypatch):
    from dialgym.agents import make_agent
    from dialgym.data.hindsight import PolicyController

    seen = []
    original = make_agent("adaptive", "Persuasion-v0").__class__.act

    def spy(self, observation, info):
        seen.append("persona" in info)
        return original(self, observation, info)

    monkeypatch.setattr(make_agent("adaptive", "Persuasion-v0").__class__, "act", spy)
    out = tmp_path / "a.jsonl"
    summary = hindsight(data, out, factor=1, seed=0, progress=False, controller=PolicyController("adaptive"))
    assert summary.regenerations > 0 and seen and not any(seen)
    # the controller is named in the file's metadata: another controller cannot resume it
    with pytest.raises(EpisodeFileError):
        hindsight(data, out, factor=1, seed=0, progress=False, controller=OracleController())
    with pytest.raises(EpisodeFileError):
        hindsight(data, out, factor=1, seed=0, progress=False, controller=PolicyController("behavior"))
    cli_out = tmp_path / "cli.jsonl"
    args = ["hindsight", str(data), "--factor", "1", "--seed", "0", "--out", str(cli_out), "--quiet"]
    assert main(args) == 0  # the CLI's default controller is the same persona-blind one
    assert [e.messages for e in read_episodes(cli_out)] == [e.messages for e in read_episodes(out)]
    assert main([*args, "--controller", "oracle"]) == 2  # and it refuses to resume that file with another
    # the LLM components bring their own controller: naming another one is an error, not silently ignored
    llm = '{"backend": "hf", "model": "smollm2-135m"}'
    assert main([*args[:-3], "--out", str(tmp_path / "llm.jsonl"), "--controller", "adaptive", "--llm", llm]) == 2


class FakeHindsightLLM:
    """Controller: a fixed better message; forward: two more lines; judge: a fixed donation."""

    def __init__(self) -> None:
        self.stages: list[str] = []

    def generate(self, batch, sample_ids=None, **params):
        out = []
        for conv, sid in zip(batch, sample_ids or [None] * len(batch), strict=True):
            stage = sid[2] if isinstance(sid, list) and len(sid) == 3 and isinstance(sid[2], str) else "judge"
            self.stages.append(stage)
            if stage == "controller":
                out.append("Assistant: Children like yours are counting on people like you.")
            elif stage == "forward":
                out.append("User: That is touching.\nAssistant: Would you give $1?\nUser: Yes, $1.")
            else:
                assert "impartial judge" in conv[0]["content"]
                out.append('{"donation": 1.0}')
        return out


def test_llm_components_regenerate_with_the_judges_reward(data, tmp_path):
    from dialgym.data.hindsight_llm import LLMController, LLMForwardModel, LLMRewardModel

    fake = FakeHindsightLLM()
    cfg = {"model": "fake"}
    out = tmp_path / "llm.jsonl"
    summary = hindsight(
        data,
        out,
        factor=1,
        seed=0,
        progress=False,
        controller=LLMController(cfg, model=fake),
        forward=LLMForwardModel(cfg, model=fake),
        reward=LLMRewardModel(cfg, model=fake),
    )
    regens = [e for e in read_episodes(out) if e.source == "hindsight"]
    assert summary.regenerations == len(regens) == 40
    r = regens[0]
    assert r.messages[r.prefix_len]["content"] == "Children like yours are counting on people like you."
    assert r.messages[-1] == {"role": "user", "content": "Yes, $1."}
    assert r.reward == 1.0 and r.outcome["donation"] == 1.0
    assert set(fake.stages) == {"controller", "forward", "judge"}


def test_your_own_agent_as_the_controller_sees_the_horizon(data, tmp_path):
    """`--controller file.py:Class`: a custom controller gets the info an env step gives, max_turns included."""
    from dialgym.data.hindsight import PolicyController

    agent_file = tmp_path / "ctl.py"
    agent_file.write_text(
        "class Closer:\n"
        "    def act(self, observation, info):\n"
        "        left = info['max_turns'] - info['turn']\n"
        "        return f'Would you donate a dollar to Save the Children? {left} turns left.'\n"
    )
    out = tmp_path / "c.jsonl"
    controller = PolicyController(f"{agent_file}:Closer")
    summary = hindsight(data, out, factor=1, seed=0, progress=False, controller=controller)
    regens = [e for e in read_episodes(out) if e.source == "hindsight"]
    assert summary.regenerations == len(regens) > 0
    for r in regens:
        said = r.messages[r.prefix_len]["content"]
        turn = sum(m["role"] == "assistant" for m in r.messages[: r.prefix_len])
        assert said == f"Would you donate a dollar to Save the Children? {10 - turn} turns left."  # max_turns 10
