"""The scripted traveller of TravelAgent-v0.

Dynamics in short (all numbers are per persona, see :mod:`.personas`):

* Inquiries reveal one hint each, in words: ``ask_interests`` the primary then the
  secondary interest; ``ask_preferences`` (open question) the most salient thing not
  yet said (primary interest, first dealbreaker, a tight budget, ...);
  ``ask_budget`` the budget; ``ask_dealbreakers`` one dealbreaker at a time;
  ``ask_activity_level`` a no-physical dealbreaker or whether they like being active.
  Indecisive travellers answer open questions (preferences, interests, activity
  level) vaguely; they answer budget and dealbreaker questions.
* ``offer_comparison`` between two named activities: the user says which one they
  prefer and why (the interest that tips it, or the dealbreaker / budget that rules
  the other out). This is how indecisive travellers reveal their taste.
* ``recommend`` one named activity: accepted when its utility is within
  ``pickiness`` of the best activity's (or at least 60% of it once the user's
  patience is nearly gone); otherwise rejected with a reason (dealbreaker, price,
  not their thing, "something with more X"; indecisive users are vague unless a
  dealbreaker or the price is the reason). A rejection costs 1 patience (1.5 if the
  agent recommended before asking anything); re-recommending a rejected activity
  costs 1.
* Asking the same thing again after it is exhausted, off-task talk (1), a second
  greeting (0.5) and more than five questions in total (0.5 each) cost patience, and
  every exchange costs ``TURN_COST`` (0.3: the traveller's time). At zero patience the
  user leaves (reward 0).
* Dealbreakers listed in the persona's ``unspoken`` are not mentioned when asked about
  dealbreakers or preferences; they come up when a recommendation or comparison runs into
  them (and "nothing physical" when asked about activity level). Indecisive travellers
  cannot choose between two options closer than ``INDECISIVE_BAND`` for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from dialgym.core.types import Outcome, UserTurn
from dialgym.simulators.scripted import (
    OFF_TASK,
    RAPPORT_LEXICON,
    IntentRecognizer,
    ReplyBank,
    ScriptedUser,
    SentenceReading,
    looks_like_gibberish,
    normalize_for_matching,
    split_sentences,
)
from dialgym.tasks.travel.catalog import (
    ACTIVITY_IDS,
    CATALOG,
    DIMS,
    activity_utilities,
    main_dim,
    scan_activities,
    violates,
)
from dialgym.tasks.travel.language import (
    BUDGET_PHRASES,
    CLAIM_CUES,
    DEALBREAKER_PHRASES,
    DISLIKES,
    FUNCTION_WORDS,
    LEXICON,
    LIKES,
    MORE,
    NEGATION_SENSITIVE,
    REPLIES,
    TOPIC,
    WEAK_SUFFIX,
    capitalize,
    fix_typos,
)
from dialgym.utils.deprecation import renamed_attributes

QUESTION_ACTS = ("ask_preferences", "ask_interests", "ask_budget", "ask_activity_level", "ask_dealbreakers")
SUCCESS_UTILITY = 0.6
FREE_QUESTIONS = 5
SETTLE_PATIENCE = 1.5
SETTLE_FRACTION = 0.6
REJECT_COST = 1.0
REJECT_ESCALATION = 0.5
BLIND_COST = 0.5
IGNORED_COST = 1.0
OFF_TASK_COST = 1.0
#: rapport-only turns (thanks, praise, "got it") that cost nothing; later ones cost RAPPORT_STALL_COST each
FREE_RAPPORT = 2
RAPPORT_STALL_COST = 0.5
#: every exchange takes a little of the traveller's time: a long interview wears them down too
TURN_COST = 0.3
#: a decisive traveller picks between two options unless their utilities are this close; an indecisive
#: one cannot choose between options that are within INDECISIVE_BAND of each other for them
DECISIVE_BAND = 0.04
INDECISIVE_BAND = 0.15

_OR = re.compile(r"\bor\b")


@dataclass
class TravelState:
    """The traveller's hidden dialogue state (plain fields only)."""

    patience: float
    utilities: dict[str, float]
    best: float
    revealed: list[str] = field(default_factory=list)
    questions: int = 0
    inquired: bool = False
    rejected: list[str] = field(default_factory=list)
    compared: list[str] = field(default_factory=list)
    accepted: str | None = None
    accepted_utility: float = 0.0
    settled: bool = False
    left: bool = False


RAPPORT = "rapport"
#: what a turn that only claims the traveller already chose is heard as (a false claim is not a strategy)
CLAIM = "claim"
_CLAIM_RE = re.compile("|".join(f"(?:{p})" for p in CLAIM_CUES))
_WORDS = re.compile(r"[a-z]+")
_RAPPORT_RE = re.compile("|".join(f"(?:{p})" for p in (*RAPPORT_LEXICON, *TOPIC)))
_QUESTIONS = frozenset(QUESTION_ACTS)
#: a sentence naming more distinct strategies than this is a keyword salad
MAX_ACTS_PER_SENTENCE = 3
#: echo test: an agent sentence that repeats this share of a user sentence (of at least ECHO_MIN_WORDS words)
#: and adds at most ECHO_MAX_NEW words of its own is the user's words parroted back, not a strategy
ECHO_SHARE = 0.8
ECHO_MIN_WORDS = 4
ECHO_MAX_NEW = 4


def refine_acts(acts: list[str], activities: list[str]) -> list[str]:
    """Resolve recommend/compare against the activities actually named in the turn.

    ``recommend~`` (a weak cue: "how about", "would be perfect", a bare activity name) is a
    recommendation only when the turn names an activity. An activity named without any cue
    ("The stock market fell", a list of names) is not a strategy.
    """
    out = [a for a in acts if a not in (OFF_TASK, RAPPORT)]
    if "recommend~" in out:
        strong = "recommend" in out
        out = [a for a in out if a != "recommend~"]
        if activities and not strong:
            out.append("recommend")
    has_cmp = "offer_comparison" in out
    if has_cmp and len(activities) >= 2:
        out = [a for a in out if a != "recommend"]
    elif has_cmp:
        out = [a for a in out if a != "offer_comparison"]
        # "would you rather do the museum tour?" suggests it; "are you a foodie or more into museums?" does not
        if len(activities) == 1 and "recommend" not in out and not _QUESTIONS.intersection(out):
            out.append("recommend")
    if "recommend" in out and not activities and len(out) > 1:
        out = [a for a in out if a != "recommend"]
    if out:
        return out
    if RAPPORT in acts:
        return [RAPPORT]
    return [OFF_TASK]


class _Recognizer(IntentRecognizer):
    """The engine's recognizer with the travel pipeline: typos fixed, activity names masked, acts refined.

    ``recognize`` is what LLM users and agents call to name the agent's strategies, so
    it runs the same pipeline as the scripted traveller.
    """

    def recognize(self, text: str) -> list[str]:
        return recognize(text)[0]

    def explain_normalized(self, norm: str) -> list[SentenceReading]:
        return super().explain_normalized(scan_activities(fix_typos(norm))[1])


# the per-sentence cap is applied after weak cues are folded into their acts (see _read_sentence)
_RECOGNIZER = _Recognizer(
    LEXICON, negation_sensitive=NEGATION_SENSITIVE, rapport_act=RAPPORT, topic=TOPIC, max_acts_per_sentence=12
)


def _is_echo(words: list[str], echo_of: list[set[str]]) -> bool:
    if len(words) < ECHO_MIN_WORDS:
        return False
    mine = set(words)
    for theirs in echo_of:
        if len(theirs) >= ECHO_MIN_WORDS and len(theirs & mine) >= ECHO_SHARE * len(theirs):
            if len(mine - theirs) <= ECHO_MAX_NEW:
                return True
    return False


def _read_sentence(sentence: str, echo_of: list[set[str]]) -> tuple[list[str], list[str]]:
    """``(acts, activities)`` of one normalised sentence; acts may hold ``recommend~``, rapport, claim."""
    if looks_like_gibberish(sentence):
        return [OFF_TASK], []
    words = _WORDS.findall(sentence)
    if _CLAIM_RE.search(sentence):
        return [CLAIM], []
    if echo_of and _is_echo(words, echo_of):
        return [OFF_TASK], []
    activities, masked = scan_activities(sentence)
    heard = _RECOGNIZER.recognize_normalized(masked)
    if heard in ([OFF_TASK], [RAPPORT]):
        if len(activities) >= 2 and len(words) >= 3 and not FUNCTION_WORDS.intersection(words):
            return [OFF_TASK], []  # a list of activity names
        return heard, activities
    strong = {a for a in heard if not a.endswith(WEAK_SUFFIX)}
    acts: list[str] = []
    for a in heard:
        if a.endswith(WEAK_SUFFIX) and a != "recommend~":
            base = a[: -len(WEAK_SUFFIX)]
            if strong & _QUESTIONS:  # a more specific question was asked in this sentence
                continue
            a = base
        if a not in acts:
            acts.append(a)
    if not activities and set(acts) <= {"recommend~", "offer_comparison"}:
        # "that would be perfect", "flying or the train?": a recommendation or comparison only if another
        # sentence names the activities; otherwise the sentence is conversation (or off-task)
        acts.append(RAPPORT if _RAPPORT_RE.search(masked) else OFF_TASK)
    if "offer_comparison" in acts and len(activities) >= 2:
        # "which of these two interests you more: X or Y?" asks about taste through the comparison itself
        acts = [a for a in acts if a not in ("ask_interests", "ask_preferences")]
    distinct = {a.rstrip(WEAK_SUFFIX) for a in acts if a not in (RAPPORT, OFF_TASK)}
    salad = len(words) >= 3 and not FUNCTION_WORDS.intersection(words)
    if len(distinct) > MAX_ACTS_PER_SENTENCE or salad:
        return [OFF_TASK], []
    return acts, activities


def recognize(text: str, echo_of: list[set[str]] | None = None) -> tuple[list[str], list[str]]:
    """The strategies in an agent utterance and the activities it names (in order).

    The text is normalised, chat shorthand and one-slip misspellings of key words are
    fixed (:func:`fix_typos`), and each sentence is read on its own: activity names are
    masked (replaced by the word "activity") before the strategy lexicon runs, so that
    "street food tour or city bike tour?" is not read as a question about food. A
    sentence is not credited when it is a keyword salad (more than three strategies, or
    three or more words without any that give it structure), a claim that the traveller
    already chose, or (``echo_of``: word sets of what the traveller said) the traveller's
    own words parroted back. A turn with no strategy is rapport when some sentence is
    ordinary conversation, otherwise off-task.
    """
    norm = fix_typos(normalize_for_matching(text))
    if looks_like_gibberish(norm):
        return [OFF_TASK], []
    acts: list[str] = []
    activities: list[str] = []
    for sentence in split_sentences(norm):
        s_acts, s_acts_activities = _read_sentence(sentence, echo_of or [])
        for a in s_acts:
            if a not in acts:
                acts.append(a)
        for aid in s_acts_activities:
            if aid not in activities:
                activities.append(aid)
    refined = refine_acts([a for a in acts if a != CLAIM], activities)
    if refined == [OFF_TASK] and CLAIM in acts and RAPPORT not in acts:
        return [OFF_TASK], activities
    return refined, activities


def is_claim(text: str) -> bool:
    """True when ``text`` claims the traveller already chose or agreed."""
    return bool(_CLAIM_RE.search(fix_typos(normalize_for_matching(text))))


class TravelUser(ScriptedUser):
    """A traveller with hidden tastes, budget and dealbreakers who wants one activity."""

    recognizer = _RECOGNIZER
    replies = ReplyBank(REPLIES)
    state: TravelState  # what init_state builds (the base class holds any task's state)

    def __init__(self) -> None:
        super().__init__()
        self._activities: list[str] = []
        self._said: list[set[str]] = []

    # ------------------------------------------------------------------ engine hooks
    def init_state(self) -> TravelState:
        utils = activity_utilities(self.persona)
        return TravelState(patience=float(self.persona["patience"]), utilities=utils, best=max(utils.values()))

    def opening(self) -> str:
        return self.say("opening")

    def reset(self, persona: dict[str, Any], rng: Any) -> str | None:
        self._said = []
        opening = super().reset(persona, rng)
        self._remember(opening)
        return opening

    def _remember(self, text: str | None) -> None:
        """Keep the word sets of what the traveller said (to tell parroting from a strategy)."""
        if text:
            for sentence in split_sentences(normalize_for_matching(text)):
                self._said.append(set(_WORDS.findall(sentence)))

    def respond(self, agent_text: str) -> UserTurn:
        acts, self._activities = recognize(agent_text, echo_of=self._said)
        self.turn += 1
        reply, done = self.react(acts, agent_text)
        for act in acts:
            self.act_counts[act] = self.act_counts.get(act, 0) + 1
        self._remember(reply)
        return UserTurn(text=reply, acts=acts, done=bool(done))

    # ------------------------------------------------------------------ helpers
    def _like(self, dim: str) -> dict[str, str]:
        like = LIKES[dim][int(self.rng.integers(len(LIKES[dim])))]
        more = MORE[dim][int(self.rng.integers(len(MORE[dim])))]
        return {"like": like, "like_cap": capitalize(like), "more": more}

    def _reveal(self, key: str) -> None:
        if key not in self.state.revealed:
            self.state.revealed.append(key)

    def _hint(self, key: str) -> str:
        """Say hint ``key`` (and remember it was revealed)."""
        p = self.persona
        self._reveal(key)
        if key == "primary":
            return self.say("primary", **self._like(p["primary"]))
        if key == "secondary":
            return self.say("secondary", **self._like(p["secondary"]))
        if key == "budget":
            opts = BUDGET_PHRASES[int(p["budget"])]
            return opts[int(self.rng.integers(len(opts)))]
        if key.startswith("db:"):
            opts = DEALBREAKER_PHRASES[key[3:]]
            return opts[int(self.rng.integers(len(opts)))]
        if key == "level":
            w = p["weights"]
            return self.say("active" if w["adventure"] + w["nature"] >= 0.35 else "easy")
        raise KeyError(key)

    def _salient(self) -> list[str]:
        p = self.persona
        order = ["primary"]
        dbs = [f"db:{d}" for d in self._spoken()]
        order += dbs[:1]
        if p["budget"] <= 1:
            order.append("budget")
        order.append("secondary")
        order += dbs[1:]
        if p["budget"] > 1:
            order.append("budget")
        return order

    def _spoken(self) -> list[str]:
        """The dealbreakers the traveller thinks of when asked (``unspoken`` ones come up only when a
        suggestion, a comparison or a question about being active runs into them)."""
        unspoken = set(self.persona.get("unspoken", ()))
        return [d for d in self.persona["dealbreakers"] if d not in unspoken]

    def _spend(self, cost: float) -> None:
        self.state.patience = round(self.state.patience - cost, 4)

    # ------------------------------------------------------------------ answers
    def _answer(self, act: str) -> str:
        s, p = self.state, self.persona
        indecisive = bool(p["indecisive"])
        s.questions += 1
        s.inquired = True
        if act in ("ask_preferences", "ask_interests") and indecisive:
            if self.used(act) >= 2:
                self._spend(0.5)
            return self.say("vague")
        if act == "ask_activity_level" and indecisive and "no_physical" not in p["dealbreakers"]:
            if self.used(act) >= 1:
                self._spend(0.5)
            return self.say("vague")
        if act == "ask_preferences":
            for key in self._salient():
                if key not in s.revealed:
                    return self._hint(key)
            self._spend(0.5)
            return self.say("interests_done")
        if act == "ask_interests":
            for key in ("primary", "secondary"):
                if key not in s.revealed:
                    return self._hint(key)
            self._spend(0.5)
            return self.say("interests_done")
        if act == "ask_budget":
            if "budget" in s.revealed:
                self._spend(0.5)
                return self.say("budget_again") + self._hint("budget")
            return self._hint("budget")
        if act == "ask_dealbreakers":
            for d in self._spoken():
                if f"db:{d}" not in s.revealed:
                    return self._hint(f"db:{d}")
            if self.used(act) >= 1 or any(k.startswith("db:") for k in s.revealed):
                if "db:none" in s.revealed:
                    self._spend(0.5)
                    return self.say("asked_again")
                self._reveal("db:none")
                return self.say("no_more_dealbreakers" if p["dealbreakers"] else "no_dealbreakers")
            self._reveal("db:none")
            return self.say("no_dealbreakers")
        if act == "ask_activity_level":
            if "no_physical" in p["dealbreakers"] and "db:no_physical" not in s.revealed:
                return self._hint("db:no_physical")
            if "level" in s.revealed or "db:no_physical" in s.revealed:
                self._spend(0.5)
                return self.say("asked_again")
            return self._hint("level")
        raise KeyError(act)

    def _constraint(self, aid: str) -> tuple[str, str] | None:
        """The first dealbreaker (``("db", hint)``) or price (``("budget", hint)``) against ``aid``."""
        for d in self.persona["dealbreakers"]:
            if violates(aid, d):
                return "db", self._hint(f"db:{d}")
        if CATALOG[aid]["cost"] > self.persona["budget"]:
            return "budget", self._hint("budget")
        return None

    def _dislike(self, aid: str) -> str:
        opts = DISLIKES[main_dim(aid)]
        return self.say("reject_mismatch", dislike=opts[int(self.rng.integers(len(opts)))])

    def _compare(self, a: str, b: str) -> str:
        s, p = self.state, self.persona
        s.inquired = True
        s.questions += 1
        key = "|".join(sorted((a, b)))
        if key in s.compared:
            self._spend(0.5)
            return self.say("compared_again")
        s.compared.append(key)
        ua, ub = s.utilities[a], s.utilities[b]
        pref, other = (a, b) if ua >= ub else (b, a)
        up, uo = max(ua, ub), min(ua, ub)
        if up < 0.1:
            why = self._constraint(pref)
            reason = why[1] if why is not None else self._dislike(pref)
            return self.say("neither", reason=reason)
        if up - uo < (INDECISIVE_BAND if p["indecisive"] else DECISIVE_BAND):
            return self.say("both_same")
        why = self._constraint(other) if uo < 0.5 * up else None
        if why is not None:
            reason = self.say("prefer_other_bad" if why[0] == "db" else "prefer_other_pricey") + " " + why[1]
        else:
            w = p["weights"]
            tp, to = CATALOG[pref]["tags"], CATALOG[other]["tags"]
            dim = max(DIMS, key=lambda d: (w[d] * (tp.get(d, 0.0) - to.get(d, 0.0)), -DIMS.index(d)))
            if dim == p["primary"]:
                self._reveal("primary")
            elif dim == p["secondary"]:
                self._reveal("secondary")
            reason = self.say("prefer_like", **self._like(dim))
        return self.say("prefer", p=CATALOG[pref]["name"], reason=reason)

    def _recommend(self, aid: str) -> tuple[str, bool]:
        s, p = self.state, self.persona
        if aid in s.rejected:
            self._spend(1.0)
            return self.say("reject_repeat"), False
        u = s.utilities[aid]
        name = CATALOG[aid]["name"]
        slots = {"name": name, "phrase": CATALOG[aid]["phrase"], "cap_phrase": capitalize(CATALOG[aid]["phrase"])}
        if u >= s.best - float(p["pickiness"]) and u > 0.05:
            s.accepted, s.accepted_utility = aid, u
            return self.say("accept", **slots), True
        if s.patience <= SETTLE_PATIENCE and u >= SETTLE_FRACTION * s.best:
            s.accepted, s.accepted_utility, s.settled = aid, u, True
            return self.say("settle", **slots), True
        known = [d for d in p["dealbreakers"] if violates(aid, d) and f"db:{d}" in s.revealed]
        ignored = bool(known) or (CATALOG[aid]["cost"] > p["budget"] and "budget" in s.revealed)
        # each rejection tries patience more than the last; ignoring what was said, or
        # recommending before asking anything, costs extra
        self._spend(
            REJECT_COST
            + REJECT_ESCALATION * len(s.rejected)
            + (0.0 if s.inquired else BLIND_COST)
            + (IGNORED_COST if ignored else 0.0)
        )
        s.rejected.append(aid)
        why = self._constraint(aid)
        if why is not None:
            lead = self.say("reject_dealbreaker" if why[0] == "db" else "reject_budget")
            if ignored:
                lead = self.say("told_you") + " " + lead
            return lead + " " + why[1], False
        if p["indecisive"]:
            return self.say("reject_vague"), False
        w = p["weights"]
        dim = main_dim(aid)
        if w[dim] < 0.15:
            return self._dislike(aid), False
        tags = CATALOG[aid]["tags"]
        for key in ("primary", "secondary"):
            want = p[key]
            if tags.get(want, 0.0) < 0.5:
                self._reveal(key)
                return self.say("reject_near", **self._like(want)), False
        return self.say("reject_near_generic"), False

    # ------------------------------------------------------------------ the turn
    def react(self, acts: list[str], text: str) -> tuple[str, bool]:
        s = self.state
        parts: list[str] = []
        done = False
        self._spend(TURN_COST)
        if acts == [OFF_TASK]:
            self._spend(OFF_TASK_COST)
            parts.append(self.say("claim" if is_claim(text) else "off_task"))
        if acts == [RAPPORT]:
            # politeness is not off-task; it only tries patience once it stalls the conversation
            if self.used(RAPPORT) >= FREE_RAPPORT:
                self._spend(RAPPORT_STALL_COST)
                parts.append(self.say("rapport_stall"))
            else:
                parts.append(self.say("rapport_back"))
        if "greeting" in acts:
            if self.used("greeting"):
                self._spend(0.5)
                parts.append(self.say("greet_again"))
            elif len(acts) == 1:
                parts.append(self.say("greet_back"))
        questions = [a for a in acts if a in QUESTION_ACTS]
        if "ask_interests" in questions and "ask_preferences" in questions:
            questions.remove("ask_preferences")
        for k, q in enumerate(questions):
            if k >= 2:
                parts.append(self.say("one_at_a_time"))
                break
            parts.append(self._answer(q))
            if s.questions > FREE_QUESTIONS:
                self._spend(0.5)
                parts.append(self.say("too_many_questions"))
        acts_set = set(acts)
        if "offer_comparison" in acts_set and len(self._activities) >= 2:
            parts.append(self._compare(self._activities[0], self._activities[1]))
            if s.questions > FREE_QUESTIONS:
                self._spend(0.5)
        elif "recommend" in acts_set:
            if self._activities:
                reply, done = self._recommend(self._activities[0])
                parts.append(reply)
            else:
                parts.append(self.say("vague_recommend"))
        if not done and s.patience <= 0:
            s.left = True
            parts.append(self.say("leave"))
            done = True
        if not parts:
            parts.append(self.say("off_task"))
        return " ".join(parts), done

    def outcome(self, truncated: bool) -> Outcome:
        s = self.state
        accepted = s.accepted
        utility = float(s.accepted_utility) if accepted else 0.0
        details: dict[str, Any] = {
            "accepted": accepted,
            "utility": round(utility, 4),
            "best_utility": round(float(s.best), 4),
            "settled": bool(s.settled),
            "left": bool(s.left),
            "rejections": len(s.rejected),
            "questions": int(s.questions),
        }
        return Outcome(reward=utility, success=bool(accepted) and utility >= SUCCESS_UTILITY, details=details)


__all__ = [
    "ACTIVITY_IDS",
    "RAPPORT",
    "SUCCESS_UTILITY",
    "TravelState",
    "TravelUser",
    "is_claim",
    "recognize",
    "refine_acts",
]


# BEGIN deprecated British-spelling aliases (issue 13)
#: old (British) spelling -> current name; ``from module import old`` still works, with a DeprecationWarning
_renamed = renamed_attributes(__name__, globals(), {"recognise": "recognize"})


def __getattr__(name: str) -> object:
    return _renamed(name)


# END deprecated British-spelling aliases
