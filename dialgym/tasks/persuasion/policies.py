"""Reference policies for Persuasion-v0: behavior (data), oracle (upper bound), ask-then-adapt.

Every agent is Markov in ``(observation, info)``: it re-reads ``info["messages"]`` each
turn (its own earlier acts through the task's recogniser, the user's replies through
:data:`~dialgym.tasks.persuasion.language.HINT_LEXICON`) and draws every random choice
from ``self.rng``.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from dialgym.core.agent import Agent
from dialgym.simulators.scripted import normalize_for_matching
from dialgym.tasks.persuasion.language import HINT_LEXICON, agent_utterance
from dialgym.tasks.persuasion.user import APPEALS, PersuasionUser

_HINTS = {k: re.compile("|".join(f"(?:{p})" for p in v)) for k, v in HINT_LEXICON.items()}
_RECOGNIZER = PersuasionUser.recognizer
_TYPES = ("credibility", "logic", "emotion", "social")
_DEFAULT_MAX_TURNS = 10

#: what to say to each kind of person, in order (an act may appear twice: the second use pays half)
PLANS: dict[str, list[str]] = {
    "emotion": ["personal_story", "emotion_appeal", "personal_story", "emotion_appeal", "self_modeling"],
    "logic": ["logical_appeal", "donation_information", "logical_appeal", "donation_information", "credibility_appeal"],
    "credibility": [
        "credibility_appeal",
        "donation_information",
        "credibility_appeal",
        "logical_appeal",
        "donation_information",
    ],
    "social": ["self_modeling", "personal_story", "self_modeling", "personal_story", "emotion_appeal"],
}


@dataclass
class Reading:
    """What a persona-blind agent knows after reading the dialogue."""

    turn: int = 0
    acts: Counter[str] = field(default_factory=Counter)
    last_acts: list[str] = field(default_factory=list)
    cues: Counter[str] = field(default_factory=Counter)
    deflections: int = 0
    excluded: set[str] = field(default_factory=set)
    warned_last: bool = False

    @property
    def kind(self) -> str | None:
        """The best guess of what moves this person, or None when nothing points anywhere."""
        scores = {t: self.cues[t] for t in _TYPES if t not in self.excluded}
        best = max(scores.values(), default=0)
        if best <= 0:
            return None
        for t in _TYPES:  # priority order: a skeptic's cues win ties
            if scores.get(t) == best:
                return t
        return None

    @property
    def budget(self) -> str | None:
        if self.cues["budget_tight"]:
            return "tight"
        if self.cues["budget_comfortable"]:
            return "comfortable"
        return None


_DISLIKE_OTHER = re.compile(r"\b(?:does not really do much|not sure that is a great|does not really speak)\b")
_FAMILY = {
    "emotion_appeal": "emotion",
    "personal_story": "emotion",
    "logical_appeal": "logic",
    "credibility_appeal": "credibility",
    "self_modeling": "social",
}


def read_dialogue(messages: list[dict[str, str]]) -> Reading:
    """Parse the history: the agent's own acts and the cues in the user's replies."""
    r = Reading()
    last: list[str] = []
    for m in messages:
        if m["role"] == "assistant":
            last = _RECOGNIZER.recognize(m["content"])
            r.acts.update(dict.fromkeys(last, 1))
            r.turn += 1
            continue
        text = normalize_for_matching(m["content"])
        for name, rx in _HINTS.items():
            if rx.search(text):
                r.cues[name] += 1
        if _HINTS["deflect"].search(text):
            r.deflections += 1
        r.warned_last = bool(_HINTS["leaving_soon"].search(text))
        if _DISLIKE_OTHER.search(text):
            for a in last:
                if a in _FAMILY:
                    r.excluded.add(_FAMILY[a])
    r.last_acts = last
    return r


def _max_turns(options: dict[str, Any]) -> int:
    return int(options.get("max_turns", _DEFAULT_MAX_TURNS))


class _Planner(Protocol):
    """An agent that plans over a horizon it keeps in ``max_turns``."""

    max_turns: int


def _horizon(agent: _Planner, info: dict[str, Any]) -> int:
    """The episode's horizon: ``info["max_turns"]`` (every dialgym env reports it), else the agent's option.

    Reading it from ``info`` means an agent built without ``max_turns`` still plans for the
    episode it is in (``gym.make(..., max_turns=4)``), instead of assuming the task default.
    """
    horizon = info.get("max_turns")
    agent.max_turns = int(horizon) if horizon is not None else agent.max_turns
    return agent.max_turns


def _plan_move(r: Reading, kind: str) -> str:
    """The next act of the plan for ``kind`` (``proposition_of_donation`` once it is spent)."""
    if kind == "credibility" and not r.cues["concern"]:
        if r.acts["task_related_inquiry"] < 1:
            return "task_related_inquiry"
        if r.acts["source_related_inquiry"] < 1:
            return "source_related_inquiry"
    plan = list(PLANS[kind])
    if r.budget == "tight":
        plan.insert(2, "foot_in_the_door")
    if r.cues["unknown"] and not r.cues["informed"] and "donation_information" not in plan[:2]:
        plan.insert(0, "donation_information")
    used: Counter[str] = Counter()
    for act in plan:
        used[act] += 1
        if r.acts[act] < used[act]:
            return act
    return "proposition_of_donation"


def ask_then_adapt(r: Reading, max_turns: int) -> str:
    """The ask-then-adapt move for a dialogue read into ``r`` (see :class:`AdaptiveAgent`)."""
    turn = r.turn
    remaining = max_turns - turn
    kind = r.kind
    if remaining <= 1:
        return "proposition_of_donation"
    if r.cues["leaving_soon"]:
        # the user just warned: one more fitting argument, then ask (they decide before leaving)
        if r.warned_last and kind is not None and remaining > 2:
            move = _plan_move(r, kind)
            if move in APPEALS:
                return move
        return "proposition_of_donation"
    if turn == 0:
        return "greeting"
    if kind is None:
        if r.acts["personal_related_inquiry"] < 2:
            return "personal_related_inquiry"
        if r.acts["task_related_inquiry"] < 1:
            return "task_related_inquiry"
        if r.acts["self_modeling"] < 1:
            return "self_modeling"
        kind = "emotion"
    return _plan_move(r, kind)


class AdaptiveAgent(Agent):
    """Ask, then adapt: find out what moves the person, then use the arguments that suit them.

    1. Greet (people open up), ask about the person (twice at most if they deflect), then
       about their view of charities (a skeptic voices the worry that credibility answers).
    2. If nothing was learnt, probe with self-modeling: each kind of person reacts
       differently to it.
    3. Play the plan for the inferred kind (:data:`PLANS`), adding foot-in-the-door for a
       tight budget and donation information for someone who does not know the charity.
    4. Ask for the donation when the plan is spent, the user warns they must go, or at
       the last turn.
    """

    name = "adaptive"

    def __init__(self, env_id: str | None = None, seed: int | None = None, **options: Any) -> None:
        super().__init__(env_id, seed)
        self.max_turns = _max_turns(options)

    def choose(self, r: Reading) -> str:
        return ask_then_adapt(r, self.max_turns)

    def act(self, observation: str, info: dict[str, Any]) -> str:
        _horizon(self, info)
        r = read_dialogue(info.get("messages", []))
        return agent_utterance(self.choose(r), self.rng)


class BehaviorAgent(Agent):
    """A human-like, suboptimal persuader (the policy that generates offline data).

    Each turn it draws what to do: sometimes it asks about the person, sometimes it
    reads the replies and uses a fitting argument, often it uses its favourite appeals
    whatever the person is like, and now and then it makes the classic mistakes (asking
    for money early, repeating itself). Its episodes contain the good pieces (asking,
    then matching) that offline RL can stitch together.
    """

    name = "behavior"
    #: a typical persuader's favourite appeals and how often they reach for each
    FAVORITES: tuple[tuple[str, float], ...] = (
        ("emotion_appeal", 0.24),
        ("personal_story", 0.12),
        ("logical_appeal", 0.16),
        ("donation_information", 0.16),
        ("credibility_appeal", 0.12),
        ("self_modeling", 0.12),
        ("foot_in_the_door", 0.08),
    )
    #: chance of asking for the donation at agent turn t (0-based), before the last turn
    ASK_HAZARD: tuple[float, ...] = (0.03, 0.08, 0.1, 0.14, 0.18, 0.22, 0.28, 0.35, 0.5)
    #: chance of a skilled move (what the ask-then-adapt agent would do)
    P_SKILLED = 0.4
    #: chance of asking about the person while it knows nothing about them (at most twice)
    P_INQUIRE = 0.3
    #: chance of using an argument that fits what it has read about the person
    P_MATCH = 0.5
    #: chance of repeating its last appeal
    P_REPEAT = 0.1

    def __init__(self, env_id: str | None = None, seed: int | None = None, **options: Any) -> None:
        super().__init__(env_id, seed)
        self.max_turns = _max_turns(options)
        self._fav_acts = [a for a, _ in self.FAVORITES]
        w = np.array([p for _, p in self.FAVORITES])
        self._fav_p = w / w.sum()

    def choose(self, r: Reading) -> str:
        rng = self.rng
        turn = r.turn
        remaining = self.max_turns - turn
        if remaining <= 1:
            return "proposition_of_donation"
        if r.cues["leaving_soon"] and rng.random() < 0.7:
            return "proposition_of_donation"
        if rng.random() < self.P_SKILLED:
            return ask_then_adapt(r, self.max_turns)
        u = rng.random()
        if turn == 0:
            if u < 0.45:
                return "greeting"
            if u < 0.6:
                return "personal_related_inquiry"
            if u < 0.7:
                return "source_related_inquiry"
        if rng.random() < self.ASK_HAZARD[min(turn, len(self.ASK_HAZARD) - 1)]:
            return "proposition_of_donation"
        if r.last_acts and rng.random() < self.P_REPEAT and r.last_acts[0] in APPEALS:
            return r.last_acts[0]  # repeats itself
        kind = r.kind
        inquiries = r.acts["personal_related_inquiry"] + r.acts["task_related_inquiry"]
        if kind is None and inquiries < 2 and rng.random() < self.P_INQUIRE:
            return "personal_related_inquiry" if rng.random() < 0.6 else "task_related_inquiry"
        if kind is not None and rng.random() < self.P_MATCH:
            plan = PLANS[kind]
            return plan[int(rng.integers(len(plan)))]
        if rng.random() < 0.04:
            return "thanks"
        return self._fav_acts[int(rng.choice(len(self._fav_acts), p=self._fav_p))]

    def act(self, observation: str, info: dict[str, Any]) -> str:
        _horizon(self, info)
        r = read_dialogue(info.get("messages", []))
        return agent_utterance(self.choose(r), self.rng)


#: acts the oracle considers (greeting/thanks/source inquiry never raise willingness much)
_ORACLE_ACTS: tuple[str, ...] = ("proposition_of_donation", *APPEALS, "task_related_inquiry")


def _step(user: PersuasionUser, act: str) -> tuple[PersuasionUser, bool]:
    """A copy of ``user`` after it heard ``act`` (mirrors ``ScriptedUser.respond``)."""
    u = user.clone()
    u.turn += 1
    _, done = u.react([act], "")
    u.act_counts[act] = u.act_counts.get(act, 0) + 1
    return u, done


class OracleAgent(Agent):
    """Persona-aware planner: the upper bound on the leaderboard.

    Reads ``info["persona"]`` (the harness builds the env with ``privileged=True``),
    rebuilds the user's hidden state by replaying its own past utterances through a
    private scripted user (the willingness dynamics are deterministic), and picks the
    act with the best donation one move ahead, valuing the position after it by the best
    of asking at once or after each step of a greedy run of appeals (each raising
    willingness most). On the test personas it gets 98-99% of the largest possible gift
    (the budget cap); ``oracle?depth=2&rollout=false`` is the first version's planner.
    """

    name = "oracle"
    requires_privileged = True

    def __init__(self, env_id: str | None = None, seed: int | None = None, **options: Any) -> None:
        super().__init__(env_id, seed)
        self.max_turns = _max_turns(options)
        self.depth = int(options.get("depth", 1))
        #: value a leaf by the best of asking now or after a greedy run of appeals (``rollout=false``:
        #: by asking at once, the first version's leaf, with depth 2)
        self.rollout = str(options.get("rollout", "true")).lower() in ("1", "true", "yes")

    def _value(self, user: PersuasionUser, remaining: int, depth: int) -> float:
        if remaining <= 0:
            return user.final_donation()
        if depth == 0:
            return self._greedy_value(user, remaining) if self.rollout else self._ask_value(user)
        best = -1.0
        for act in _ORACLE_ACTS:
            u, done = _step(user, act)
            v = u.final_donation() if done else self._value(u, remaining - 1, depth - 1)
            best = max(best, v)
        return best

    @staticmethod
    def _ask_value(user: PersuasionUser) -> float:
        u, _ = _step(user, "proposition_of_donation")
        return u.final_donation()

    def _greedy_value(self, user: PersuasionUser, remaining: int) -> float:
        """The best of asking now or after each step of a greedy run of appeals (each raising willingness most)."""
        best = self._ask_value(user)
        u = user
        for _ in range(remaining - 1):  # keep the last turn for the ask
            nxt, w = None, u.state.willingness
            for act in APPEALS:
                v, done = _step(u, act)
                if not done and v.state.patience > 1 and v.state.willingness > w + 1e-9:
                    nxt, w = v, v.state.willingness
            if nxt is None:
                break
            u = nxt
            best = max(best, self._ask_value(u))
        return best

    def choose(self, persona: dict[str, Any], messages: list[dict[str, str]]) -> str:
        user = PersuasionUser()
        user.reset(copy.deepcopy(persona), np.random.default_rng(0))
        user.quiet = True
        turn = 0
        for m in messages:
            if m["role"] == "assistant":
                user.respond(m["content"])
                turn += 1
        remaining = self.max_turns - turn
        best_act, best_v = "proposition_of_donation", -1.0
        for act in _ORACLE_ACTS:
            u, done = _step(user, act)
            v = u.final_donation() if done else self._value(u, remaining - 1, self.depth - 1)
            if v > best_v + 1e-9:
                best_act, best_v = act, v
        return best_act

    def act(self, observation: str, info: dict[str, Any]) -> str:
        if "persona" not in info:
            raise ValueError("OracleAgent needs info['persona']: build the env with privileged=True")
        _horizon(self, info)
        act = self.choose(info["persona"], info.get("messages", []))
        return agent_utterance(act, self.rng)


#: the best open-loop scripts found: hand-written ones, and the winners of a hill climb over
#: 10-act sequences (ScriptAgent, 80 episodes per candidate, train and test splits)
FIXED_SCRIPTS: dict[str, list[str]] = {
    "hill_climbed_train": [
        "task_related_inquiry",
        "donation_information",
        "credibility_appeal",
        "logical_appeal",
        "donation_information",
        "proposition_of_donation",
        "personal_story",
        "proposition_of_donation",
        "source_related_inquiry",
        "source_related_inquiry",
    ],
    "hill_climbed_test": [
        "task_related_inquiry",
        "donation_information",
        "logical_appeal",
        "credibility_appeal",
        "donation_information",
        "proposition_of_donation",
        "emotion_appeal",
        "personal_related_inquiry",
        "thanks",
        "emotion_appeal",
    ],
    "broad_appeal": [
        "greeting",
        "donation_information",
        "personal_story",
        "logical_appeal",
        "emotion_appeal",
        "self_modeling",
        "credibility_appeal",
        "logical_appeal",
        "personal_story",
        "proposition_of_donation",
    ],
    "heart_first": [
        "personal_story",
        "emotion_appeal",
        "donation_information",
        "personal_story",
        "emotion_appeal",
        "self_modeling",
        "proposition_of_donation",
    ],
    "skeptic_safe": [
        "task_related_inquiry",
        "credibility_appeal",
        "donation_information",
        "logical_appeal",
        "credibility_appeal",
        "self_modeling",
        "personal_story",
        "proposition_of_donation",
    ],
}
