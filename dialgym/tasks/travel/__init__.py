"""TravelAgent-v0: recommend one activity to a traveller whose tastes you must first find out.

## Description

Preference elicitation (Hong, Levine & Dragan 2023, "Zero-Shot Goal-Directed Dialogue
via RL on Imagined Conversations"). A traveller opens with a vague request ("I'm
visiting next week, what should I do?"). The agent must recommend ONE activity from a
fixed catalogue of 18 (:data:`CATALOGUE`: museum tour, historic walking tour, street
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
:func:`agent_utterance` phrases naturally.

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

from typing import Any

from dialgym.tasks.travel.catalogue import ACTIVITY_IDS, CATALOGUE, DEALBREAKERS, DIMS, activity_utilities
from dialgym.tasks.travel.env import TravelAgentEnv
from dialgym.tasks.travel.language import agent_utterance
from dialgym.tasks.travel.policies import AdaptiveAgent, BehaviorAgent, OracleAgent

#: what ``info["success"]`` means in this task (printed under leaderboard tables)
SUCCESS = "the traveller accepts an activity whose utility for them (0-1) is at least 0.6"

#: The strategies the scripted user recognises (``info["agent_acts"]``).
ACTS: tuple[str, ...] = (
    "greeting",
    "ask_preferences",
    "ask_budget",
    "ask_activity_level",
    "ask_interests",
    "ask_dealbreakers",
    "offer_comparison",
    "recommend",
    "rapport",
    "off_task",
)

#: Comparison pairs in the repertoire (contrasting options; agents may compare any pair).
COMPARISON_PAIRS: tuple[tuple[str, str], ...] = (
    ("museum_tour", "kayaking"),
    ("food_tour", "spa_day"),
    ("hiking", "cooking_class"),
    ("nightlife_tour", "beach_day"),
    ("theme_park", "wine_tasting"),
    ("walking_tour", "botanical_garden"),
)

#: Concrete acts for the random agent, scripts and act-level wrappers.
ACT_REPERTOIRE: tuple[str, ...] = (
    "greeting",
    "ask_preferences",
    "ask_budget",
    "ask_activity_level",
    "ask_interests",
    "ask_dealbreakers",
    *(f"offer_comparison:{a}|{b}" for a, b in COMPARISON_PAIRS),
    *(f"recommend:{a}" for a in ACTIVITY_IDS),
)

#: The best open-loop scripts found. ``greedy_spray`` came out of a greedy search (each position:
#: the best of all repertoire acts on 120 train episodes) refined by hill climbing; the others are
#: hand-written. Any fixed script is a "spray": it cannot use what the traveller says, and after
#: two or three rejections the traveller settles or leaves.
FIXED_SCRIPTS: dict[str, list[str]] = {
    "greedy_spray": ["ask_activity_level", "recommend:museum_tour", "recommend:hiking", "recommend:night_market"],
    "ask_then_recommend_popular": [
        "ask_interests",
        "ask_budget",
        "ask_dealbreakers",
        "recommend:museum_tour",
        "recommend:hiking",
        "recommend:food_tour",
        "recommend:beach_day",
    ],
    "recommend_spray": [
        "recommend:museum_tour",
        "recommend:hiking",
        "recommend:food_tour",
        "recommend:night_market",
        "recommend:beach_day",
    ],
}

_DB_WORDS = {
    "no_physical": "cannot do anything physically demanding",
    "no_alcohol": "does not drink alcohol",
    "kid_friendly": "travels with young children, so it must suit kids",
    "no_water": "will not do anything on or in the water",
}
_BUDGET_WORDS = ("free things only", "a tight budget (cheap)", "a moderate budget", "no real budget limit")


def persona_card(persona: dict[str, Any]) -> str:
    """The persona in words (for an LLM playing the traveller)."""
    w = persona["weights"]
    order = sorted(DIMS, key=lambda d: (-w[d], DIMS.index(d)))
    likes = ", ".join(f"{d} ({w[d]:.0%})" for d in order if w[d] >= 0.05)
    dbs = "; ".join(_DB_WORDS[d] for d in persona["dealbreakers"]) or "none"
    lines = [
        "You are a traveller visiting a city next week, asking a travel agent what to do for one day.",
        f"What you enjoy, most important first: {likes}.",
        f"Budget: {_BUDGET_WORDS[int(persona['budget'])]}.",
        f"Dealbreakers: {dbs}.",
        f"Patience: you give up after about {int(persona['patience'])} bad suggestions or wasted turns.",
        "You accept only a suggestion close to the best one for you"
        + (" and are quite picky." if persona["pickiness"] < 0.07 else "."),
    ]
    if persona["indecisive"]:
        lines.append(
            "You are indecisive: to open questions about what you like you answer vaguely; only when offered "
            "two concrete options do you say which one you prefer and why, and when the two are about as good "
            "for you, you cannot choose."
        )
    unspoken = persona.get("unspoken") or []
    if unspoken:
        lines.append(
            "When asked about dealbreakers you forget to mention: "
            + "; ".join(_DB_WORDS[d] for d in unspoken)
            + ". You bring it up only when a suggestion runs into it."
        )
    lines.append("Reveal one thing at a time, only when asked, in your own words; never list these facts.")
    return "\n".join(lines)


__all__ = [
    "ACTIVITY_IDS",
    "ACTS",
    "ACT_REPERTOIRE",
    "CATALOGUE",
    "DEALBREAKERS",
    "DIMS",
    "FIXED_SCRIPTS",
    "SUCCESS",
    "AdaptiveAgent",
    "BehaviorAgent",
    "OracleAgent",
    "TravelAgentEnv",
    "activity_utilities",
    "agent_utterance",
    "persona_card",
]
