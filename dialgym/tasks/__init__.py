"""The task registry: env id -> :class:`~dialgym.core.task.Task`.

A task is one package that exports ``TASK = Task(...)`` (see :mod:`dialgym.core.task` for what
it declares and ``docs/adding_a_task.md`` for a walk-through). dialgym's own tasks are one line
each in :data:`TASKS`; a user's package adds its task without editing dialgym by calling
:func:`register_task` (for example in its ``__init__``, so ``gym.make("mypackage:MyTask-v0")``
works). Everything else (agents, wrappers, LLM users, data tools, the CLI) asks
:func:`get_task` for the ``Task``.

Why :data:`TASKS` names the env class too (``"package:EnvClass"``) instead of just the package:
``import dialgym`` must register every id with Gymnasium, and importing all task packages to
read their ids would cost about 0.25 s at every import; the entry point string lets Gymnasium
import a task only when it is made. The contract test checks each line against the package's
``TASK`` (same id, same class).
"""

from __future__ import annotations

import importlib
from typing import Any

from dialgym.core.task import Task, bare_env_id

#: dialgym's own tasks: env id -> Gymnasium entry point ``"<task package>:<env class>"``; the package exports ``TASK``
TASKS: dict[str, str] = {
    "Persuasion-v0": "dialgym.tasks.persuasion:PersuasionEnv",
    "Counseling-v0": "dialgym.tasks.counseling:CounselingEnv",
    "Instruction-v0": "dialgym.tasks.instruction:InstructionEnv",
    "TravelAgent-v0": "dialgym.tasks.travel:TravelAgentEnv",
}

#: tasks loaded so far or registered from outside (:func:`register_task`), by env id
_LOADED: dict[str, Task] = {}


def register_task(task: Task) -> Task:
    """Register ``task`` with dialgym and Gymnasium; returns it.

    A user's package calls this once (typically at import) and its task is then a dialgym task like
    any other: ``gym.make(task.id)``, agent specs (``behavior``, ``oracle``, ``random``, ...),
    wrappers, LLM users, ``dialgym eval``. Registering the same object again is a no-op (a module
    imported twice); another task under a taken id is a ``ValueError``.
    """
    import gymnasium as gym

    if not isinstance(task, Task):
        raise TypeError(f"register_task needs a dialgym.core.task.Task, got {type(task).__name__} {task!r}")
    known = _LOADED.get(task.id) or (get_task(task.id) if task.id in TASKS else None)
    if known is task:
        return task
    if known is not None:
        raise ValueError(f"env id {task.id!r} is already a registered dialgym task ({known!r}); choose another id")
    if task.id in gym.registry and gym.registry[task.id].entry_point != task.entry_point:
        raise ValueError(
            f"env id {task.id!r} is already registered with Gymnasium for {gym.registry[task.id].entry_point!r}"
        )
    _LOADED[task.id] = task
    if task.id not in gym.registry:
        # No TimeLimit wrapper: DialogueEnv truncates at ``max_turns`` itself, which
        # is an env kwarg so it stays visible in env.spec and data records.
        gym.register(id=task.id, entry_point=task.entry_point)
    return task


def env_ids() -> list[str]:
    """The registered dialgym environment ids (dialgym's own first, then those added by :func:`register_task`)."""
    return [*TASKS, *(i for i in _LOADED if i not in TASKS)]


def _load_builtin(env_id: str) -> Task:
    package = TASKS[env_id].split(":", 1)[0]
    task = getattr(importlib.import_module(package), "TASK", None)
    if not isinstance(task, Task):
        raise TypeError(f"task package {package!r} must export TASK = dialgym.core.task.Task(...), got {task!r}")
    if task.id != env_id:
        raise ValueError(f"TASKS maps {env_id!r} to {package!r}, whose TASK.id is {task.id!r}")
    _LOADED[env_id] = task
    return task


def get_task(env_id: str) -> Task:
    """The :class:`Task` behind ``env_id`` (``"Persuasion-v0"``, ``"dialgym:Persuasion-v0"``).

    A ``"module:MyTask-v0"`` id whose task is not registered yet imports ``module`` first, as
    ``gym.make`` does, so a task that registers itself at import works in any process.
    """
    key = bare_env_id(env_id)
    task = _LOADED.get(key)
    if task is not None:
        return task
    if key in TASKS:
        return _load_builtin(key)
    module = env_id.rsplit(":", 1)[0] if ":" in env_id else None
    if module and module != "dialgym":
        importlib.import_module(module)
        if key in _LOADED:
            return _LOADED[key]
    raise ValueError(f"unknown dialgym env id {env_id!r}; expected one of {env_ids()}")


def all_tasks() -> list[Task]:
    """Every registered task (imports dialgym's own task packages)."""
    return [get_task(env_id) for env_id in env_ids()]


def task_for_env(env: Any) -> Task:
    """The task of a (possibly wrapped) dialgym env or env class.

    By the id the env was made under when it has one, else by its class (an env built
    directly, ``PersuasionEnv()``; a subclass maps to its closest registered base).
    """
    spec = getattr(env, "spec", None)
    if spec is not None and bare_env_id(spec.id) in env_ids():
        return get_task(spec.id)
    cls = env if isinstance(env, type) else type(getattr(env, "unwrapped", env))
    for klass in cls.__mro__:
        # cheap candidates first (tasks already loaded, dialgym tasks whose entry point names the class), so
        # an LLM user made for one task does not import every task package
        named = [get_task(i) for i, entry in TASKS.items() if entry.rsplit(":", 1)[1] == klass.__name__]
        for task in [*_LOADED.values(), *named]:
            if task.env_class is klass:
                return task
    tasks = all_tasks()
    for klass in cls.__mro__:
        for task in tasks:
            if task.env_class is klass:
                return task
    raise ValueError(f"{env!r} is not a registered dialgym env (class {cls.__name__}); expected one of {env_ids()}")


__all__ = [
    "TASKS",
    "Task",
    "all_tasks",
    "bare_env_id",
    "env_ids",
    "get_task",
    "register_task",
    "task_for_env",
]
