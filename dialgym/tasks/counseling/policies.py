"""Reference policies of Counseling-v0: behavior (data), oracle (upper bound), ask-then-adapt.

All three are Markov in ``(observation, info)``: they rebuild what they need from
``info["messages"]`` (:func:`read_dialogue` runs the task's recognizer over the agent's own
turns and the content/hint lexicons over the seeker's).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dialgym.core.agent import Agent
from dialgym.tasks.counseling.language import (
    EMOTIONS,
    RECOGNIZER,
    SUGGESTION_TYPES,
    agent_utterance,
    named_emotions,
    named_problems,
    named_suggestions,
    read_help,
    read_hints,
)
from dialgym.tasks.counseling.user import CounselingUser


@dataclass
class DialogueMemo:
    """What an agent can know from the transcript alone."""

    turn: int = 0
    problem: str | None = None
    emotions: list[str] = field(default_factory=list)
    help: str | None = None
    used: dict[str, int] = field(default_factory=dict)
    reflected: list[str] = field(default_factory=list)
    restated: bool = False
    suggested: dict[str, int] = field(default_factory=dict)
    wrong_types: list[str] = field(default_factory=list)
    premature: int = 0
    comfort_since_premature: int = 0
    questions_after_reveal: int = 0
    nothing_new: bool = False
    last_hints: list[str] = field(default_factory=list)


def read_dialogue(messages: list[dict[str, str]]) -> DialogueMemo:
    """Summarise the transcript: disclosures, the agent's own moves, the seeker's hints."""
    m = DialogueMemo()
    last_types: list[str] = []
    for msg in messages:
        text = msg["content"]
        if msg["role"] == "assistant":
            m.turn += 1
            acts = RECOGNIZER.recognize(text)
            for a in [a for a in acts if a != "others"][:2] or acts[:1]:  # as the seeker applies them
                m.used[a] = m.used.get(a, 0) + 1
            last_types = []
            if "reflection_of_feelings" in acts:
                for e in named_emotions(text):
                    if e in m.emotions and e not in m.reflected:
                        m.reflected.append(e)
            if "restatement_or_paraphrasing" in acts and m.problem and m.problem in named_problems(text):
                m.restated = True
            if "providing_suggestions" in acts:
                last_types = named_suggestions(text) or ["generic"]
                for t in last_types:
                    m.suggested[t] = m.suggested.get(t, 0) + 1
            if m.premature and {
                "reflection_of_feelings",
                "restatement_or_paraphrasing",
                "affirmation_and_reassurance",
                "self_disclosure",
            } & set(acts):
                m.comfort_since_premature += 1
            if "question" in acts:
                m.questions_after_reveal += 1
            continue
        hints = read_hints(text)
        m.last_hints = hints
        revealed = False
        for p in named_problems(text):
            if m.problem is None:
                m.problem = p
                revealed = True
        for e in named_emotions(text):
            if e not in m.emotions:
                m.emotions.append(e)
                revealed = True
        h = read_help(text)
        if h and m.help is None:
            m.help = h
            revealed = True
        if revealed:
            m.questions_after_reveal = 0
        if "premature" in hints:
            m.premature += 1
            m.comfort_since_premature = 0
        if "wrong_suggestion" in hints:
            m.wrong_types.extend(t for t in last_types if t not in m.wrong_types)
        if "nothing_new" in hints:
            m.nothing_new = True
    return m


def adaptive_act(m: DialogueMemo) -> str:
    """The ask-then-adapt rule: explore, reflect what was disclosed, ask what helps, then advise."""
    used = m.used.get
    if "guarded" in m.last_hints and used("affirmation_and_reassurance", 0) < 3:
        return "affirmation_and_reassurance"
    exploring = m.problem is None or not m.emotions
    if exploring and not m.nothing_new:
        return "question"
    for e in m.emotions:
        if e not in m.reflected:
            return f"reflection_of_feelings:{e}"
    if m.problem and not m.restated:
        return f"restatement_or_paraphrasing:{m.problem}"
    if m.premature and m.comfort_since_premature < 2:
        if used("affirmation_and_reassurance", 0) < 2:
            return "affirmation_and_reassurance"
        if used("self_disclosure", 0) == 0:
            return "self_disclosure"
        return f"reflection_of_feelings:{m.emotions[0]}" if m.emotions else "reflection_of_feelings"
    if m.help is None and not m.nothing_new and m.questions_after_reveal < 3:
        return "question"
    if used("affirmation_and_reassurance", 0) == 0:
        return "affirmation_and_reassurance"
    if m.help is not None and m.suggested.get(m.help, 0) < 2 and m.help not in m.wrong_types:
        return f"providing_suggestions:{m.help}"
    if m.help is None:
        untried = [t for t in SUGGESTION_TYPES if t not in m.suggested]
        if m.suggested.get("generic", 0) == 0:
            return "providing_suggestions"
        if untried and not m.wrong_types:
            return f"providing_suggestions:{untried[0]}"
    if used("information", 0) < 2:
        return "information"
    if used("affirmation_and_reassurance", 0) < 2:
        return "affirmation_and_reassurance"
    if used("self_disclosure", 0) == 0:
        return "self_disclosure"
    if m.emotions:
        return f"reflection_of_feelings:{m.emotions[0]}"
    return "reflection_of_feelings"


class AdaptiveAgent(Agent):
    """Ask-then-adapt without the persona: asks until the seeker discloses the problem and the
    feeling, reflects exactly what was disclosed, asks what helps, then gives that kind of advice."""

    name = "adaptive"

    def act(self, observation: str, info: dict[str, Any]) -> str:
        return agent_utterance(adaptive_act(read_dialogue(info.get("messages", []))), self.rng)


# Mistakes a well-meaning but untrained helper makes: early advice, guessing feelings,
# hollow reassurance, talking about themselves.
_HUMAN_MOVES: list[tuple[str, float]] = [
    ("advice", 0.26),
    ("guess_feeling", 0.16),
    ("generic_reflection", 0.1),
    ("generic_restatement", 0.06),
    ("affirmation_and_reassurance", 0.14),
    ("question", 0.12),
    ("information", 0.08),
    ("self_disclosure", 0.05),
    ("others", 0.03),
]


class BehaviorAgent(Agent):
    """The human-like, suboptimal policy behind the offline data.

    Each turn, with probability :attr:`skill` it makes the ask-then-adapt move; otherwise a
    typical helper move drawn from :data:`_HUMAN_MOVES` (premature advice of a random kind,
    naming a guessed feeling, generic empathy, reassurance, a question, facts, a story about
    oneself). So episodes mix good stretches (explore, reflect, fitting advice) with the
    classic mistakes, which is what offline RL needs to stitch a better policy together.
    """

    name = "behavior"

    def __init__(self, env_id: str | None = None, seed: int | None = None, skill: float | str = 0.5) -> None:
        super().__init__(env_id, seed)
        #: probability of the ask-then-adapt move at each turn (``behavior?skill=0.3`` on the CLI)
        self.skill = float(skill)
        if not 0.0 <= self.skill <= 1.0:
            raise ValueError(f"skill={skill!r} must be a probability in [0, 1]")

    def act(self, observation: str, info: dict[str, Any]) -> str:
        memo = read_dialogue(info.get("messages", []))
        if self.rng.random() < self.skill:
            act = adaptive_act(memo)
        else:
            kinds = [k for k, _ in _HUMAN_MOVES]
            w = np.asarray([p for _, p in _HUMAN_MOVES])
            kind = kinds[int(self.rng.choice(len(kinds), p=w / w.sum()))]
            if kind == "advice":
                opts = ["providing_suggestions", *(f"providing_suggestions:{t}" for t in SUGGESTION_TYPES)]
                act = opts[int(self.rng.integers(len(opts)))]
            elif kind == "guess_feeling":
                act = f"reflection_of_feelings:{EMOTIONS[int(self.rng.integers(len(EMOTIONS)))]}"
            elif kind == "generic_reflection":
                act = "reflection_of_feelings"
            elif kind == "generic_restatement":
                act = "restatement_or_paraphrasing"
            else:
                act = kind
        return agent_utterance(act, self.rng)


class OracleAgent(Agent):
    """Persona-aware near-optimal policy (upper bound).

    Replays the transcript through a private scripted seeker built from ``info["persona"]`` to
    know the exact hidden state, then: reassures until the seeker is ready to talk, asks only
    as long as the problem and feelings are undisclosed, reflects exactly those, comforts until
    the seeker feels understood, then gives the kind of advice that helps this seeker (without
    having to ask), then information and reassurance.
    """

    name = "oracle"
    requires_privileged = True

    def act(self, observation: str, info: dict[str, Any]) -> str:
        persona = info.get("persona")
        if persona is None:
            raise ValueError("OracleAgent needs info['persona']; build the env with privileged=True")
        user = CounselingUser()
        user.reset(persona, np.random.default_rng(0))
        for msg in info.get("messages", []):
            if msg["role"] == "assistant":
                user.respond(msg["content"])
        return agent_utterance(oracle_act(user), self.rng)


def oracle_act(user: CounselingUser) -> str:
    """The oracle's move given the seeker's exact state."""
    s = user.state
    p = user.persona
    used = user.used
    pending = s.reveal_plan[s.n_revealed] if s.n_revealed < len(s.reveal_plan) else None
    if pending in ("problem", "emotion", "emotion2"):
        if s.trust < p["guard"] - 1e-9 and used("affirmation_and_reassurance") < 3:
            return "affirmation_and_reassurance"
        return "question"
    for e in s.revealed_emotions:
        if e not in s.reflected:
            return f"reflection_of_feelings:{e}"
    if not s.restated:
        return f"restatement_or_paraphrasing:{p['problem']}"
    if not user.feels_understood():
        if used("affirmation_and_reassurance") < 2:
            return "affirmation_and_reassurance"
        if used("self_disclosure") == 0 and s.understood >= 0.5:
            return "self_disclosure"
        if s.reflect_repeats <= s.restate_repeats:
            return f"reflection_of_feelings:{p['emotion']}"
        return f"restatement_or_paraphrasing:{p['problem']}"
    if s.right_suggestions < 2:
        return f"providing_suggestions:{p['helpful_suggestion']}"
    if used("information") < 2:
        return "information"
    if used("affirmation_and_reassurance") < 2:
        return "affirmation_and_reassurance"
    if used("self_disclosure") == 0:
        return "self_disclosure"
    if s.right_suggestions < 3:
        return f"providing_suggestions:{p['helpful_suggestion']}"
    return f"reflection_of_feelings:{p['emotion']}"


#: The best open-loop scripts found. Hill climbing (single-act changes, swaps and insertions,
#: 200 steps from each of several starts, 60 episodes per candidate, seed 0) on the train and
#: test splits found the first two; 200-episode means (train / test / hard):
#: ``explore_reflect_advise`` 1.55 / 0.23 / 0.00 (best on train),
#: ``steady_comfort`` 1.00 / 1.00 / 0.95 (best on test and hard: never advises, never names
#: a feeling, so it never backfires but never helps much either), against the adaptive agent's
#: 3.32 / 2.90 / 2.64. The hand-written ``explore_then_comfort`` scores 0.52 / -0.24 / 0.00.
FIXED_SCRIPTS: dict[str, list[str]] = {
    "explore_reflect_advise": [
        "reflection_of_feelings",
        "question",
        "restatement_or_paraphrasing",
        "affirmation_and_reassurance",
        "question",
        "self_disclosure",
        "question",
        "question",
        "providing_suggestions:talk_to_someone",
        "providing_suggestions",
        "affirmation_and_reassurance",
        "information",
    ],
    "steady_comfort": [
        "question",
        "restatement_or_paraphrasing",
        "restatement_or_paraphrasing",
        "reflection_of_feelings",
        "restatement_or_paraphrasing",
        "reflection_of_feelings",
        "others",
        "affirmation_and_reassurance",
        "affirmation_and_reassurance",
        "others",
        "affirmation_and_reassurance",
        "self_disclosure",
    ],
    "explore_then_comfort": [
        "question",
        "question",
        "reflection_of_feelings",
        "restatement_or_paraphrasing",
        "affirmation_and_reassurance",
        "question",
        "affirmation_and_reassurance",
        "providing_suggestions",
        "information",
        "self_disclosure",
        "providing_suggestions",
        "information",
    ],
}
