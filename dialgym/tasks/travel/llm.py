"""The LLM-played traveller of TravelAgent-v0 and its judge (``gym.make(..., user="llm", llm={...})``).

The judge only says *which* catalogue activity the traveller accepted (or none); the
reward is that activity's utility under the hidden persona, computed exactly as for
the scripted user, so a judge cannot be talked into a high utility.
"""

from __future__ import annotations

from typing import Any

from dialgym.core.types import Outcome
from dialgym.simulators.llm_user import LLMUserSpec, OutcomeField
from dialgym.simulators.scripted import normalize_for_matching
from dialgym.tasks.travel.catalog import ACTIVITY_IDS, CATALOG, activity_utilities, find_activities
from dialgym.tasks.travel.user import SUCCESS_UTILITY


def _first_activity(text: str) -> str | None:
    """The first catalogue activity the judge's free text names (names and synonyms), if any."""
    found = find_activities(normalize_for_matching(text))
    return found[0] if found else None


def _to_outcome(answer: dict[str, Any], persona: dict[str, Any], truncated: bool) -> Outcome:
    accepted = answer["accepted"]
    if accepted == "none":
        return Outcome(reward=0.0, success=False, details={"accepted": None, "utility": 0.0})
    utility = round(float(activity_utilities(persona)[accepted]), 4)
    return Outcome(
        reward=utility,
        success=utility >= SUCCESS_UTILITY,
        details={"accepted": accepted, "utility": utility},
    )


_MENU = "; ".join(f"{a} = {CATALOG[a]['name']}" for a in ACTIVITY_IDS)

SPEC = LLMUserSpec(
    role="You are chatting with a travel agent about what to do on a one-day visit to a city.",
    opens=True,
    opening="Ask, vaguely, what you should do during your visit.",
    # The judge reads only the traveller's messages (LLMUserSpec.judge_input), so the traveller names the choice.
    declare="If you agree to do a suggested activity, name that activity when you agree.",
    outcome_question=(
        "Decide which activity the traveller finally accepted (clearly agreed to do, in their own words) by the "
        f"end of the chat, or 'none'. Activities: {_MENU}."
    ),
    outcome_fields={
        "accepted": OutcomeField(
            "choice",
            choices=(*ACTIVITY_IDS, "none"),
            description="the accepted activity id",
            extract=_first_activity,
            aliases={
                **{CATALOG[a]["name"]: a for a in ACTIVITY_IDS},
                **{w: "none" for w in ("nothing", "no activity", "did not accept", "declined", "rejected")},
            },
        )
    },
    to_outcome=_to_outcome,
    judge_sees_persona=False,
)
