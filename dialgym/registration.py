"""Registers dialgym's environments with Gymnasium (string entry points, plain kwargs).

Tasks from outside dialgym register themselves with :func:`dialgym.tasks.register_task`.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym

from dialgym.core.env import DialogueEnv
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


def dialogue_env(env: gym.Env[Any, Any]) -> DialogueEnv:
    """``env.unwrapped``, checked to be a dialgym :class:`~dialgym.core.env.DialogueEnv`.

    Why: ``gym.make`` is typed to return a plain ``gym.Env``, so code that reads a dialogue env's own
    attributes (``description``, ``max_turns``, ``task_id``, ``messages``, ...) goes through this; the
    type checker then knows them, and an env that is not a dialgym one fails here, by name, instead of
    with an ``AttributeError`` further on.
    """
    base = env.unwrapped
    if not isinstance(base, DialogueEnv):
        raise TypeError(f"{env!r} unwraps to a {type(base).__name__}, not a dialgym DialogueEnv")
    return base
