"""``InstructionEnv``: teach a learner a concept (thin :class:`DialogueEnv` subclass)."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from dialgym.core.env import DialogueEnv
from dialgym.core.types import UserSimulator
from dialgym.tasks.instruction import personas
from dialgym.tasks.instruction.user import LearnerUser


class InstructionEnv(DialogueEnv):
    """Teach the learner the concept they ask about until they really understand it."""

    task_id: ClassVar[str] = "instruction"
    description: ClassVar[str] = (
        "You are a tutor. A learner will ask you to explain a concept. Your goal is that the learner "
        "truly understands it by the end of the conversation. Learners differ in how much they already "
        "know and in how they like to learn, and some think they know more than they do. Explanations "
        "pitched at the wrong level or in a style that does not suit them help little and try their "
        "patience. The learner ends the conversation when they feel they understand, or gives up."
    )
    default_max_turns: ClassVar[int] = 8

    def sample_persona(self, split: str, rng: np.random.Generator) -> dict[str, Any]:
        return personas.sample_persona(split, rng)

    def validate_persona(self, persona: dict[str, Any]) -> dict[str, Any]:
        return personas.validate_persona(persona)

    def make_scripted_user(self) -> UserSimulator:
        return LearnerUser()
