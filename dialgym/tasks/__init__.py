"""The task registry. A task is one folder; adding one means adding a folder and one line here.

Each task package ``dialgym/tasks/<name>/`` exports (its ``__init__``):

* the environment class (a thin :class:`dialgym.core.DialogueEnv` subclass whose
  module docstring follows Gymnasium's structure: Description / Observation /
  Action / Simulated user / Reward / Episode end / Arguments / Version history);
* ``ACTS``: the agent strategies the scripted user recognises (``info["agent_acts"]``);
* ``ACT_REPERTOIRE``: concrete agent acts (strategy names, or ``"strategy:argument"``)
  that ``agent_utterance`` can realise; the random agent and dialogue-act wrappers
  draw from it;
* ``agent_utterance(act, rng, **context) -> str``: a natural phrasing of an act, drawn with ``rng``;
* optionally ``utterance_context(messages) -> dict``: what the dialogue so far tells
  ``agent_utterance`` (Instruction: the concept the learner asked about, so that an
  explanation has content); act-level agents phrase acts through :func:`phrase_act`;
* ``persona_card(persona) -> str``: the persona in words (for LLM users and data tools);
* ``BehaviorAgent``, ``OracleAgent``, ``AdaptiveAgent`` (ask-then-adapt heuristic);
* ``FIXED_SCRIPTS``: named open-loop act sequences (the best fixed scripts we know).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

#: env id -> (task package, environment class name)
TASKS: dict[str, tuple[str, str]] = {
    "Persuasion-v0": ("dialgym.tasks.persuasion", "PersuasionEnv"),
    "Counseling-v0": ("dialgym.tasks.counseling", "CounselingEnv"),
    "Instruction-v0": ("dialgym.tasks.instruction", "InstructionEnv"),
    "TravelAgent-v0": ("dialgym.tasks.travel", "TravelAgentEnv"),
}


def phrase_act(task: ModuleType, act: str, rng: Any, messages: Any = ()) -> str:
    """Phrase ``act`` of ``task`` the way its own agents would at this point of the dialogue.

    Tasks whose phrasing needs the dialogue (an explanation must be about the concept the
    learner asked about) export ``utterance_context(messages)``; the others need nothing.
    """
    context = getattr(task, "utterance_context", None)
    kwargs = context(list(messages)) if context is not None else {}
    return str(task.agent_utterance(act, rng, **kwargs))


def env_ids() -> list[str]:
    """The registered dialgym environment ids."""
    return list(TASKS)


def get_task(env_id: str) -> ModuleType:
    """The task package behind ``env_id`` (accepts ``"dialgym:Persuasion-v0"`` too)."""
    key = env_id.split(":", 1)[1] if env_id.startswith("dialgym:") else env_id
    try:
        package, _ = TASKS[key]
    except KeyError:
        raise ValueError(f"unknown dialgym env id {env_id!r}; expected one of {list(TASKS)}") from None
    return importlib.import_module(package)


def task_description(env_id: str) -> str:
    """The agent-facing task description of ``env_id``, normalised as the env shows it (the first observation).

    Training formats and exports put it in the system message, so a policy trained on several tasks
    knows which one it is in.
    """
    from dialgym.core.text import normalize_text

    task = get_task(env_id)
    key = env_id.split(":", 1)[1] if env_id.startswith("dialgym:") else env_id
    return normalize_text(getattr(task, TASKS[key][1]).description)


def package_llm_spec(package: str) -> Any:
    """The LLM-user spec (``<package>.llm.SPEC``) of a task package; ValueError if it has none."""
    try:
        return importlib.import_module(f"{package}.llm").SPEC
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"task package {package!r} has no LLM user spec ({package}.llm.SPEC): {exc}") from None


def llm_spec(env_id: str) -> Any:
    """The LLM-user spec of the task behind ``env_id`` (the judge schema, roles, outcome mapping)."""
    return package_llm_spec(get_task(env_id).__name__)
