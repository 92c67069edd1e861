"""TravelAgent-v0: recommend one activity to a traveller whose tastes you must first find out.

## Description

Preference elicitation (Hong, Levine & Dragan 2023, "Zero-Shot Goal-Directed Dialogue
via RL on Imagined Conversations"). A traveller opens with a vague request ("I'm
visiting next week, what should I do?"). The agent must recommend ONE activity from a
fixed catalogue of 18 (:data:`CATALOG`: museum tour, historic walking tour, street
food tour, cooking class, wine tasting, kayaking trip, guided hike, zipline adventure,
city bike tour, spa day, beach day, botanical garden, sunset cruise, bar crawl, live
jazz night, theme park, night market, aquarium). Each activity has a cost level (0-3),
a physical intensity (0-2), water / kid-friendly / alcohol flags and interest tags over
six dimensions (culture, food, nature, adventure, relaxation, nightlife). The
traveller's hidden interest weights, budget and dealbreakers ("nothing physical", "no
alcohol", "must suit kids", "nothing on the water") decide the activity's utility in
[0, 1]; a dealbreaker drives it to about 0, being over budget cuts it. No activity
suits everyone: the agent has to find out who it is talking to.

## Observation

The task description followed by the dialogue so far as text (``"Assistant: ..."`` /
``"User: ..."`` lines); ``info["messages"]`` holds the same as chat messages.

## Action

The agent's next utterance (any string up to 1000 characters). The user recognises,
from free text, these strategies (``ACTS``, reported in ``info["agent_acts"]``):
``greeting``, ``ask_preferences`` (open question), ``ask_budget``,
``ask_activity_level``, ``ask_interests``, ``ask_dealbreakers``, ``offer_comparison``
(two named activities, "would you rather do X or Y?"), ``recommend`` (one named
activity), ``rapport`` (acknowledgements, thanks, praise, closings, small talk about the
trip: no strategy, but not off-task) and ``off_task`` (unrelated text, gibberish, keyword
salads, false claims that the traveller already chose, the traveller's words parroted
back). Activities are found by their names and synonyms ("kayak", "canoeing", "pub
crawl", "amusement park", ...); a recommendation or comparison that names no activity is
vague, and an activity named without any suggestion around it is not a recommendation.
Each sentence is read on its own, after chat shorthand and one-slip misspellings of key
words are fixed ("whats ur budjet?"). ``ACT_REPERTOIRE`` lists
concrete acts (``"recommend:kayaking"``, ``"offer_comparison:museum_tour|hiking"``) that
:func:`phrase` phrases naturally.

## Simulated user

A scripted traveller (:class:`dialgym.tasks.travel.user.TravelUser`). Each question
reveals ONE hint in natural words: interests (primary, then secondary), budget,
dealbreakers one at a time, whether they like being active; the open question reveals
the most salient unsaid thing. Indecisive travellers (the ``hard`` split and a quarter of
the ``test`` split) answer open questions vaguely and only show their taste when offered a
concrete comparison, and even then cannot choose between two options within 0.15 utility of
each other for them ("they both sound about the same"). Travellers do not think of every
dealbreaker when asked: an ``unspoken`` one (a tenth of them on train, about a third on test,
half on hard) comes up only when a suggestion or comparison runs into it (or, for "nothing
physical", when asked how active they like to be), so a blind agent meets some constraints only
through rejections, while an agent that knows the traveller does not. A
recommendation is accepted when its utility is within the traveller's pickiness of the
best activity's (or, with patience nearly gone, at least 60% of it); otherwise it is
rejected with a reason that is itself a hint. Rejections cost patience (1, then 1.5, 2,
...), more again when the agent ignores a constraint it was told (+1) or recommends
before asking anything (+0.5); off-task talk (1), questions asked again once answered,
comparing the same pair again, a second greeting and every question beyond the fifth
(0.5 each) cost patience too, and every exchange takes 0.3 of it (the traveller's time: a
long interview wears them down, so probing has a price). Rapport costs only the turn the first
two times and 0.5 more after that (it stalls the conversation). Patience starts at 3-5 (3-4 on
hard); at zero the traveller leaves.

## Reward

On the last step: the utility in [0, 1] of the accepted activity; 0 if the traveller
left or the episode was truncated without an acceptance. ``info["outcome"]`` e.g.
``{"accepted": "kayaking", "utility": 0.82, "best_utility": 0.91, "settled": False,
"left": False, "rejections": 1, "questions": 3}``. Success: an activity was accepted
and its utility is at least 0.6 (``SUCCESS_UTILITY``).

## Starting state

Each reset draws a hidden traveller from ``persona_split`` with the env RNG (equal seeds,
equal personas). Its schema is ``TASK.persona_type``, the frozen dataclass
:class:`~dialgym.tasks.travel.personas.TravelPersona`: ``type`` (a label, never said),
``weights`` (interest weight per dimension), ``primary`` and ``secondary`` interests,
``budget`` (highest cost level, 0-3), ``dealbreakers``, ``patience``, ``pickiness``,
``indecisive`` and optionally ``unspoken`` (dealbreakers not mentioned when asked). It travels
as its plain dict (``TravelPersona.from_dict(d)`` / ``.to_dict()``; lists in the dict, tuples in
the dataclass): ``info["persona"]`` (with ``privileged=True``) and records hold the dict;
``reset(options={"persona": ...})`` takes the dict or the dataclass. Nothing is revealed and no
option rejected at the start.

## Episode end

Terminated when the traveller accepts a recommendation or leaves (patience exhausted);
truncated after ``max_turns`` agent turns (default 10).

## Arguments

``gym.make("TravelAgent-v0", user="scripted", persona_split="train" | "test" | "hard",
max_turns=10, privileged=False, render_mode=None)``. Splits: ``train`` and ``test``
hold the same kinds of travellers (culture buffs, food lovers, outdoor adventurers,
beach relaxers, night owls, families, backpackers) with different mixtures, interest
combinations and parameter ranges; ``hard`` holds indecisive parents and wanderers,
constrained retirees and picky students: tight budgets, several dealbreakers, vague
answers unless offered comparisons.

## Version history

* v0: initial version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from dialgym.core.task import Task
from dialgym.tasks.travel.catalog import ACTIVITY_IDS, CATALOG, DEALBREAKERS, DIMS, Activity, activity_utilities
from dialgym.tasks.travel.env import TravelAgentEnv
from dialgym.tasks.travel.language import ACT_REPERTOIRE, ACTS, COMPARISON_PAIRS, REPLIES, agent_utterance
from dialgym.tasks.travel.personas import TravelPersona, persona_card, sample_persona
from dialgym.tasks.travel.policies import FIXED_SCRIPTS, AdaptiveAgent, BehaviorAgent, OracleAgent
from dialgym.tasks.travel.user import SUCCESS_UTILITY
from dialgym.utils.deprecation import renamed_attributes

#: what ``info["success"]`` means in this task (printed under leaderboard tables)
SUCCESS = "the traveller accepts an activity whose utility for them (0-1) is at least 0.6"


def phrase(act: str, rng: np.random.Generator, messages: Sequence[Mapping[str, str]] = ()) -> str:
    """A natural phrasing of ``act`` drawn with ``rng`` (the agent's phrasings do not depend on the dialogue)."""
    return agent_utterance(act, rng)


def is_success(outcome: Mapping[str, Any]) -> bool:
    """:data:`SUCCESS` as a rule over ``info["outcome"]`` (and the LLM judge's outcome)."""
    return bool(outcome["accepted"]) and float(outcome["utility"]) >= SUCCESS_UTILITY


TASK = Task(
    id="TravelAgent-v0",
    env=TravelAgentEnv,
    acts=ACTS,
    act_repertoire=ACT_REPERTOIRE,
    phrase=phrase,
    persona_type=TravelPersona,
    persona_card=persona_card,
    sample_persona=sample_persona,
    success=SUCCESS,
    success_rule=is_success,
    behavior_agent=BehaviorAgent,
    oracle_agent=OracleAgent,
    adaptive_agent=AdaptiveAgent,
    fixed_scripts=FIXED_SCRIPTS,
    llm_spec="dialgym.tasks.travel.llm:SPEC",
    replies=REPLIES,
)

__all__ = [
    "ACTIVITY_IDS",
    "ACTS",
    "ACT_REPERTOIRE",
    "CATALOG",
    "COMPARISON_PAIRS",
    "DEALBREAKERS",
    "DIMS",
    "FIXED_SCRIPTS",
    "SUCCESS",
    "TASK",
    "Activity",
    "AdaptiveAgent",
    "BehaviorAgent",
    "OracleAgent",
    "TravelAgentEnv",
    "TravelPersona",
    "activity_utilities",
    "agent_utterance",
    "persona_card",
    "phrase",
]


# BEGIN deprecated British-spelling aliases (issue 13)
#: old (British) spelling -> current name; ``from module import old`` still works, with a DeprecationWarning
_renamed = renamed_attributes(__name__, globals(), {"CATALOGUE": "CATALOG"})


def __getattr__(name: str) -> object:
    return _renamed(name)


# END deprecated British-spelling aliases
