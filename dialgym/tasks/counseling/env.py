"""The Counseling-v0 environment class (a thin :class:`~dialgym.core.DialogueEnv`)."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from dialgym.core.env import DialogueEnv
from dialgym.tasks.counseling import personas
from dialgym.tasks.counseling.user import CounselingUser


class CounselingEnv(DialogueEnv):
    """Emotional support (ESConv): lower a help-seeker's emotional intensity.

    See the package docstring (:mod:`dialgym.tasks.counseling`) for the full description.
    """

    task_id: ClassVar[str] = "counseling"
    description: ClassVar[str] = (
        "You are an emotional-support counselor chatting with a help-seeker who is not doing well. "
        "Help them feel better. Find out what is troubling them and how they feel, make them feel "
        "understood, and when the time is right offer support or suggestions that fit them. You succeed "
        "when their emotional distress (rated 1-5) is clearly lower at the end of the conversation than "
        "at the start."
    )
    default_max_turns: ClassVar[int] = 12

    def sample_persona(self, split: str, rng: np.random.Generator) -> dict[str, Any]:
        return personas.sample_persona(split, rng)

    def validate_persona(self, persona: dict[str, Any]) -> dict[str, Any]:
        return personas.validate_persona(persona)

    def make_scripted_user(self) -> CounselingUser:
        return CounselingUser()
