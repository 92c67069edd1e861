"""Registers dialgym's environments with Gymnasium (string entry points, plain kwargs).

Tasks from outside dialgym register themselves with :func:`dialgym.tasks.register_task`.
"""

from __future__ import annotations

import gymnasium as gym

from dialgym.tasks import TASKS


def register_envs() -> None:
    """Register every id of :data:`dialgym.tasks.TASKS`; safe to call more than once.

    Only entry point strings: a task package is imported when its env is first made.
    """
    for env_id, entry_point in TASKS.items():
        if env_id in gym.registry:
            continue
        # No TimeLimit wrapper: DialogueEnv truncates at ``max_turns`` itself, which
        # is an env kwarg so it stays visible in env.spec and data records.
        gym.register(id=env_id, entry_point=entry_point)
