"""Fixtures shared by the task tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import gymnasium as gym
import pytest


@pytest.fixture()
def varied_rollouts() -> Callable[..., list[Any]]:
    """``varied_rollouts(env_id, splits=("test", "hard"), **env_kwargs)``: episodes of the random, behavior and
    adaptive agents (40 seeds each, per split), so that both sides of a task's outcome rule occur."""
    import dialgym  # noqa: F401  (registers the envs)
    from dialgym.agents import make_agent
    from dialgym.rollout import play_episode

    def play(env_id: str, splits: Sequence[str] = ("test", "hard"), **env_kwargs: Any) -> list[Any]:
        rollouts = []
        for split in splits:
            env = gym.make(env_id, persona_split=split, **env_kwargs)
            for spec in ("random", "behavior", "adaptive"):
                agent = make_agent(spec, env_id, seed=0)
                rollouts += [play_episode(env, agent, seed, seed) for seed in range(40)]
            env.close()
        return rollouts

    return play
