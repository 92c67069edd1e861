"""``dialgym train grpo``: imitation first, then GRPO; the run folder, resuming, and the ``grpo:`` agent."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("trl")

import dialgym
from dialgym.cli import main
from dialgym.integrations.grpo import GRPORunConfig

ENV = "Persuasion-v0"
SMALL = ["--group", "2", "--seeds-per-step", "2", "--max-new-tokens", "8", "--max-completion-length", "64"]
SMALL += ["--logging-steps", "1", "--checkpoint-every", "1", "--threads", "1", "--quiet"]


@pytest.fixture(scope="module")
def bc_run(tmp_path_factory):
    from dialgym.data.collect import collect
    from dialgym.train import train_main

    root = tmp_path_factory.mktemp("grpo")
    data = root / "d.jsonl"
    collect(ENV, "behavior", 24, 0, data, progress=False)
    train_main("bc", data, "tiny", root / "bc", steps=5, batch_size=8, n_layer=1, n_embd=32, n_head=2,
               vocab_size=600, threads=1, progress=False)  # fmt: skip
    return root / "bc"


def test_grpo_from_bc_writes_a_resumable_run_that_plays_as_an_agent(bc_run, tmp_path, capsys):
    out = tmp_path / "grpo"
    args = ["train", "grpo", "--env", ENV, "--init", str(bc_run), "--out", str(out), *SMALL]
    assert main([*args, "--steps", "2"]) == 0
    assert "to step 2" in capsys.readouterr().out
    assert {p.name for p in out.iterdir()} >= {"agent", "train.json", "log.json", "reward_curve.png", "trl"}
    meta = json.loads((out / "agent" / "dialgym_agent.json").read_text())
    assert meta["algorithm"] == "grpo" and meta["data"]["env_ids"] == [ENV] and meta["init_algorithm"] == "bc"
    assert [r["step"] for r in json.loads((out / "log.json").read_text())] == [1, 2]
    # the result plays in the harness like any checkpoint agent, and only on its task
    result = dialgym.evaluate(f"grpo:{out}?max_new_tokens=8", ENV, episodes=2, seed=0)
    assert result.episodes == 2 and all(t >= 1 for t in result.turns)
    # the same command with more steps continues from the last TRL checkpoint
    assert main([*args, "--steps", "3"]) == 0
    assert "to step 3" in capsys.readouterr().out
    assert [r["step"] for r in json.loads((out / "log.json").read_text())] == [1, 2, 3]
    # other settings in the same folder are refused, naming them
    assert main([*args, "--steps", "3", "--lr", "0.5"]) == 2
    assert "other settings (lr: run has 0.0001, this command 0.5)" in capsys.readouterr().err


def test_bad_settings_fail_before_training(bc_run, tmp_path):
    with pytest.raises(ValueError, match=r"group=1 must be at least 2"):
        GRPORunConfig(env_id=ENV, init=str(bc_run), group=1)
    with pytest.raises(ValueError, match="exactly one of --init"):
        GRPORunConfig(env_id=ENV)
    with pytest.raises(ValueError, match="--model tiny needs a tokenizer"):
        GRPORunConfig(env_id=ENV, model="tiny")
    out = tmp_path / "other"
    assert main(["train", "grpo", "--env", "TravelAgent-v0", "--init", str(bc_run), "--out", str(out), *SMALL]) == 2


def test_rollouts_near_the_position_limit_stay_inside_it(bc_run):
    """Rows with different room left are generated in separate batches: batched together, the row nearest the
    model's position limit would be driven past its position embeddings (an IndexError mid-training)."""
    from dialgym.agents import lm
    from dialgym.agents.bc import BCModel
    from dialgym.integrations.trl import episode_seeds, make_rollout_func

    tokenizer = BCModel.from_pretrained(bc_run).tokenizer
    model = lm.build_tiny_model(tokenizer, n_layer=1, n_embd=16, n_head=2, n_positions=72)  # untrained: long turns
    rollout = make_rollout_func(ENV, max_new_tokens=16)
    rollouts = rollout.play(model, tokenizer, episode_seeds(8, seed=3), sample_seed=0)
    lengths = [len(r.prompt_ids) + len(r.completion_ids) for r in rollouts]
    assert max(lengths) <= 72 and all(r.done for r in rollouts)
    assert any(r.cut for r in rollouts)  # the limit was reached, so the case under test occurred


def test_rollouts_against_an_llm_user_batch_its_calls_per_turn(bc_run):
    """GRPO against an LLM user on an OpenAI-compatible endpoint (a local fake server): every episode ends with
    the judge's outcome as its reward, and a turn's user replies go out together.

    The server holds the first four user-reply requests at a barrier until all four have arrived, so a rollout
    that sent them one at a time would get "barrier broken" replies (the 120 s wait is only a hang guard).
    """
    import sys
    import threading
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "llm"))
    from fake_openai_server import FakeOpenAIServer, role_play_reply

    from dialgym.agents.bc import BCModel
    from dialgym.integrations.trl import episode_seeds, make_rollout_func

    barrier, held = threading.Barrier(4), {"n": 0}
    lock = threading.Lock()

    def reply(messages, body):
        text = role_play_reply(messages, body)
        if "impartial judge" in (messages[0]["content"] if messages else ""):
            return text
        with lock:
            held["n"] += 1
            first_four = held["n"] <= 4
        if first_four:
            try:
                barrier.wait(timeout=120)
            except threading.BrokenBarrierError:
                return "barrier broken"
        return text

    policy = BCModel.from_pretrained(bc_run)
    with FakeOpenAIServer(reply, seed=2) as server:
        llm = {"backend": "openai", "model": "fake", "base_url": server.base_url, "api_key": "local",
               "concurrency": 8, "timeout": 300.0, "max_retries": 0}  # fmt: skip
        rollout = make_rollout_func(ENV, max_new_tokens=8, user="llm", llm=llm, max_turns=2)
        rollouts = rollout.play(policy.lm, policy.tokenizer, episode_seeds(4, seed=5), sample_seed=0)
    assert all(r.done for r in rollouts) and len(rollouts) == 4
    assert [r.reward for r in rollouts] == [1.0] * 4  # the fake judge's answer, {"donation": 1.0}, is the return
    for r in rollouts:
        users = [m["content"] for m in r.messages if m["role"] == "user"]
        assert users and all(u == "Hmm, maybe. I have a few concerns, to be honest." for u in users), users
