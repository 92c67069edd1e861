"""Registers dialgym's environments with Gymnasium (string entry points, plain kwargs)."""

from __future__ import annotations

import gymnasium as gym

from dialgym.tasks import TASKS


def register_envs() -> None:
    """Register every task id; safe to call more than once."""
    for env_id, (package, cls) in TASKS.items():
        if env_id in gym.registry:
            continue
        # No TimeLimit wrapper: DialogueEnv truncates at ``max_turns`` itself, which
        # is an env kwarg so it stays visible in env.spec and data records.
        gym.register(id=env_id, entry_point=f"{package}:{cls}")
