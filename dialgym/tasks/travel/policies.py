"""Reference policies of TravelAgent-v0: behavior (human-like data policy), oracle, ask-then-adapt.

All of them are Markov in ``(observation, info)``: they rebuild what they know from
``info["messages"]`` each turn (:func:`read_dialogue`): the task recognizer over
their own earlier messages (what was asked, recommended, compared) and the hint
lexicon over the user's replies (interests liked and disliked, budget,
dealbreakers, activity level, vague answers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from dialgym.core.agent import Agent
from dialgym.simulators.scripted import normalize_for_matching
from dialgym.tasks.travel.catalog import (
    ACTIVITY_IDS,
    BUDGET_FACTOR,
    CATALOG,
    DIMS,
    activity_utilities,
    best_activity,
    find_activities,
    main_dim,
    mask_activities,
    violates,
)
from dialgym.tasks.travel.env import TravelAgentEnv
from dialgym.tasks.travel.language import (
    BUDGET_CUES,
    DEALBREAKER_CUES,
    DIM_CUES,
    LEVEL_CUES,
    NEGATIVE_CUE,
    NO_MORE_DEALBREAKERS_CUE,
    SECONDARY_CUE,
    VAGUE_CUE,
    agent_utterance,
    cue,
)
from dialgym.tasks.travel.user import QUESTION_ACTS, recognize

#: the horizon assumed until an episode's info reports ``max_turns``
DEFAULT_MAX_TURNS = TravelAgentEnv.default_max_turns

_SENTENCE = re.compile(r"[.!?;]+")

#: Small talk the behavior policy sometimes makes (off-task for the user).
SMALL_TALK = [
    "The weather should be lovely that week.",
    "I went there myself last year, such a nice city.",
    "Are you flying or taking the train?",
    "Let me just check my calendar here.",
]


@dataclass
class Belief:
    """What an agent can read off the dialogue so far."""

    asked: dict[str, int] = field(default_factory=dict)
    recommended: list[str] = field(default_factory=list)
    compared: list[tuple[str, str]] = field(default_factory=list)
    liked: list[str] = field(default_factory=list)  # in order of mention; first = primary
    liked_primary: bool = False
    disliked: list[str] = field(default_factory=list)
    budget: int | None = None
    dealbreakers: list[str] = field(default_factory=list)
    dealbreakers_done: bool = False
    level: str | None = None
    vague: int = 0
    turns: int = 0
    winners: list[str] = field(default_factory=list)  # activities preferred in comparisons
    losers: list[str] = field(default_factory=list)

    @property
    def questions(self) -> int:
        return sum(self.asked.get(a, 0) for a in QUESTION_ACTS) + len(self.compared)


def _read_user(text: str, b: Belief) -> None:
    norm = mask_activities(normalize_for_matching(text))
    for sentence in _SENTENCE.split(norm):
        if not sentence.strip():
            continue
        hit = False
        for d, pat in DEALBREAKER_CUES.items():
            if cue(pat).search(sentence):
                hit = True
                if d not in b.dealbreakers:
                    b.dealbreakers.append(d)
        for budget, pat in BUDGET_CUES:
            if cue(pat).search(sentence):
                b.budget, hit = budget, True
                break
        for level, pat in LEVEL_CUES.items():
            if cue(pat).search(sentence):
                b.level, hit = level, True
        if cue(NO_MORE_DEALBREAKERS_CUE).search(sentence):
            b.dealbreakers_done, hit = True, True
        if cue(VAGUE_CUE).search(sentence):
            b.vague += 1
            continue
        if hit:
            continue
        dims = [d for d in DIMS if cue(DIM_CUES[d]).search(sentence)]
        if not dims:
            continue
        if cue(NEGATIVE_CUE).search(sentence):
            for d in dims:
                if d not in b.disliked and d not in b.liked:
                    b.disliked.append(d)
            continue
        secondary = bool(cue(SECONDARY_CUE).search(sentence))
        for d in dims:
            if d in b.disliked:
                b.disliked.remove(d)
            if d not in b.liked:
                b.liked.append(d)
                if len(b.liked) == 1 and not secondary:
                    b.liked_primary = True


def read_dialogue(messages: list[dict[str, str]]) -> Belief:
    """Rebuild the agent's knowledge from the chat history."""
    b = Belief()
    pending: tuple[str, str] | None = None
    for m in messages:
        if m["role"] == "user" and pending is not None:
            named = [a for a in find_activities(normalize_for_matching(m["content"])) if a in pending]
            if len(named) == 1:
                win = named[0]
                lose = pending[1] if win == pending[0] else pending[0]
                if win not in b.winners:
                    b.winners.append(win)
                if lose not in b.losers:
                    b.losers.append(lose)
            pending = None
        if m["role"] == "assistant":
            b.turns += 1
            acts, activities = recognize(m["content"])
            for a in acts:
                b.asked[a] = b.asked.get(a, 0) + 1
            if "offer_comparison" in acts and len(activities) >= 2:
                b.compared.append((activities[0], activities[1]))
                pending = (activities[0], activities[1])
            elif "recommend" in acts and activities:
                b.recommended.append(activities[0])
        else:
            _read_user(m["content"], b)
    return b


def estimate_scores(b: Belief, prior: float = 0.04) -> dict[str, float]:
    """Estimated utility of each activity under the belief (same form as the true utility)."""
    w = {d: prior for d in DIMS}
    liked = list(b.liked)
    for i, d in enumerate(liked):
        w[d] = 0.55 if i == 0 else 0.28 / max(1, len(liked) - 1) * 1.0
    for d in b.disliked:
        w[d] = 0.0
    matches = {a: sum(w[d] * v for d, v in CATALOG[a]["tags"].items()) for a in ACTIVITY_IDS}
    top = max(matches.values()) or 1.0
    out = {}
    for a in ACTIVITY_IDS:
        s = (matches[a] / top) ** 1.5
        if b.budget is not None:
            s *= BUDGET_FACTOR[min(3, max(0, CATALOG[a]["cost"] - b.budget))]
        for d in b.dealbreakers:
            if violates(a, d):
                s *= 0.03
        if b.level == "easy" and CATALOG[a]["physical"] >= 2:
            s *= 0.7
        if a in b.winners and a not in b.losers:
            s += 0.25
        elif a in b.losers:
            s *= 0.6
        if a in b.recommended:
            s = -1.0
        out[a] = s
    return out


def ranked(scores: dict[str, float]) -> list[str]:
    return sorted(ACTIVITY_IDS, key=lambda a: (-scores[a], ACTIVITY_IDS.index(a)))


def _messages(info: dict[str, Any]) -> list[dict[str, str]]:
    return list(info.get("messages") or [])


# ------------------------------------------------------------------ oracle
class OracleAgent(Agent):
    """Reads the persona and recommends its best activity at once (reward = the best utility)."""

    name = "oracle"
    requires_privileged = True

    def act(self, observation: str, info: dict[str, Any]) -> str:
        persona = info.get("persona")
        if persona is None:
            raise ValueError("OracleAgent needs info['persona']: build the env with privileged=True")
        utils = activity_utilities(persona)
        tried = read_dialogue(_messages(info)).recommended
        options = [a for a in ranked(utils) if a not in tried]
        best = options[0] if options else best_activity(persona)[0]
        return agent_utterance(f"recommend:{best}", self.rng)


# ------------------------------------------------------------------ ask-then-adapt
def _representative(dim: str, b: Belief, scores: dict[str, float], exclude: set[str]) -> str | None:
    """The feasible activity most purely about ``dim`` (not yet recommended or excluded)."""
    best, best_v = None, -1e9
    for a in ACTIVITY_IDS:
        if a in exclude or a in b.recommended or scores[a] <= 0.02 * max(1e-9, max(scores.values())):
            continue
        if any(violates(a, d) for d in b.dealbreakers):
            continue
        if b.budget is not None and CATALOG[a]["cost"] > b.budget:
            continue
        tags = CATALOG[a]["tags"]
        v = tags.get(dim, 0.0) - 0.3 * sum(x for k, x in tags.items() if k != dim)
        if tags.get(dim, 0.0) >= 0.5 and v > best_v:
            best, best_v = a, v
    return best


def _pick_comparison(b: Belief, scores: dict[str, float]) -> tuple[str, str] | None:
    """A tournament over interests: the current favourite against the best option of an untested interest."""
    compared = {a for pair in b.compared for a in pair}
    tested = {main_dim(a) for a in compared}
    champions = [a for a in b.winners if a not in b.losers and a not in b.recommended]
    untested = [d for d in DIMS if d not in tested and d not in b.disliked]
    reps: list[str] = []
    for d in untested:
        r = _representative(d, b, scores, compared | set(reps))
        if r is not None:
            reps.append(r)
    if champions and reps:
        return champions[-1], reps[0]
    if len(reps) >= 2:
        return reps[0], reps[1]
    return None


class AdaptiveAgent(Agent):
    """Ask, then adapt: interests, budget, dealbreakers first; comparisons for vague users; then recommend.

    Does not see the persona. Reads the hints with the task's hint lexicon.
    """

    name = "adaptive"

    #: turns kept for recommending after the last comparison (a rejection or two, then the pick)
    RECOMMEND_RESERVE = 3
    #: comparisons for an indecisive traveller, at most, and only while fewer than QUESTION_BUDGET questions
    #: were asked (every exchange tries the traveller's patience; beyond five questions it tries it more)
    MAX_COMPARISONS = 3
    QUESTION_BUDGET = 6
    #: times to ask about dealbreakers before recommending (some are only remembered when an option runs into them)
    MAX_DB_ASKS = 2

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_turns = DEFAULT_MAX_TURNS

    def choose(self, b: Belief) -> str:
        asked = b.asked
        scores = estimate_scores(b)
        if b.vague:
            # an indecisive traveller: get the hard facts, then let them choose between options
            if b.budget is None and asked.get("ask_budget", 0) < 1:
                return "ask_budget"
            if not b.dealbreakers_done and asked.get("ask_dealbreakers", 0) < 2:
                return "ask_dealbreakers"
            if (
                len(b.compared) < self.MAX_COMPARISONS
                and b.questions < self.QUESTION_BUDGET
                and b.turns < self.max_turns - self.RECOMMEND_RESERVE + 1
            ):
                pair = _pick_comparison(b, scores)
                if pair is not None:
                    return f"offer_comparison:{pair[0]}|{pair[1]}"
        else:
            if not b.liked and asked.get("ask_interests", 0) < 1:
                return "ask_interests"
            if len(b.liked) < 2 and asked.get("ask_interests", 0) < 2 and not b.vague:
                return "ask_interests"
            if b.budget is None and asked.get("ask_budget", 0) < 1:
                return "ask_budget"
            if not b.dealbreakers_done and asked.get("ask_dealbreakers", 0) < self.MAX_DB_ASKS:
                return "ask_dealbreakers"
        return f"recommend:{ranked(scores)[0]}"

    def act(self, observation: str, info: dict[str, Any]) -> str:
        # plan against the episode's horizon (every dialgym env reports it), not the task default
        horizon = info.get("max_turns")
        if horizon is not None:
            self.max_turns = int(horizon)
        return agent_utterance(self.choose(read_dialogue(_messages(info))), self.rng)


# ------------------------------------------------------------------ behavior (data) policy
class BehaviorAgent(Agent):
    """A human-like, suboptimal travel agent for offline data.

    Each turn it either asks (a random question, sometimes one already answered, or a
    comparison) or recommends; the more it has asked, the likelier it recommends.
    Its recommendation is the belief-best activity about half the time, otherwise a
    popular pick or a hunch; it sometimes greets, chats off-task, or recommends before
    asking anything (the classic mistakes).
    """

    name = "behavior"
    POPULAR = (
        "museum_tour",
        "food_tour",
        "hiking",
        "beach_day",
        "nightlife_tour",
        "spa_day",
        "theme_park",
        "kayaking",
        "wine_tasting",
    )
    P_RECOMMEND = (0.3, 0.4, 0.55, 0.7, 0.85)
    P_INFORMED = 0.55

    def choose(self, b: Belief) -> str | None:
        rng = self.rng
        if b.turns == 0 and rng.random() < 0.4:
            return "greeting"
        if rng.random() < 0.05:
            return None  # small talk
        q = b.questions
        if rng.random() < self.P_RECOMMEND[min(q, len(self.P_RECOMMEND) - 1)]:
            scores = estimate_scores(b)
            if rng.random() < self.P_INFORMED:
                return f"recommend:{ranked(scores)[0]}"
            pool = [a for a in ACTIVITY_IDS if a not in b.recommended] or list(ACTIVITY_IDS)
            if rng.random() < 0.5:
                pool = [a for a in self.POPULAR if a not in b.recommended] or pool
            return f"recommend:{pool[int(rng.integers(len(pool)))]}"
        options = [*QUESTION_ACTS, "offer_comparison"]
        act = options[int(rng.integers(len(options)))]
        if act == "offer_comparison":
            top = ranked(estimate_scores(b))[:6]
            i, j = rng.choice(len(top), size=2, replace=False)
            return f"offer_comparison:{top[int(i)]}|{top[int(j)]}"
        return act

    def act(self, observation: str, info: dict[str, Any]) -> str:
        act = self.choose(read_dialogue(_messages(info)))
        if act is None:
            return SMALL_TALK[int(self.rng.integers(len(SMALL_TALK)))]
        return agent_utterance(act, self.rng)


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


__all__ = [
    "FIXED_SCRIPTS",
    "AdaptiveAgent",
    "BehaviorAgent",
    "Belief",
    "OracleAgent",
    "estimate_scores",
    "read_dialogue",
]
