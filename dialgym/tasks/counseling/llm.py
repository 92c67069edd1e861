"""The LLM-played help-seeker of Counseling-v0 and its judge (``gym.make(..., user="llm", llm={...})``)."""

from __future__ import annotations

from typing import Any

from dialgym.core.types import Outcome
from dialgym.simulators.llm_user import LLMUserSpec, OutcomeField


def _to_outcome(answer: dict[str, Any], persona: dict[str, Any], truncated: bool) -> Outcome:
    initial = int(persona["initial_intensity"])
    final = int(answer["final_intensity"])
    drop = initial - final
    # the same success rule as the scripted seeker
    success = drop >= 2 or (final <= 2 and drop >= 1)
    return Outcome(
        reward=float(drop),
        success=bool(success),
        details={"initial_intensity": initial, "final_intensity": final, "intensity_drop": drop},
    )


SPEC = LLMUserSpec(
    role="You are looking for emotional support in an online chat with a supporter you do not know.",
    opens=True,
    opening="Say, vaguely and briefly, that you are not feeling OK; do not explain why yet.",
    outcome_question=(
        "Rate the person's emotional intensity at the end of the chat on a 1 (calm) to 5 (overwhelming) scale, "
        "judging from how they express themselves in their last messages compared with their profile."
    ),
    outcome_fields={"final_intensity": OutcomeField("integer", 1, 5, description="1 calm ... 5 overwhelming")},
    to_outcome=_to_outcome,
)
