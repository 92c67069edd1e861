"""The LLM-played user of Persuasion-v0 and its judge (``gym.make(..., user="llm", llm={...})``)."""

from __future__ import annotations

from typing import Any

from dialgym.core.types import Outcome
from dialgym.simulators.llm_user import LLMUserSpec, OutcomeField


def _to_outcome(answer: dict[str, Any], persona: dict[str, Any], truncated: bool) -> Outcome:
    donation = round(float(answer["donation"]), 2)
    return Outcome(reward=donation, success=donation > 0, details={"donation": donation, "truncated": truncated})


SPEC = LLMUserSpec(
    role="You are chatting with a stranger on a crowdsourcing platform, right after finishing a paid task.",
    # The judge reads only the person's messages (LLMUserSpec.judge_input), so the person names the amount.
    declare="If you decide to donate, say how many dollars of your $2 payment you will give; if not, say so.",
    outcome_question=(
        "Decide how many dollars (from 0 to 2, the person's task payment) the person committed to donate to Save "
        "the Children by the end of the chat, from what the person said. If they refused, never agreed, or only "
        "said maybe, the donation is 0."
    ),
    outcome_fields={"donation": OutcomeField("number", 0.0, 2.0, description="dollars committed, 0 if none")},
    to_outcome=_to_outcome,
    judge_sees_persona=False,
)
