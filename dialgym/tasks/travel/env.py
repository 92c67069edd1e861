"""TravelAgentEnv: the thin DialogueEnv subclass of TravelAgent-v0."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from dialgym.core.env import DialogueEnv
from dialgym.core.types import UserSimulator
from dialgym.tasks.travel.catalog import CATALOG
from dialgym.tasks.travel.personas import sample_persona as _sample
from dialgym.tasks.travel.personas import validate_persona as _validate
from dialgym.tasks.travel.user import TravelUser

_ACTIVITY_LIST = "; ".join(a["name"] for a in CATALOG.values())


class TravelAgentEnv(DialogueEnv):
    """Recommend one activity from a fixed catalogue to a traveller with hidden tastes.

    See :mod:`dialgym.tasks.travel` for the full documentation.
    """

    task_id: ClassVar[str] = "travel"
    description: ClassVar[str] = (
        "You are a travel agent. A traveller asks what to do on their trip. Recommend ONE activity from "
        f"this catalogue that they will love: {_ACTIVITY_LIST}. The traveller has their own tastes, budget "
        "and things they cannot or will not do; you may ask about them or offer two options to compare. "
        "The conversation ends when the traveller accepts a recommendation or gives up; every rejected "
        "recommendation tries their patience. Your score is how much they enjoy the activity they accept."
    )
    default_max_turns: ClassVar[int] = 10

    def sample_persona(self, split: str, rng: np.random.Generator) -> dict[str, Any]:
        return _sample(split, rng)

    def validate_persona(self, persona: dict[str, Any]) -> dict[str, Any]:
        return _validate(persona)

    def make_scripted_user(self) -> UserSimulator:
        return TravelUser()
