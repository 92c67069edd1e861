"""Hindsight regeneration (Hong et al. 2024): rewrite one agent turn with what the dialogue revealed.

Three swappable components:

* a **controller** proposes a better agent utterance at a prefix that ends before
  an agent turn, using what the *whole* dialogue revealed about the user;
* a **forward model** completes the dialogue from the relabelled prefix;
* a **reward model** scores the completed dialogue.

The simulator-based implementations here use the task itself: the controller is
the task's oracle policy given the persona the episode recorded (everything the
dialogue revealed and more), or any persona-blind reference policy
(:class:`PolicyController`); the forward model resumes the task's simulated user
with that persona from the prefix (``reset(options={"persona", "prefix"})``) and
lets the data's own policy play the remaining agent turns, so a regeneration
differs from its parent only by the one rewritten turn and its consequences; the
reward model is the environment's outcome. LLM-based components live in
:mod:`dialgym.data.hindsight_llm` once an LLM backend is configured.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import gymnasium as gym
import numpy as np

from dialgym.core.env import render_observation
from dialgym.data.episode import Episode, simulator_persona
from dialgym.data.io import EpisodeWriter, iter_episodes, open_for_resume
from dialgym.registration import dialogue_env
from dialgym.seeding import HINDSIGHT, HINDSIGHT_REGEN, episode_seed
from dialgym.utils.progress import progress_bar


@dataclass
class Completion:
    """A completed dialogue from the forward model (reward filled by the reward model)."""

    messages: list[dict[str, str]]
    agent_acts: list[list[str]]
    terminated: bool
    reward: float = 0.0
    outcome: dict[str, Any] | None = None
    success: bool = False


class Controller(Protocol):
    def propose(self, episode: Episode, prefix_len: int, rng: np.random.Generator) -> str: ...


class ForwardModel(Protocol):
    def complete(self, episode: Episode, prefix_len: int, utterance: str, rng: np.random.Generator) -> Completion: ...


class RewardModel(Protocol):
    def score(self, episode: Episode, completion: Completion) -> Completion: ...


def _env_for(episode: Episode) -> gym.Env:
    import dialgym  # noqa: F401

    return gym.make(episode.env_id, **episode.env_kwargs)


class PolicyController:
    """Rewrite the turn with a reference policy (an agent spec) reading the prefix.

    ``"adaptive"`` (ask, then adapt) is the default. ``"oracle"`` (:class:`OracleController`) is also told
    the persona the episode recorded: everything the dialogue revealed and more. That knowledge is not in
    the prefix, so its rewrite can be a move no agent could justify from what it has seen (explaining in
    the one way this learner understands before asking how they learn); a value learner trained on such
    data credits the unjustified move. A persona-blind spec such as ``"adaptive"`` only rewrites turns
    into moves the prefix supports; in the reproduction it trained ILQL at least as well on every task,
    and the oracle worse on all four.
    """

    def __init__(self, spec: str = "adaptive") -> None:
        self.spec = spec
        self._agents: dict[str, Any] = {}
        self._descriptions: dict[str, str] = {}
        self._max_turns: dict[str, int] = {}

    def propose(self, episode: Episode, prefix_len: int, rng: np.random.Generator) -> str:
        from dialgym.agents import make_agent

        if episode.env_id not in self._agents:
            self._agents[episode.env_id] = make_agent(self.spec, episode.env_id)
            env = _env_for(episode)
            self._descriptions[episode.env_id] = dialogue_env(env).description
            self._max_turns[episode.env_id] = int(dialogue_env(env).max_turns)
            env.close()
        agent = self._agents[episode.env_id]
        agent.reset(seed=int(rng.integers(2**31)))
        prefix = episode.messages[:prefix_len]
        info = {
            "task": episode.task,
            "turn": sum(m["role"] == "assistant" for m in prefix),
            # the horizon the episode was played with (every env step tells agents this)
            "max_turns": int(episode.env_kwargs.get("max_turns", self._max_turns[episode.env_id])),
            "messages": [dict(m) for m in prefix],
            "agent_acts": [],
        }
        if agent.requires_privileged:  # a human episode's oracle is told the simulator stand-in, not the traits
            info["persona"] = json.loads(json.dumps(simulator_persona(episode.persona)))
        # TODO(core/env.py owner): render_observation should take an episode record's dict[str, str] messages
        return agent.act(render_observation(self._descriptions[episode.env_id], prefix), info)  # type: ignore[arg-type]


class OracleController(PolicyController):
    """The task's oracle, told the persona the episode recorded (the hindsight knowledge)."""

    def __init__(self) -> None:
        super().__init__("oracle")


class SimulatorForwardModel:
    """Resume the task's scripted user from the prefix; the data's policy plays on.

    Args:
        continuation: agent spec for the turns after the rewritten one; ``None``
            uses the episode's own ``policy`` (falling back to ``behavior`` when that
            spec cannot be built here, e.g. for imagined data). For real people's
            episodes (``source="human"``) ``None`` replays the real persuader's own later
            turns open loop, so a regeneration differs from the real dialogue only by the
            rewritten turn and the simulated user's answers to it.

    Real people's episodes are resumed with their simulator stand-in
    (:func:`dialgym.data.episode.simulator_persona`): the recorded human user turns of
    the prefix are kept verbatim, and from the rewritten turn on the user is simulated.
    """

    def __init__(self, continuation: str | None = None) -> None:
        self.continuation = continuation
        self._envs: dict[str, gym.Env] = {}
        self._agents: dict[tuple[str, str], Any] = {}

    def _agent(self, episode: Episode) -> Any:
        from dialgym.agents import make_agent

        if self.continuation is None and episode.source == "human":
            from dialgym.agents.replay import HumanReplayAgent

            turns = [m["content"] for m in episode.messages if m["role"] == "assistant"]
            return HumanReplayAgent(episode.env_id, [turns])
        spec = self.continuation or episode.policy or "behavior"
        key = (spec, episode.env_id)
        if key not in self._agents:
            try:
                self._agents[key] = make_agent(spec, episode.env_id)
            except (ValueError, OSError):
                self._agents[key] = make_agent("behavior", episode.env_id)
        return self._agents[key]

    def complete(self, episode: Episode, prefix_len: int, utterance: str, rng: np.random.Generator) -> Completion:
        agent = self._agent(episode)
        kwargs = {**episode.env_kwargs, "privileged": agent.requires_privileged}
        key = json.dumps([episode.env_id, kwargs], sort_keys=True)
        if key not in self._envs:
            import dialgym  # noqa: F401

            # No env checker: a reset that refuses a prefix (the user would leave inside it) leaves gymnasium's
            # passive checker without the reset data it compares the first step against, and every later
            # regeneration in this env would then crash on its first step.
            self._envs[key] = gym.make(episode.env_id, disable_env_checker=True, **kwargs)
        env = self._envs[key]
        agent.reset(seed=int(rng.integers(2**31)))
        obs, info = env.reset(
            seed=int(rng.integers(2**31)),
            options={"persona": simulator_persona(episode.persona), "prefix": episode.messages[:prefix_len]},
        )
        acts = [list(a) for a in episode.agent_acts[: info["turn"]]]
        action = utterance
        while True:
            obs, reward, terminated, truncated, info = env.step(action)
            acts.append(list(info["agent_acts"]))
            if terminated or truncated:
                break
            action = agent.act(obs, info)
        return Completion(
            messages=info["messages"],
            agent_acts=acts,
            terminated=bool(terminated),
            reward=float(reward),
            outcome=dict(info.get("outcome", {})),
            success=bool(info.get("success", False)),
        )


class EnvRewardModel:
    """The environment's own outcome (the forward model already played it out)."""

    def score(self, episode: Episode, completion: Completion) -> Completion:
        if completion.outcome is None:
            raise ValueError("EnvRewardModel needs a completion played in the environment")
        return completion


@dataclass
class HindsightSummary:
    path: str
    parents: int
    regenerations: int
    dropped: int
    skipped_existing: int
    parent_mean_reward: float
    regen_mean_reward: float
    paired_parent_mean: float
    seconds: float

    def __str__(self) -> str:
        return (
            f"{self.path}: {self.parents} originals + {self.regenerations} regenerations "
            f"({self.dropped} dropped, {self.skipped_existing} already there) in {self.seconds:.1f}s; "
            f"mean reward of regenerations {self.regen_mean_reward:.3f} vs their parents "
            f"{self.paired_parent_mean:.3f} (all originals {self.parent_mean_reward:.3f})"
        )


def choose_prefixes(episode: Episode, factor: int, rng: np.random.Generator) -> list[int]:
    """``factor`` distinct cut points (message indices of agent turns), drawn with ``rng``."""
    points = [k for k, m in enumerate(episode.messages) if m["role"] == "assistant"]
    if not points:
        return []
    picks = rng.choice(len(points), size=min(factor, len(points)), replace=False)
    return sorted(points[int(i)] for i in picks)


def hindsight(
    inp: str | os.PathLike[str],
    out: str | os.PathLike[str],
    factor: int,
    seed: int,
    controller: Controller | None = None,
    forward: ForwardModel | None = None,
    reward: RewardModel | None = None,
    skip_invalid: bool = False,
    progress: bool = True,
    config_extra: dict[str, Any] | None = None,
) -> HindsightSummary:
    """Write the episodes of ``inp`` and ``factor`` regenerations of each to ``out`` (resumable).

    The default components are simulator-based: a persona-blind :class:`PolicyController`
    (``"adaptive"``), :class:`SimulatorForwardModel` and :class:`EnvRewardModel`. A policy
    controller's spec is recorded in the file's metadata, so another controller cannot resume it.
    """
    if isinstance(factor, bool) or not isinstance(factor, int) or factor < 1:
        raise ValueError(f"factor={factor!r} must be a positive integer")
    controller = controller or PolicyController("adaptive")
    forward = forward or SimulatorForwardModel()
    reward = reward or EnvRewardModel()
    stats: dict[str, int] = {}
    parents = [e for e in iter_episodes(inp, skip_invalid=skip_invalid, stats=stats) if e.source != "hindsight"]
    config = {
        "command": "hindsight",
        "input": os.path.abspath(os.fspath(inp)),
        "factor": factor,
        "seed": seed,
        "components": [type(controller).__name__, type(forward).__name__, type(reward).__name__],
        **(config_extra or {}),
    }
    if isinstance(controller, PolicyController) and not isinstance(controller, OracleController):
        config.setdefault("controller", controller.spec)
    path = Path(out)
    existing = open_for_resume(path, config, "hindsight")
    t0 = time.perf_counter()
    regen_rewards: list[float] = []
    paired_parents: list[float] = []
    dropped = 0
    skipped = 0
    with EpisodeWriter(path) as writer:
        iterator = progress_bar(parents, total=len(parents), desc="hindsight") if progress else parents
        for index, parent in enumerate(iterator):
            if parent.id in existing:
                skipped += 1
            else:
                writer.write(parent)
            rng = np.random.default_rng(episode_seed(seed, index, HINDSIGHT))
            for j, cut in enumerate(choose_prefixes(parent, factor, rng)):
                rid = f"{parent.id}-h{j}"
                sub = np.random.default_rng(episode_seed(seed, index, HINDSIGHT_REGEN + j))
                if rid in existing:
                    skipped += 1
                    continue
                try:
                    utterance = controller.propose(parent, cut, sub)
                    done = reward.score(parent, forward.complete(parent, cut, utterance, sub))
                except (ValueError, RuntimeError) as exc:  # a regeneration that fails is dropped, never half-written
                    dropped += 1
                    if progress:
                        print(f"dropped {rid}: {exc}")
                    continue
                writer.write(
                    Episode(
                        id=rid,
                        task=parent.task,
                        env_id=parent.env_id,
                        seed=parent.seed,
                        persona=parent.persona,
                        messages=[dict(m) for m in done.messages],
                        reward=done.reward,
                        outcome=done.outcome or {},
                        success=done.success,
                        source="hindsight",
                        parent_id=parent.id,
                        prefix_len=cut,
                        policy=f"hindsight({parent.policy})",
                        agent_acts=done.agent_acts,
                        terminated=done.terminated,
                        env_kwargs=parent.env_kwargs,
                    )
                )
                regen_rewards.append(done.reward)
                paired_parents.append(parent.reward)
    return HindsightSummary(
        path=str(path),
        parents=len(parents),
        regenerations=len(regen_rewards),
        dropped=dropped,
        skipped_existing=skipped,
        parent_mean_reward=float(np.mean([p.reward for p in parents])) if parents else float("nan"),
        regen_mean_reward=float(np.mean(regen_rewards)) if regen_rewards else float("nan"),
        paired_parent_mean=float(np.mean(paired_parents)) if paired_parents else float("nan"),
        seconds=time.perf_counter() - t0,
    )
