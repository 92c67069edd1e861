"""Why did the user hear that? The acts a task's scripted user hears in an utterance, per sentence, with evidence.

When an agent is misheard (a question taken as small talk, an argument as off-task), the fix is
either in the agent's phrasing or in the user's understanding; either way one must see what was
heard and why. :func:`explain` asks the task's own recogniser (the one the scripted user and the
LLM user's act log use), so what it prints is exactly what ``info["agent_acts"]`` would report.

    dialgym explain Persuasion-v0 "Hi! Outside auditors check their books every year."
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym

from dialgym.registration import dialogue_env
from dialgym.simulators.scripted import SentenceReading


def recognizer_for(env_id: str) -> Any:
    """The intent recogniser of ``env_id``'s scripted user."""
    env = gym.make(env_id)
    try:
        user = dialogue_env(env).make_scripted_user()
    finally:
        env.close()
    recognizer = getattr(user, "recognizer", None)
    if recognizer is None or not hasattr(recognizer, "explain"):
        raise ValueError(f"{env_id!r}: its scripted user has no recogniser that can explain itself")
    return recognizer


def explain(env_id: str, text: str) -> tuple[list[str], list[SentenceReading]]:
    """The acts ``env_id``'s user hears in ``text`` (as ``info["agent_acts"]``) and the per-sentence readings."""
    recognizer = recognizer_for(env_id)
    return recognizer.recognize(text), recognizer.explain(text)


def format_explanation(acts: list[str], readings: list[SentenceReading]) -> str:
    """A readable report: the acts heard, then each sentence with its acts and evidence."""
    lines = [f"heard: {', '.join(acts)}"]
    for i, r in enumerate(readings, 1):
        lines.append(f"  sentence {i}: {r.text!r} -> {', '.join(r.acts)}")
        for ev in r.evidence:
            where = f" matched {ev.matched!r}" if ev.matched else ""
            detail = f": {ev.detail}" if ev.detail else ""
            if len(detail) > 160:
                detail = detail[:157] + "..."
            lines.append(f"      {ev.act} <- {ev.source}{where}{detail}")
    return "\n".join(lines)
