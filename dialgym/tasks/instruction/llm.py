"""The LLM-played learner of Instruction-v0 and its judge (``gym.make(..., user="llm", llm={...})``)."""

from __future__ import annotations

from typing import Any

from dialgym.core.types import Outcome
from dialgym.simulators.llm_user import LLMUserSpec, OutcomeField
from dialgym.tasks.instruction.user import THRESHOLD

#: The judge grades understanding in words (LLM judges grade labels more reliably than numbers); each
#: label maps to a comprehension value on the scripted learner's scale, where THRESHOLD means understood.
LEVELS = {"none": 0.0, "little": 0.25, "partial": 0.5, "good": THRESHOLD, "full": 1.0}


def _to_outcome(answer: dict[str, Any], persona: dict[str, Any], truncated: bool) -> Outcome:
    comprehension = LEVELS[answer["understanding"]]
    understood = comprehension >= THRESHOLD
    return Outcome(
        reward=1.0 if understood else 0.0,
        success=understood,
        details={"comprehension": comprehension, "understood": understood},
    )


SPEC = LLMUserSpec(
    role="You are a learner chatting with a tutor.",
    opens=True,
    opening="Ask the tutor to explain the concept you want to understand, in one sentence.",
    outcome_question=(
        "How well does the learner understand the concept at the end of the chat? Judge from what the learner "
        "said (answers to check questions, their own explanations), not from what the tutor said."
    ),
    outcome_fields={
        "understanding": OutcomeField(
            "choice", choices=tuple(LEVELS), description="none, little, partial, good (understood) or full"
        )
    },
    to_outcome=_to_outcome,
)
