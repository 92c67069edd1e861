"""Online RL on dialogue acts: training writes what it promises, the agent loads and plays in evaluate."""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import zipfile

import gymnasium as gym
import numpy as np
import pytest

pytest.importorskip("stable_baselines3")

import dialgym
from dialgym.agents.sb3 import (
    PPOActsConfig,
    SB3Agent,
    add_ppo_parser,
    build_sb3_agent,
    train_ppo_acts,
)
from dialgym.utils.dataclass_cli import from_namespace, option_name
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


def test_cli_parser_trains_and_summarizes(tmp_path, capsys):
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


def ppo_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dialgym")
    train = parser.add_subparsers(dest="command", required=True).add_parser("train")
    return add_ppo_parser(train.add_subparsers(dest="train_command", required=True))


def test_ppo_acts_options_are_exactly_the_config_fields(capsys):
    p = ppo_parser()
    dests = {a.dest for a in p._actions if a.dest != "help"}
    assert dests == {f.name for f in dataclasses.fields(PPOActsConfig)}
    options = {s for a in p._actions for s in a.option_strings}
    assert {option_name(f) for f in dataclasses.fields(PPOActsConfig)} <= options
    assert {"--env", "--quiet", "--no-progress", "--overwrite"} <= options  # the names users already type
    # the command's defaults are the config's: a bare command line builds PPOActsConfig(env_id, out)
    parsed = from_namespace(PPOActsConfig, p.parse_args(["--env", ENV, "--out", "runs/x"]))
    assert parsed == PPOActsConfig(ENV, "runs/x")
    assert (parsed.steps, parsed.eval_episodes, parsed.algo, parsed.n_envs) == (200_000, 200, "ppo", None)
    with pytest.raises(SystemExit):
        p.parse_args(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    for expected in ["to train for (default: 200000)", "(0: skip) (default: 200)", "{ppo,dqn}", "(default: ppo)",
                     "(none: ppo 8, dqn 4) (default: none)", "--no-progress, --quiet",
                     "{train,test,hard}"]:  # fmt: skip
        assert expected in text, expected


@pytest.mark.parametrize(
    "argv, error",
    [
        (["--steps", "many"], "argument --steps: invalid int value: 'many'"),
        (["--algo", "a2c"], "argument --algo: invalid choice: 'a2c'"),
        (["--n-envs", "four"], "argument --n-envs: invalid int value: 'four'"),
        (["--hyperparams", "[1]"], "argument --hyperparams: expected a JSON object"),
        (["--env-kwargs", "{persona_split: test}"], "argument --env-kwargs: not valid JSON"),
        (["--eval-split", "dev"], "argument --eval-split: invalid choice: 'dev'"),
        ([], "the following arguments are required: --env, --out"),
    ],
)
def test_a_bad_ppo_acts_command_line_names_the_option(argv, error, capsys):
    required = [] if not argv else ["--env", ENV, "--out", "runs/x"]
    with pytest.raises(SystemExit):
        ppo_parser().parse_args([*required, *argv])
    assert error in capsys.readouterr().err


def test_config_values_are_checked_by_name():
    for kwargs, error in [
        ({"steps": 0}, r"PPOActsConfig\.steps=0 must be a positive integer"),
        ({"n_envs": 0}, r"PPOActsConfig\.n_envs=0 must be a positive integer"),
        ({"torch_threads": 1.5}, r"PPOActsConfig\.torch_threads=1\.5 must be a positive integer"),
        ({"eval_episodes": -1}, r"PPOActsConfig\.eval_episodes=-1 must be an integer >= 0"),
        ({"seed": "0"}, r"PPOActsConfig\.seed='0' must be an integer"),
        ({"algo": "a2c"}, r"PPOActsConfig\.algo='a2c' is not supported; expected one of \['ppo', 'dqn'\]"),
        ({"eval_split": "dev"}, r"PPOActsConfig\.eval_split='dev' is not a split"),
        ({"hyperparams": "ent_coef=0.02"}, r"PPOActsConfig\.hyperparams='ent_coef=0\.02' must be a dict"),
        ({"env_kwargs": {"spec": None}}, "env_kwargs must not contain 'spec'"),
    ]:
        with pytest.raises(ValueError, match=error):
            PPOActsConfig(ENV, "runs/x", **kwargs)
    config = PPOActsConfig(ENV, "runs/x", steps=np.int64(5), seed=np.int64(3))  # numpy integers become ints
    assert type(config.steps) is int and type(config.seed) is int
    with pytest.raises(TypeError, match=r"unknown setting\(s\) \['n_env'\]; expected some of \["):
        train_ppo_acts(ENV, 100, "runs/x", n_env=2)
    with pytest.raises(TypeError, match="needs env_id and out, or config=PPOActsConfig"):
        train_ppo_acts(ENV, 100)


def test_config_json_records_the_config_and_what_ran(ppo_dir):
    record = json.loads((ppo_dir / "config.json").read_text())
    # the keyword form: its own settings, eval_episodes 0 unless given, the rest the config's defaults
    expected = PPOActsConfig(ENV, str(ppo_dir), steps=2048, n_envs=4, progress=False, eval_episodes=0)
    assert record["config"] == dataclasses.asdict(expected)
    assert PPOActsConfig.from_dict({**record["config"], "added_later": 1}) == expected
    # what ran: n_envs resolved, every hyperparameter spelled out (the config holds only overrides)
    assert record["n_envs"] == 4 and record["hyperparams"]["n_steps"] == 256 and record["config"]["hyperparams"] == {}
    with pytest.raises(FileExistsError, match=r"model\.zip exists; pass overwrite=True"):
        train_ppo_acts(config=expected)  # the config form reaches the same checks
    with pytest.raises(FileExistsError, match=r"model\.zip exists"):
        train_ppo_acts(config=PPOActsConfig(ENV, "elsewhere"), out=ppo_dir)  # keywords override the config


def test_building_the_cli_imports_neither_sb3_nor_torch():
    code = (
        "import sys; from dialgym.cli import build_parser; build_parser(); "
        "print(sorted(m for m in ('stable_baselines3', 'torch') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "[]"
