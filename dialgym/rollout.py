"""Play one episode of an agent in an env: the loop that evaluation and data collection share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym

from dialgym.core.agent import Agent
from dialgym.core.types import Message


@dataclass
class Rollout:
    """Everything one episode produced.

    Attributes:
        messages: the final history (``info["messages"]`` at the last step).
        agent_acts: per agent turn, the strategies the user recognised.
        reward: the episode return (sum of step rewards).
        info: the last step's info (``outcome``, ``success``, ``persona`` if privileged,
            ``user_failure`` if the simulated user failed).
        persona: the latent persona (read from the unwrapped env, for records).
    """

    messages: list[Message]
    agent_acts: list[list[str]]
    reward: float
    terminated: bool
    truncated: bool
    info: dict[str, Any]
    persona: dict[str, Any] = field(default_factory=dict)

    @property
    def turns(self) -> int:
        return len(self.agent_acts)

    @property
    def outcome(self) -> dict[str, Any]:
        return dict(self.info.get("outcome", {}))

    @property
    def success(self) -> bool:
        return bool(self.info.get("success", False))

    @property
    def user_failure(self) -> str | None:
        """Why the simulated user failed for good (the episode is then not the agent's to score), else None."""
        return self.info.get("user_failure")


def play_episode(
    env: gym.Env,
    agent: Agent,
    seed: int | None,
    agent_seed: int | None,
    options: dict[str, Any] | None = None,
) -> Rollout:
    """Reset ``env`` with ``seed`` (and ``options``), reset ``agent`` with ``agent_seed``, play to the end.

    If the simulated user fails at reset (``info["user_failure"]``), the episode ends there with no agent
    turn: the agent is not asked to act in a conversation that cannot happen.
    """
    obs, info = env.reset(seed=seed, options=options)
    agent.reset(seed=agent_seed)
    acts: list[list[str]] = []
    total = 0.0
    if info.get("user_failure"):
        return Rollout(
            messages=info["messages"],
            agent_acts=acts,
            reward=0.0,
            terminated=False,
            truncated=True,
            info=info,
            persona=env.unwrapped.persona,
        )
    while True:
        obs, reward, terminated, truncated, info = env.step(agent.act(obs, info))
        acts.append(list(info["agent_acts"]))
        total += float(reward)
        if terminated or truncated:
            break
    return Rollout(
        messages=info["messages"],
        agent_acts=acts,
        reward=total,
        terminated=bool(terminated),
        truncated=bool(truncated),
        info=info,
        persona=env.unwrapped.persona,
    )
