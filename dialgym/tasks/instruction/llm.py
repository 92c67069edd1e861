"""The LLM-played learner of Instruction-v0 and its judge (``gym.make(..., user="llm", llm={...})``)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from dialgym.core.types import Outcome
from dialgym.simulators.llm_user import LLMUserSpec, OutcomeField
from dialgym.tasks.instruction.user import THRESHOLD, lesson_reward

#: The judge grades understanding in words (LLM judges grade labels more reliably than numbers); each
#: label maps to a comprehension value on the scripted learner's scale, where THRESHOLD means understood.
LEVELS = {"none": 0.0, "little": 0.25, "partial": 0.5, "good": THRESHOLD, "full": 1.0}


_READINGS = (  # (pattern, label), most specific first: a free-text judgement read when the JSON is missing
    (r"\b(?:not|never|no|barely|hardly)\b[^.]{0,30}\b(?:understand|familiar|grasp|follow)", "little"),
    (r"\b(?:confused|lost|struggl)", "little"),
    (r"\b(?:partial|partly|incomplete|somewhat|unclear|some understanding)", "partial"),
    (r"\b(?:fully|completely|thoroughly|perfectly|mastered)\b", "full"),
    (r"\b(?:understands|understood|grasps|grasped|clear understanding)\b", "good"),
)


def _read_level(text: str) -> str | None:
    low = text.lower()
    for pattern, label in _READINGS:
        if re.search(pattern, low):
            return label
    return None


def _to_outcome(answer: dict[str, Any], persona: dict[str, Any], truncated: bool) -> Outcome:
    comprehension = LEVELS[answer["understanding"]]
    understood = comprehension >= THRESHOLD
    return Outcome(
        reward=1.0 if understood else 0.0,
        success=understood,
        details={"comprehension": comprehension, "understood": understood},
    )


def _lesson_length(outcome: Outcome, turns: int) -> Outcome:
    """The lesson's length prices the reward as the scripted learner's does (``user.lesson_reward``)."""
    return replace(outcome, reward=lesson_reward(outcome.success, turns), details={**outcome.details, "turns": turns})


SPEC = LLMUserSpec(
    role="You are a learner chatting with a tutor.",
    opens=True,
    opening="Ask the tutor to explain the concept you want to understand, in one sentence.",
    # The judge reads only the learner's messages (LLMUserSpec.judge_input): the learner shows what they got.
    declare="After an explanation, say briefly in your own words what you understood, or what still confuses you.",
    outcome_question=(
        "How well does the learner understand the concept at the end of the chat? Judge from what the learner "
        "said (answers to check questions, their own explanations of the concept); a bare claim to understand, "
        "without explaining anything, is not understanding."
    ),
    outcome_fields={
        "understanding": OutcomeField(
            "choice",
            choices=tuple(LEVELS),
            description="none, little, partial, good (understood) or full",
            extract=_read_level,
        )
    },
    to_outcome=_to_outcome,
    adjust_outcome=_lesson_length,
)
