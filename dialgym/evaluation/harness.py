"""Run agents on dialgym environments: paired episodes, means with bootstrap CIs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dialgym.evaluation.stats import bootstrap_ci, normalized_score
from dialgym.runner import agent_label, build_agent, paired_episodes, run_episodes
from dialgym.seeding import episode_seed as episode_seed  # an explicit re-export; its home is dialgym.seeding


@dataclass
class EvalResult:
    """Per-episode returns of one agent on one env, and their summary.

    The per-episode lists hold every episode played, in episode order (so two agents' lists pair
    up). An episode whose simulated user or judge failed for good (``user_failures[i]`` is its
    reason) is not the agent's doing: the statistics (:attr:`mean_return`, :attr:`ci95`,
    :attr:`success_rate`, :attr:`mean_turns`, :attr:`by_persona_type`, :attr:`normalized`) leave
    it out unless :attr:`include_user_failures`, which counts it as it was recorded (reward 0, no
    success). :attr:`user_failure_rate` reports how many there were either way.
    """

    agent: str
    env_id: str
    returns: list[float]
    successes: list[bool]
    turns: list[int]
    persona_types: list[str]
    seed: int
    env_kwargs: dict[str, Any] = field(default_factory=dict)
    #: ``(random, oracle)`` mean returns on the same env and split, for :attr:`normalized`
    reference: tuple[float, float] | None = None
    #: per episode: why its simulated user failed for good, or None (empty: no episode failed)
    user_failures: list[str | None] = field(default_factory=list)
    #: score user-failed episodes too (as recorded: reward 0, no success) instead of leaving them out
    include_user_failures: bool = False

    def __post_init__(self) -> None:
        if self.user_failures and len(self.user_failures) != len(self.returns):
            raise ValueError(
                f"user_failures has {len(self.user_failures)} entries for {len(self.returns)} episodes; "
                "expected one per episode (None where the user did not fail)"
            )

    @property
    def episodes(self) -> int:
        """Episodes played, user-failed ones included."""
        return len(self.returns)

    @property
    def scored(self) -> list[bool]:
        """Per episode: whether it counts in the statistics."""
        if self.include_user_failures or not self.user_failures:
            return [True] * len(self.returns)
        return [f is None for f in self.user_failures]

    @property
    def scored_episodes(self) -> int:
        """Episodes the statistics are over (the n of the mean and CI)."""
        return sum(self.scored)

    @property
    def user_failure_count(self) -> int:
        return sum(f is not None for f in self.user_failures)

    @property
    def user_failure_rate(self) -> float:
        """Share of the episodes played whose simulated user failed for good."""
        return self.user_failure_count / self.episodes if self.episodes else 0.0

    def _kept(self, values: list[Any]) -> list[Any]:
        return [v for v, keep in zip(values, self.scored, strict=True) if keep]

    @property
    def scored_returns(self) -> list[float]:
        return self._kept(self.returns)

    @property
    def mean_return(self) -> float:
        """Mean return over :attr:`scored_returns` (NaN when every episode's user failed)."""
        kept = self.scored_returns
        return float(np.mean(kept)) if kept else float("nan")

    @property
    def ci95(self) -> tuple[float, float]:
        kept = self.scored_returns
        return bootstrap_ci(kept, 0.95, seed=self.seed) if kept else (float("nan"), float("nan"))

    @property
    def success_rate(self) -> float:
        kept = self._kept(self.successes)
        return float(np.mean(kept)) if kept else float("nan")

    @property
    def mean_turns(self) -> float:
        kept = self._kept(self.turns)
        return float(np.mean(kept)) if kept else float("nan")

    @property
    def normalized(self) -> float | None:
        """Mean return on the 0 = random, 100 = oracle scale; ``None`` without :attr:`reference`."""
        if self.reference is None or self.reference[0] == self.reference[1]:
            return None
        return normalized_score(self.mean_return, *self.reference)

    @property
    def normalized_ci95(self) -> tuple[float, float] | None:
        """:attr:`ci95` on the normalised scale (the reference scores taken as fixed)."""
        if self.reference is None or self.reference[0] == self.reference[1]:
            return None
        lo, hi = self.ci95
        return normalized_score(lo, *self.reference), normalized_score(hi, *self.reference)

    def by_persona_type(self) -> dict[str, dict[str, float]]:
        groups: dict[str, list[float]] = defaultdict(list)
        for t, r in zip(self._kept(self.persona_types), self.scored_returns, strict=True):
            groups[t].append(r)
        return {t: {"mean": float(np.mean(v)), "episodes": len(v)} for t, v in sorted(groups.items())}

    def summary(self) -> dict[str, Any]:
        lo, hi = self.ci95
        return {
            "agent": self.agent,
            "env_id": self.env_id,
            "episodes": self.episodes,
            "scored_episodes": self.scored_episodes,
            "user_failures": self.user_failure_count,
            "user_failure_rate": self.user_failure_rate,
            "include_user_failures": self.include_user_failures,
            "mean_return": self.mean_return,
            "ci95": [lo, hi],
            "success_rate": self.success_rate,
            "mean_turns": self.mean_turns,
            "normalized": self.normalized,
            "normalized_ci95": list(self.normalized_ci95) if self.normalized_ci95 else None,
            "reference": list(self.reference) if self.reference else None,
        }

    def __repr__(self) -> str:
        lo, hi = self.ci95
        return (
            f"EvalResult(agent={self.agent!r}, env_id={self.env_id!r}, episodes={self.episodes}, "
            f"mean_return={self.mean_return:.3f}, ci95=({lo:.3f}, {hi:.3f}), "
            f"success_rate={self.success_rate:.3f}"
            + (f", normalized={self.normalized:.1f}" if self.normalized is not None else "")
            + (
                f", user_failures={self.user_failure_count} ({'scored' if self.include_user_failures else 'left out'})"
                if self.user_failure_count
                else ""
            )
            + ")"
        )


def evaluate(
    agent: Any,
    env_id: str,
    episodes: int = 100,
    seed: int = 0,
    progress: bool = False,
    reference: tuple[float, float] | bool | None = None,
    include_user_failures: bool = False,
    batch: int = 1,
    **env_kwargs: Any,
) -> EvalResult:
    """Run ``episodes`` episodes of ``agent`` on ``env_id``.

    ``agent`` is a spec string (``"oracle"``, ``"my_pkg.agents:MyAgent"``,
    ``"path/to/file.py:MyAgent?temperature=0.5"``), an :class:`Agent`, or any object
    with ``act(observation, info) -> str`` (see :class:`dialgym.core.agent.ExternalAgent`).

    Episode ``i`` resets the env with :func:`dialgym.seeding.episode_seed` ``(seed, i)``
    and the agent with ``(seed, i, 1)``, so two agents evaluated with the same ``seed``
    face the same personas. Agents that need the persona (oracles) get an env built
    with ``privileged=True``; nobody else does. Episodes are played by
    :func:`dialgym.runner.run_episodes`: ``batch`` of them in lockstep suits LLM users
    and LLM agents (one batch of model calls per turn; an agent object gets one deep
    copy per extra slot), with the same results as one at a time.

    ``reference``: ``(random, oracle)`` mean returns to normalise against, or
    ``True`` to measure both on the same episodes (scripted users: about a second),
    so that :attr:`EvalResult.normalized` is set (0 = random agent, 100 = oracle).

    Episodes whose simulated user (an LLM user or its judge) failed for good end with
    ``info["user_failure"]``; they are counted in :attr:`EvalResult.user_failure_rate` and
    left out of the agent's statistics unless ``include_user_failures`` (then they count as
    recorded: reward 0, no success). An error raised by the agent itself is not caught.
    """
    if isinstance(episodes, bool) or not isinstance(episodes, int) or episodes < 1:
        raise ValueError(f"episodes={episodes!r} must be a positive integer")
    spec = agent_label(agent)
    given = agent
    agent = build_agent(agent, env_id, seed=seed)  # a bad spec fails here, before any reference run
    if reference is True:
        refs = [
            evaluate(
                name, env_id, episodes, seed, include_user_failures=include_user_failures, **env_kwargs
            ).mean_return
            for name in ("random", "oracle")
        ]
        reference = (refs[0], refs[1])
    elif reference is False:
        reference = None
    elif reference is not None:
        if len(reference) != 2:
            raise ValueError(f"reference={reference!r} must be (random, oracle) mean returns or True")
        reference = (float(reference[0]), float(reference[1]))
    played = run_episodes(
        env_id,
        given if isinstance(given, str) and batch > 1 else agent,  # a spec is built once per lockstep slot
        paired_episodes(seed, range(episodes)),
        env_kwargs=env_kwargs,
        batch=batch,
        agent_seed=seed,
        progress=progress,
        desc=f"eval {spec} on {env_id}",
    )
    rollouts = [r for _, r in sorted(played, key=lambda done: done[0].index)]  # lockstep ends out of order
    returns = [r.reward for r in rollouts]
    successes = [r.success for r in rollouts]
    turns = [r.turns for r in rollouts]
    types = [str(r.persona.get("type", "unknown")) for r in rollouts]
    failures = [r.user_failure for r in rollouts]
    return EvalResult(
        agent=spec,
        env_id=env_id,
        returns=returns,
        successes=successes,
        turns=turns,
        persona_types=types,
        seed=seed,
        env_kwargs=dict(env_kwargs),
        reference=reference,
        user_failures=failures,
        include_user_failures=include_user_failures,
    )
