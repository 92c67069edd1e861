"""The task contract: every registered task, and a task added from outside dialgym, passes the same checks.

A task is one declared :class:`dialgym.core.task.Task`. Each ``check_*`` function below takes a Task
and states one promise the rest of dialgym relies on (agents, wrappers, LLM users, data tools, the
CLI). They run over every registered id, and over the tiny ``Barista-v0`` task that
``docs/adding_a_task.md`` walks through: the test writes its files from the document into a temporary
folder, imports the package (which registers the task with one call) and runs every check on it, so
the guide cannot drift from what dialgym accepts.
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import io
import itertools
import json
import math
import pickle
import re
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import dialgym
from dialgym.agents import ScriptAgent, make_agent
from dialgym.core.env import MAX_ACTION_CHARS, PERSONA_SPLITS
from dialgym.core.task import Task, load_object
from dialgym.core.types import Outcome
from dialgym.rollout import play_episode
from dialgym.simulators.llm_user import LLMUserSpec, OutcomeField, parse_answer
from dialgym.tasks import TASKS, env_ids, get_task, register_task

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "adding_a_task.md"
LLM = {"backend": "openai", "model": "fake", "base_url": "http://127.0.0.1:9/v1", "api_key": "x"}


# --------------------------------------------------------------------------- the checks
def check_registration(task: Task) -> None:
    """The id resolves to this very object, Gymnasium makes its env class, and a built-in's TASKS line agrees."""
    assert get_task(task.id) is task and task.id in env_ids()
    assert get_task(f"dialgym:{task.id}") is task
    assert task.id in gym.registry
    assert load_object(gym.registry[task.id].entry_point) is task.env_class
    if task.id in TASKS:
        assert load_object(TASKS[task.id]) is task.env_class
    env = gym.make(task.id)
    assert type(env.unwrapped) is task.env_class
    env.close()


def check_gymnasium_env_checker(task: Task) -> None:
    env = gym.make(task.id)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(env.unwrapped, skip_render_check=True)


def _scripted_play(task: Task, seed: int, turns: int = 6) -> list[tuple]:
    """Reset with ``seed`` and play repertoire acts drawn from a fixed stream: every step's full result."""
    env = gym.make(task.id, privileged=True)
    rng = np.random.default_rng(1234)
    obs, info = env.reset(seed=seed)
    out: list[tuple] = [(obs, json.dumps(info, sort_keys=True))]
    for _ in range(turns):
        act = task.act_repertoire[int(rng.integers(len(task.act_repertoire)))]
        obs, reward, term, trunc, info = env.step(task.phrase(act, rng, info["messages"]))
        out.append((obs, reward, term, trunc, json.dumps(info, sort_keys=True)))
        if term or trunc:
            break
    return out


def check_reset_and_step_are_deterministic(task: Task) -> None:
    """Same seed and actions, same episode (observations, rewards, infos, persona); another seed, another one."""
    for seed in (0, 7):
        assert _scripted_play(task, seed) == _scripted_play(task, seed)
    personas = set()
    env = gym.make(task.id, privileged=True)
    for seed in range(20):
        _, info = env.reset(seed=seed)
        personas.add(json.dumps(info["persona"], sort_keys=True))
    assert len(personas) >= 10, "seeds draw too few distinct personas: the hidden parameter barely varies"


def check_personas_per_split(task: Task) -> None:
    """Each split samples JSON personas that validate, that the env draws alike, and that reset accepts."""
    env = gym.make(task.id, privileged=True).unwrapped
    for split in PERSONA_SPLITS:
        for seed in range(5):
            persona = task.sample_persona(split, np.random.default_rng(seed))
            assert isinstance(persona, dict) and isinstance(persona.get("type"), str)
            assert json.loads(json.dumps(persona)) == persona, "a persona must be plain JSON data"
            assert task.validate_persona(copy.deepcopy(persona)) == persona
            assert env.sample_persona(split, np.random.default_rng(seed)) == persona, "env and Task disagree"
            _, info = env.reset(seed=seed, options={"persona": copy.deepcopy(persona)})
            assert info["persona"] == persona
            # the typed persona: lossless to and from the dict, and reset takes it as well
            typed = task.persona_type.from_dict(persona)
            assert typed.to_dict() == persona and list(typed.to_dict()) == list(persona)
            assert json.loads(json.dumps(typed.to_dict())) == persona
            assert task.validate_persona(typed) == persona
            _, info = env.reset(seed=seed, options={"persona": typed})
            assert info["persona"] == persona and isinstance(info["persona"], dict)
    with pytest.raises(ValueError):
        task.sample_persona("bogus", np.random.default_rng(0))
    for bad in ({}, "a persona"):
        with pytest.raises((ValueError, TypeError)):
            task.validate_persona(bad)
    persona = task.sample_persona("train", np.random.default_rng(0))
    for key in persona:  # construction names the bad field
        with pytest.raises((ValueError, TypeError), match=key):
            task.persona_type.from_dict({**persona, key: object()})


def check_repertoire_phrases(task: Task) -> None:
    """Every act phrases (deterministically) to a non-empty utterance; where the task claims so, its own
    scripted user hears that act's strategy, right at the start of an episode."""
    env = gym.make(task.id)
    for act in task.act_repertoire:
        strategy = act.partition(":")[0]
        assert strategy in task.acts, f"act {act!r}: strategy {strategy!r} is not one of the task's acts"
        for seed in range(3):
            _, info = env.reset(seed=seed)
            text = task.phrase(act, np.random.default_rng(seed), info["messages"])
            assert text == task.phrase(act, np.random.default_rng(seed), info["messages"])
            assert isinstance(text, str) and text.strip() and len(text) <= MAX_ACTION_CHARS, (act, text)
            *_, info = env.step(text)
            assert set(info["agent_acts"]) <= set(task.acts), (act, info["agent_acts"])
            if task.repertoire_recognized:
                assert strategy in info["agent_acts"], (act, text, info["agent_acts"])


def _episodes(task: Task, spec: str, seeds: range, split: str = "test") -> Iterator:
    agent = make_agent(spec, task.id, seed=0)
    env = gym.make(task.id, persona_split=split, privileged=agent.requires_privileged)
    for seed in seeds:
        yield play_episode(env, agent, seed, seed)
    env.close()


def check_reference_agents(task: Task) -> None:
    """random, behavior, oracle (and adaptive) play whole episodes on every split; the outcome says what
    ``success`` means; on the same personas the oracle beats random (the normalised scale needs it)."""
    specs = ["random", "behavior", "oracle", *(["adaptive"] if task.adaptive_agent is not None else [])]
    horizon = gym.make(task.id).unwrapped.max_turns
    for spec, split in itertools.product(specs, PERSONA_SPLITS):
        for ep in _episodes(task, spec, range(2), split):
            assert ep.terminated or ep.truncated
            assert 1 <= ep.turns <= horizon
            assert all(set(acts) <= set(task.acts) for acts in ep.agent_acts), ep.agent_acts
            assert isinstance(ep.info["outcome"], dict) and isinstance(ep.info["success"], bool)
            assert math.isfinite(ep.reward)
            if task.success_rule is not None:
                assert task.success_rule(ep.info["outcome"]) == ep.info["success"], ep.info["outcome"]
    oracle = dialgym.evaluate("oracle", task.id, episodes=30, seed=0, persona_split="test")
    random = dialgym.evaluate("random", task.id, episodes=30, seed=0, persona_split="test")
    assert oracle.mean_return > random.mean_return


def check_fixed_scripts_replay(task: Task) -> None:
    """Every fixed script plays to the end and replays identically (same seeds, same transcript)."""
    for name, script in task.fixed_scripts.items():
        runs = [[ep.messages for ep in _play_script(task, script)] for _ in range(2)]
        assert runs[0] == runs[1], f"script {name!r} does not replay"


def _play_script(task: Task, script: tuple[str, ...]) -> Iterator:
    env = gym.make(task.id, persona_split="test")
    agent = ScriptAgent(task.id, list(script), seed=0)
    for seed in range(2):
        ep = play_episode(env, agent, seed, seed)
        assert ep.terminated or ep.truncated
        yield ep


def _candidate_answers(spec: LLMUserSpec) -> list[dict]:
    """Judge answers at the ends of the schema (low/high, false/true, every choice)."""
    values = []
    for name, f in spec.outcome_fields.items():
        if f.kind == "choice":
            ends = list(f.choices)
        elif f.kind == "boolean":
            ends = [False, True]
        else:
            cast = int if f.kind == "integer" else float
            ends = [cast(f.low), cast(f.high)]
        values.append([(name, v) for v in ends])
    return [dict(combo) for combo in itertools.product(*values)]


def check_llm_user_spec(task: Task) -> None:
    """The LLM user's judge has a strict outcome schema whose answers map to outcomes that agree with
    ``success_rule``; ``gym.make(..., user="llm")`` wires that spec and the persona card (no model call)."""
    if task.llm_spec is None:
        with pytest.raises(ValueError, match="no LLM user"):
            task.llm_user_spec()
        return
    spec = task.llm_user_spec()
    assert isinstance(spec, LLMUserSpec) and spec.role.strip() and spec.outcome_question.strip()
    assert spec.outcome_fields and all(isinstance(f, OutcomeField) for f in spec.outcome_fields.values())
    for split in PERSONA_SPLITS:
        persona = task.sample_persona(split, np.random.default_rng(3))
        for answer in _candidate_answers(spec):
            assert parse_answer(json.dumps(answer), spec.outcome_fields) == answer
            outcome = spec.to_outcome(answer, persona, False)
            assert isinstance(outcome, Outcome) and math.isfinite(outcome.reward)
            assert isinstance(outcome.success, bool)
            if task.success_rule is not None:
                assert task.success_rule(outcome.details) == outcome.success, (answer, outcome)
    user = gym.make(task.id, user="llm", llm=LLM).unwrapped._user
    assert user.spec is spec and user.persona_card == task.persona_card


def check_persona_card_and_description(task: Task) -> None:
    """The persona card renders every split's personas in words (never the persona's label); the description
    is what the first observation starts with."""
    for split in PERSONA_SPLITS:
        for seed in range(3):
            persona = task.sample_persona(split, np.random.default_rng(seed))
            card = task.persona_card(persona)
            assert isinstance(card, str) and len(card.split()) >= 5
            assert persona["type"] not in card, f"the persona label {persona['type']!r} leaked into the card"
    obs, _ = gym.make(task.id).reset(seed=0)
    assert task.description.strip() and obs.startswith(task.description)


def check_success_is_explained(task: Task) -> None:
    """``success`` is words a leaderboard prints; ``success_rule`` (if given) is a predicate over outcomes."""
    assert isinstance(task.success, str) and len(task.success.split()) >= 4
    assert task.success_rule is None or callable(task.success_rule)


def _rollout(task: Task, seed: int, spec: str = "behavior", **kwargs) -> tuple[list[str], dict, gym.Env]:
    """One full episode of a reference agent: the observations, the last info and the env."""
    env = gym.make(task.id, **kwargs)
    agent = make_agent(spec, task.id, seed=seed)
    obs, info = env.reset(seed=seed)
    observations = [obs]
    while True:
        obs, _, term, trunc, info = env.step(agent.act(obs, info))
        observations.append(obs)
        if term or trunc:
            return observations, info, env


def check_render_modes(task: Task) -> None:
    for mode in ("ansi", "human"):
        env = gym.make(task.id, render_mode=mode)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            obs, _ = env.reset(seed=0)
            env.step("Hello there!")
            out = env.render()
        if mode == "ansi":
            assert isinstance(out, str) and out.startswith(obs.split("\n")[0])
        else:
            assert out is None and "Hello there!" in printed.getvalue()


def check_pickle_round_trip_mid_episode(task: Task) -> None:
    """Vector envs and workers pickle envs: a clone mid-episode continues exactly as the original."""
    env = gym.make(task.id).unwrapped
    agent = make_agent("behavior", task.id, seed=0)
    obs, info = env.reset(seed=5)
    obs, *_, info = env.step(agent.act(obs, info))
    clone = pickle.loads(pickle.dumps(env))
    assert clone.messages == env.messages and clone.user_state() == env.user_state()
    action = "Could you tell me a bit more about yourself?"
    assert clone.step(action) == env.step(action)


def check_prefix_replay_reproduces_the_user_state(task: Task) -> None:
    """Hindsight and oracles replay a prefix: ``reset(options={"persona", "prefix"})`` restores the user state."""
    env = gym.make(task.id).unwrapped
    agent = make_agent("behavior", task.id, seed=2)
    for seed in range(5):
        obs, info = env.reset(seed=seed)
        states, histories = [], []
        while True:
            obs, _, term, trunc, info = env.step(agent.act(obs, info))
            if term or trunc:
                break
            states.append(copy.deepcopy(env.user_state()))
            histories.append(info["messages"])
        replay = gym.make(task.id).unwrapped
        for state, messages in zip(states, histories, strict=True):
            _, rinfo = replay.reset(seed=seed, options={"persona": env.persona, "prefix": messages})
            assert rinfo["messages"] == messages
            assert replay.user_state() == state


def check_persona_stays_hidden(task: Task) -> None:
    """The persona never reaches an observation or an unprivileged info; ``privileged=True`` shows it."""
    for split, seed, spec in itertools.product(PERSONA_SPLITS, range(6), ("behavior", "adaptive")):
        if spec == "adaptive" and task.adaptive_agent is None:
            continue
        observations, info, env = _rollout(task, seed, spec, persona_split=split)
        persona = env.unwrapped.persona
        assert "persona" not in info
        blob = json.dumps(persona, sort_keys=True)
        for obs in observations:
            assert persona["type"] not in obs, f"persona label {persona['type']!r} leaked into the observation"
            assert blob not in obs
    env = gym.make(task.id, privileged=True)
    _, info = env.reset(seed=0)
    assert info["persona"] == env.unwrapped.persona and "type" in info["persona"]


def check_bad_inputs_are_rejected_clearly(task: Task) -> None:
    with pytest.raises(ValueError, match="'train', 'test', 'hard'"):
        gym.make(task.id, persona_split="bogus")
    env = gym.make(task.id)
    env.reset(seed=0)
    before = (env.unwrapped.messages, env.unwrapped.user_state())
    with pytest.raises(TypeError, match=r"must be a str.*int"):
        env.step(42)
    with pytest.raises(ValueError, match="at most"):
        env.step("x" * (MAX_ACTION_CHARS + 1))
    assert (env.unwrapped.messages, env.unwrapped.user_state()) == before  # nothing was recorded
    *_, info = env.step("qwxz vbnm plkj hhhh zzzt")
    assert info["agent_acts"] == ["off_task"] and info["turn"] == 1, "gibberish must be off-task"


def check_info_and_observation(task: Task) -> None:
    """``info`` tells agents the turn and the horizon; the observation is the description plus the messages."""
    from dialgym.core.env import render_observation

    env = gym.make(task.id, max_turns=3)
    _, info = env.reset(seed=0)
    assert (info["turn"], info["max_turns"]) == (0, 3)
    done, turns = False, 0
    while not done:
        obs, _, term, trunc, info = env.step("Hello! Could you tell me a little more?")
        turns += 1
        assert (info["turn"], info["max_turns"]) == (turns, 3)
        assert obs == render_observation(env.unwrapped.description, info["messages"])
        done = term or trunc
    assert turns <= 3


CHECKS: tuple[Callable[[Task], None], ...] = (
    check_registration,
    check_gymnasium_env_checker,
    check_reset_and_step_are_deterministic,
    check_personas_per_split,
    check_repertoire_phrases,
    check_reference_agents,
    check_fixed_scripts_replay,
    check_llm_user_spec,
    check_persona_card_and_description,
    check_success_is_explained,
    check_render_modes,
    check_pickle_round_trip_mid_episode,
    check_prefix_replay_reproduces_the_user_state,
    check_persona_stays_hidden,
    check_bad_inputs_are_rejected_clearly,
    check_info_and_observation,
)


@pytest.mark.parametrize("check", CHECKS, ids=[c.__name__.removeprefix("check_") for c in CHECKS])
@pytest.mark.parametrize("env_id", env_ids())
def test_registered_task_meets_the_contract(env_id: str, check: Callable[[Task], None]) -> None:
    check(get_task(env_id))


def test_dialgym_registers_its_tasks_from_one_table() -> None:
    """One line per task: TASKS is the whole list, each names a package exporting TASK with that id."""
    assert list(TASKS) == env_ids()[: len(TASKS)]
    for env_id, entry in TASKS.items():
        package = importlib.import_module(entry.split(":", 1)[0])
        assert package.TASK is get_task(env_id) and package.TASK.id == env_id


# --------------------------------------------------------------------------- a task from outside dialgym
def guide_files(text: str) -> dict[str, str]:
    """The files the guide shows: fenced python (or toml) blocks whose first line is ``# file: <path>``."""
    files = {}
    for block in re.findall(r"```(?:python|toml)\n(.*?)```", text, flags=re.S):
        first, _, body = block.partition("\n")
        if first.startswith("# file: "):
            files[first.removeprefix("# file: ").strip()] = body
    return files


@pytest.fixture
def barista(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Task]:
    """The guide's package written to ``tmp_path`` and imported: one ``register_task`` call adds Barista-v0.

    Afterwards the task is taken out of both registries again, so later tests see dialgym's own tasks only.
    """
    files = guide_files(GUIDE.read_text(encoding="utf-8"))
    assert {"barista/__init__.py", "barista/task.py", "barista/llm.py"} <= set(files), sorted(files)
    for rel, body in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "Barista-v0" not in env_ids()
    try:
        module = importlib.import_module("barista")
        yield module.TASK
    finally:
        from dialgym import tasks

        tasks._LOADED.pop("Barista-v0", None)
        gym.registry.pop("Barista-v0", None)
        for name in [m for m in sys.modules if m == "barista" or m.startswith("barista.")]:
            del sys.modules[name]


def test_a_task_from_a_user_package_meets_the_same_contract(barista: Task) -> None:
    assert "Barista-v0" in env_ids() and get_task("Barista-v0") is barista
    for check in CHECKS:
        check(barista)
    # asking first matters: the task's own ask-then-offer agent beats every fixed order of offers
    adaptive = dialgym.evaluate("adaptive", "Barista-v0", episodes=60, seed=0, persona_split="test")
    best_script = max(
        dialgym.evaluate(ScriptAgent("Barista-v0", list(s)), "Barista-v0", episodes=60, seed=0, persona_split="test")
        .mean_return
        for s in barista.fixed_scripts.values()
    )
    assert adaptive.mean_return > best_script


def test_a_user_task_works_from_the_cli_in_a_fresh_process(barista: Task, tmp_path: Path) -> None:
    """``module:Id`` imports the user's package (which registers the task), as ``gym.make`` does."""
    out = tmp_path / "lb"
    cmd = [sys.executable, "-m", "dialgym", "eval", "barista:Barista-v0", "--agent", "adaptive"]
    cmd += ["--episodes", "6", "--quiet", "--out", str(out)]
    env = {"PYTHONPATH": str(tmp_path), "PATH": ""}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)  # hang guard
    assert proc.returncode == 0, proc.stderr
    rows = json.loads((out / "leaderboard.json").read_text())["rows"]
    assert {r["agent"] for r in rows} >= {"adaptive", "random", "oracle"}


def test_registering_checks_the_task_and_the_id(barista: Task) -> None:
    assert register_task(barista) is barista  # the same object again: a module imported twice
    with pytest.raises(ValueError, match="already a registered dialgym task"):
        register_task(Task(**{**_fields(barista), "success": "another task under the same id"}))
    with pytest.raises(ValueError, match="already a registered dialgym task"):
        register_task(Task(**{**_fields(get_task("Persuasion-v0")), "success": "a copy of Persuasion"}))
    with pytest.raises(TypeError, match=r"needs a dialgym\.core\.task\.Task"):
        register_task(barista.id)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown dialgym env id 'Nope-v0'"):
        get_task("Nope-v0")


def _fields(task: Task) -> dict:
    import dataclasses

    return {f.name: getattr(task, f.name) for f in dataclasses.fields(task)}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "dialgym:Barista-v0"}, "must be a Gymnasium env id"),
        ({"acts": ()}, "acts must be non-empty strings"),
        ({"act_repertoire": ("offer:tea", "offer:tea")}, "act_repertoire has duplicates"),
        ({"fixed_scripts": {"x": ("offer:beer",)}}, r"fixed script 'x' plays acts \['offer:beer'\]"),
        ({"phrase": "not callable"}, "phrase must be callable"),
        ({"success": " "}, "success must say in words"),
        ({"env": "no_colon_here"}, "'module:Class' entry point"),
        ({"persona_type": dict}, "persona_type must be a dialgym.core.task.Persona dataclass"),
    ],
)
def test_a_bad_task_fails_at_declaration_naming_the_field(barista: Task, change: dict, message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        Task(**{**_fields(barista), **change})
