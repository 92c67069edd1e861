"""The LLM-played learner of Instruction-v0 and its judge (``gym.make(..., user="llm", llm={...})``)."""

from __future__ import annotations

from typing import Any

from dialgym.core.types import Outcome
from dialgym.simulators.llm_user import LLMUserSpec, OutcomeField
from dialgym.tasks.instruction.user import THRESHOLD


def _to_outcome(answer: dict[str, Any], persona: dict[str, Any], truncated: bool) -> Outcome:
    comprehension = round(float(answer["comprehension"]), 3)
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
        "Estimate how well the learner understands the concept at the end of the chat, from 0 (not at all) to 1 "
        "(fully), judging from what the learner said (for example, answers to check questions and their own "
        f"explanations). The learner counts as having understood from {THRESHOLD:g} up."
    ),
    outcome_fields={"comprehension": OutcomeField("number", 0.0, 1.0, description="0 none ... 1 full")},
    to_outcome=_to_outcome,
)
