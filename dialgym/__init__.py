"""dialgym: goal-directed dialogue tasks as Gymnasium environments.

Importing ``dialgym`` registers ``Persuasion-v0``, ``Counseling-v0``,
``Instruction-v0`` and ``TravelAgent-v0`` (Gymnasium 1.x has no plugin
auto-loading; ``gym.make("dialgym:Persuasion-v0")`` imports it for you).
A task is a :class:`Task`; :func:`get_task` returns it, and :func:`register_task`
adds a task from any package (see ``docs/adding_a_task.md``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dialgym.core import Agent, DialogueEnv, Message, Outcome, UserSimulator, UserTurn, normalize_text
from dialgym.core.task import Task
from dialgym.registration import register_envs
from dialgym.tasks import env_ids, get_task, register_task

if TYPE_CHECKING:
    from dialgym.evaluation import EvalResult

__version__ = "0.1.0"

register_envs()


def evaluate(
    agent: Any,
    env_id: str,
    episodes: int = 100,
    seed: int = 0,
    reference: tuple[float, float] | bool | None = None,
    **env_kwargs: Any,
) -> EvalResult:
    """Run ``agent`` for ``episodes``: a spec (``"oracle"``, ``"my_module:MyAgent"``), an
    :class:`Agent`, or any object with ``act(observation, info) -> str``.

    ``reference=True`` also runs the random agent and the oracle on the same episodes,
    so the result carries the normalised score (0 = random, 100 = oracle). See
    :func:`dialgym.evaluation.evaluate`; imported lazily so ``import dialgym`` stays light.
    """
    from dialgym.evaluation import evaluate as _evaluate

    return _evaluate(agent, env_id, episodes=episodes, seed=seed, reference=reference, **env_kwargs)


def explain(env_id: str, text: str) -> tuple[list[str], list[Any]]:
    """The acts ``env_id``'s scripted user hears in ``text`` and, per sentence, why (rule, model or rapport).

    See :func:`dialgym.explanation.explain`.
    """
    from dialgym.explanation import explain as _explain

    return _explain(env_id, text)


__all__ = [
    "Agent",
    "DialogueEnv",
    "Message",
    "Outcome",
    "Task",
    "UserSimulator",
    "UserTurn",
    "__version__",
    "env_ids",
    "evaluate",
    "explain",
    "get_task",
    "normalize_text",
    "register_envs",
    "register_task",
]
