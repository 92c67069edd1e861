"""Play one episode of an agent in an env: the one-episode form of :mod:`dialgym.runner`'s loop."""

from __future__ import annotations

from typing import Any

import gymnasium as gym

from dialgym.core.agent import Agent
from dialgym.runner import EpisodeSpec, Rollout, play_lockstep


def play_episode(
    env: gym.Env,
    agent: Agent,
    seed: int | None,
    agent_seed: int | None,
    options: dict[str, Any] | None = None,
) -> Rollout:
    """Reset ``env`` with ``seed`` (and ``options``), reset ``agent`` with ``agent_seed``, play to the end.

    ``env`` may be any Gymnasium env around a dialgym env (wrapped or not). If the simulated user fails at
    reset (``info["user_failure"]``), the episode ends there with no agent turn: the agent is not asked to
    act in a conversation that cannot happen.
    """
    [(_, rollout)] = play_lockstep([env], [agent], [EpisodeSpec(0, seed, agent_seed, options)])
    return rollout


__all__ = ["Rollout", "play_episode"]
