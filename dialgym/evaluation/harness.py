"""Run agents on dialgym environments: paired episodes, means with bootstrap CIs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym
import numpy as np

from dialgym.core.agent import Agent
from dialgym.evaluation.stats import bootstrap_ci
from dialgym.rollout import play_episode


def episode_seed(seed: int, index: int, stream: int = 0) -> int:
    """The seed of episode ``index`` of a run seeded ``seed`` (stream 0: env, 1: agent).

    Derived with ``SeedSequence`` so every agent evaluated with the same run seed
    meets the same personas (paired comparison), and a resumed run replays exactly.
    """
    return int(np.random.SeedSequence([seed, index, stream]).generate_state(1)[0])


@dataclass
class EvalResult:
    """Per-episode returns of one agent on one env, and their summary."""

    agent: str
    env_id: str
    returns: list[float]
    successes: list[bool]
    turns: list[int]
    persona_types: list[str]
    seed: int
    env_kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def episodes(self) -> int:
        return len(self.returns)

    @property
    def mean_return(self) -> float:
        return float(np.mean(self.returns))

    @property
    def ci95(self) -> tuple[float, float]:
        return bootstrap_ci(self.returns, 0.95, seed=self.seed)

    @property
    def success_rate(self) -> float:
        return float(np.mean(self.successes))

    @property
    def mean_turns(self) -> float:
        return float(np.mean(self.turns))

    def by_persona_type(self) -> dict[str, dict[str, float]]:
        groups: dict[str, list[float]] = defaultdict(list)
        for t, r in zip(self.persona_types, self.returns, strict=True):
            groups[t].append(r)
        return {t: {"mean": float(np.mean(v)), "episodes": len(v)} for t, v in sorted(groups.items())}

    def summary(self) -> dict[str, Any]:
        lo, hi = self.ci95
        return {
            "agent": self.agent,
            "env_id": self.env_id,
            "episodes": self.episodes,
            "mean_return": self.mean_return,
            "ci95": [lo, hi],
            "success_rate": self.success_rate,
            "mean_turns": self.mean_turns,
        }

    def __repr__(self) -> str:
        lo, hi = self.ci95
        return (
            f"EvalResult(agent={self.agent!r}, env_id={self.env_id!r}, episodes={self.episodes}, "
            f"mean_return={self.mean_return:.3f}, ci95=({lo:.3f}, {hi:.3f}), "
            f"success_rate={self.success_rate:.3f})"
        )


def evaluate(
    agent: Agent | str,
    env_id: str,
    episodes: int = 100,
    seed: int = 0,
    progress: bool = False,
    **env_kwargs: Any,
) -> EvalResult:
    """Run ``episodes`` episodes of ``agent`` on ``env_id``.

    Episode ``i`` resets the env with :func:`episode_seed` ``(seed, i)`` and the
    agent with ``(seed, i, 1)``, so two agents evaluated with the same ``seed``
    face the same personas. Agents that need the persona (oracles) get an env built
    with ``privileged=True``; nobody else does.
    """
    from dialgym.agents import make_agent

    if isinstance(episodes, bool) or not isinstance(episodes, int) or episodes < 1:
        raise ValueError(f"episodes={episodes!r} must be a positive integer")
    if isinstance(agent, str):
        spec = agent
        agent = make_agent(spec, env_id, seed=seed)
    else:
        spec = getattr(agent, "spec", type(agent).__name__)
    kwargs = dict(env_kwargs)
    if agent.requires_privileged:
        kwargs["privileged"] = True
    env = gym.make(env_id, **kwargs)
    try:
        returns: list[float] = []
        successes: list[bool] = []
        turns: list[int] = []
        types: list[str] = []
        iterator: Any = range(episodes)
        if progress:
            from dialgym.utils.progress import progress_bar

            iterator = progress_bar(iterator, total=episodes, desc=f"{spec} on {env_id}")
        for i in iterator:
            result = play_episode(env, agent, episode_seed(seed, i), episode_seed(seed, i, 1))
            returns.append(result.reward)
            successes.append(result.success)
            turns.append(result.turns)
            types.append(str(result.persona.get("type", "unknown")))
    finally:
        env.close()
    return EvalResult(
        agent=spec,
        env_id=env_id,
        returns=returns,
        successes=successes,
        turns=turns,
        persona_types=types,
        seed=seed,
        env_kwargs=dict(env_kwargs),
    )
