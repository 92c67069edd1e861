"""Online RL on dialogue acts: training writes what it promises, the agent loads and plays in evaluate."""

from __future__ import annotations

import argparse
import json
import zipfile

import gymnasium as gym
import numpy as np
import pytest

pytest.importorskip("stable_baselines3")

import dialgym
from dialgym.agents.sb3 import (
    SB3Agent,
    add_ppo_parser,
    build_sb3_agent,
    train_ppo_acts,
)
from dialgym.wrappers import make_act_env, utterance_rng

ENV = "Persuasion-v0"


@pytest.fixture(scope="module")
def ppo_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("ppo")
    summary = train_ppo_acts(ENV, 2048, out, seed=0, n_envs=4, progress=False)
    assert summary.steps == 2048 and summary.episodes > 100
    return out


@pytest.fixture(scope="module")
def dqn_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("dqn")
    train_ppo_acts(ENV, 1000, out, seed=0, algo="dqn", n_envs=2, progress=False)
    return out


def test_training_writes_model_config_and_learning_curve(ppo_dir):
    for name in ("model.zip", "config.json", "learning_curve.json", "learning_curve.png"):
        assert (ppo_dir / name).is_file(), name
    config = json.loads((ppo_dir / "config.json").read_text())
    assert config["env_id"] == ENV and config["algo"] == "ppo" and config["seed"] == 0
    assert config["feature_spec"]["env_id"] == ENV
    assert config["result"]["episodes"] > 100
    curve = json.loads((ppo_dir / "learning_curve.json").read_text())
    assert len(curve["timesteps"]) == len(curve["returns"]) == config["result"]["episodes"]
    assert curve["timesteps"] == sorted(curve["timesteps"]) and curve["timesteps"][-1] <= 2048
    assert all(0.0 <= r <= 2.0 for r in curve["returns"])  # Persuasion pays a donation in [0, 2]


def test_training_is_seeded(ppo_dir, tmp_path):
    train_ppo_acts(ENV, 2048, tmp_path, seed=0, n_envs=4, progress=False)
    a = json.loads((ppo_dir / "learning_curve.json").read_text())
    b = json.loads((tmp_path / "learning_curve.json").read_text())
    assert a == b


@pytest.mark.parametrize("which", ["ppo", "dqn"])
def test_agent_runs_in_evaluate_reproducibly(which, ppo_dir, dqn_dir):
    path = ppo_dir if which == "ppo" else dqn_dir
    agent = SB3Agent(ENV, path, seed=0)
    assert agent.algo == which
    first = dialgym.evaluate(agent, ENV, episodes=20, seed=0, persona_split="test")
    second = dialgym.evaluate(SB3Agent(ENV, path, seed=0), ENV, episodes=20, seed=0, persona_split="test")
    assert first.returns == second.returns
    assert first.episodes == 20 and all(0.0 <= r <= 2.0 for r in first.returns)


def test_stochastic_agent_is_seeded(ppo_dir):
    runs = [
        dialgym.evaluate(SB3Agent(ENV, ppo_dir, seed=0, deterministic="false"), ENV, episodes=10, seed=1).returns
        for _ in range(2)
    ]
    assert runs[0] == runs[1]


def test_agent_rebuilds_exactly_the_wrapper_features(ppo_dir):
    """Played through the text env, the agent sees what the policy saw in training."""
    agent = SB3Agent(ENV, ppo_dir, seed=0)
    n = len(agent.feature_spec.actions)
    picker = np.random.default_rng(3)
    agent._choose = lambda batch: [int(picker.integers(n)) for _ in batch]  # visit many acts
    raw = gym.make(ENV)
    wrapped = make_act_env(ENV, spec=agent.feature_spec)
    steps = 0
    for seed in range(6):
        obs, info = raw.reset(seed=seed)
        wobs, _ = wrapped.reset(seed=seed)
        agent.reset(seed=seed)
        agent.rng = utterance_rng(seed)  # the wrapper's phrasing stream, so both say the same words
        while True:
            text = agent.act(obs, info)
            np.testing.assert_array_equal(agent.last_features, wobs)
            wobs, wreward, wterm, wtrunc, winfo = wrapped.step(agent.last_action)
            assert winfo["utterance"] == text
            obs, reward, term, trunc, info = raw.step(text)
            assert (wreward, wterm, wtrunc) == (reward, term, trunc)
            steps += 1
            if term or trunc:
                break
    assert steps > 20


def test_agent_features_ignore_privileged_info(ppo_dir):
    agent = SB3Agent(ENV, ppo_dir, seed=0)
    env = gym.make(ENV, privileged=True)
    _, info = env.reset(seed=2)
    _, _, _, _, info = env.step("Hi! How are you? What do you do for a living?")
    with_persona = agent.features(info)
    without = agent.features({k: v for k, v in info.items() if k != "persona"})
    np.testing.assert_array_equal(with_persona, without)


def test_act_batch_matches_act(ppo_dir):
    env = gym.make(ENV)
    infos, observations = [], []
    for seed in range(4):
        obs, info = env.reset(seed=seed)
        obs, _, _, _, info = env.step("Hello! How are you doing today?")
        observations.append(obs)
        infos.append(info)
    one = SB3Agent(ENV, ppo_dir, seed=9)
    batch = SB3Agent(ENV, ppo_dir, seed=9)
    assert batch.act_batch(observations, infos) == [one.act(o, i) for o, i in zip(observations, infos, strict=True)]


def test_bad_checkpoints_are_clear(tmp_path, ppo_dir):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        SB3Agent(ENV, tmp_path / "nope", seed=0)
    with pytest.raises(FileNotFoundError, match=r"holds no model\.zip"):
        SB3Agent(ENV, tmp_path, seed=0)
    text = tmp_path / "model.txt"
    text.write_text("not a model")
    with pytest.raises(ValueError, match="not a stable-baselines3 checkpoint"):
        SB3Agent(ENV, text, seed=0)
    other_zip = tmp_path / "other.zip"
    with zipfile.ZipFile(other_zip, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(ValueError, match=r"expected 'data' and 'policy\.pth'"):
        SB3Agent(ENV, other_zip, seed=0)
    with pytest.raises(ValueError, match="was trained on 'Persuasion-v0'; it cannot play 'Counseling-v0'"):
        SB3Agent("Counseling-v0", ppo_dir, seed=0)
    with pytest.raises(ValueError, match="deterministic='maybe' is not a boolean"):
        SB3Agent(ENV, ppo_dir, deterministic="maybe")


def test_bare_zip_loads_without_config(ppo_dir, tmp_path):
    bare = tmp_path / "policy.zip"
    bare.write_bytes((ppo_dir / "model.zip").read_bytes())
    agent = SB3Agent(ENV, bare, seed=0)
    assert agent.algo == "ppo"
    assert dialgym.evaluate(agent, ENV, episodes=3, seed=0).episodes == 3


def test_spec_builder(ppo_dir):
    agent = build_sb3_agent(ENV, str(ppo_dir), 0, deterministic="false")
    assert isinstance(agent, SB3Agent) and not agent.deterministic
    with pytest.raises(ValueError, match="needs a checkpoint: sb3:PATH"):
        build_sb3_agent(ENV, None, 0)
    with pytest.raises(ValueError, match=r"unknown options \['beta'\]"):
        build_sb3_agent(ENV, str(ppo_dir), 0, beta="4")
    from dialgym.agents import AGENTS, make_agent

    # the spec table must offer it: `dialgym evaluate sb3:PATH` is how a trained agent is used
    assert "sb3" in AGENTS
    built = make_agent(f"sb3:{ppo_dir}?deterministic=false", ENV, seed=0)
    assert isinstance(built, SB3Agent) and not built.deterministic


def test_training_arguments_are_checked(tmp_path, ppo_dir):
    with pytest.raises(ValueError, match="algo='a2c' is not supported"):
        train_ppo_acts(ENV, 100, tmp_path, algo="a2c")
    with pytest.raises(ValueError, match="steps=0 must be a positive integer"):
        train_ppo_acts(ENV, 0, tmp_path)
    with pytest.raises(ValueError, match="unknown dialgym env id 'Nope-v0'"):
        train_ppo_acts("Nope-v0", 100, tmp_path)
    with pytest.raises(ValueError, match=r"unknown ppo hyperparameters \['warp_speed'\]"):
        train_ppo_acts(ENV, 100, tmp_path, hyperparams={"warp_speed": 9})
    with pytest.raises(FileExistsError, match=r"model\.zip exists; pass overwrite=True"):
        train_ppo_acts(ENV, 100, ppo_dir)


def test_cli_parser_trains_and_summarises(tmp_path, capsys):
    parser = argparse.ArgumentParser(prog="dialgym")
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train")
    add_ppo_parser(train.add_subparsers(dest="train_command", required=True))
    args = parser.parse_args(
        [
            "train",
            "ppo-acts",
            "--env",
            "TravelAgent-v0",
            "--steps",
            "512",
            "--out",
            str(tmp_path / "run"),
            "--n-envs",
            "2",
            "--eval-episodes",
            "5",
            "--quiet",
            "--hyperparams",
            '{"n_steps": 128}',
        ]
    )
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "PPO on TravelAgent-v0: 512 steps" in out and "evaluation (5 episodes, split=test" in out
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    assert config["hyperparams"]["n_steps"] == 128 and config["result"]["evaluation"]["episodes"] == 5
