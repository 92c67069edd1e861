"""``PersuasionEnv``: the thin DialogueEnv subclass behind ``Persuasion-v0``."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from dialgym.core.env import DialogueEnv
from dialgym.tasks.persuasion import personas
from dialgym.tasks.persuasion.user import PersuasionUser


class PersuasionEnv(DialogueEnv):
    """Persuade a crowd worker to donate part of a $2 task payment to Save the Children.

    See the :mod:`dialgym.tasks.persuasion` docstring for the full description.
    """

    task_id: ClassVar[str] = "persuasion"
    description: ClassVar[str] = (
        "You are chatting with a crowd worker who has just earned $2 for a task. Your goal is to persuade "
        "them to donate part of that payment (anything from $0 to $2) to Save the Children, a charity that "
        "helps children worldwide. You speak first. People differ in what convinces them, so find out who "
        "you are talking to and use arguments that suit them; asking for money too early, repeating "
        "yourself or pushing the wrong arguments makes them less willing, and they may leave. When you think "
        "they are ready, ask them to donate. Your reward is the amount they donate, in dollars."
    )
    default_max_turns: ClassVar[int] = 10

    def sample_persona(self, split: str, rng: np.random.Generator) -> dict[str, Any]:
        return personas.sample_persona(split, rng)

    def validate_persona(self, persona: dict[str, Any]) -> dict[str, Any]:
        return personas.validate_persona(persona)

    def make_scripted_user(self) -> PersuasionUser:
        return PersuasionUser()
