"""The latent help-seeker distribution of Counseling-v0 (train / test / hard splits).

The schema is :class:`CounselingPersona` (a frozen dataclass, checked on construction); a
persona travels as its plain dict (``to_dict``/``from_dict``):

=====================  ==================================================================
``type``               archetype label (snake_case, never said by the seeker)
``problem``            one of :data:`PROBLEMS` (ESConv problem types)
``emotion``            one of :data:`EMOTIONS` (ESConv emotion types)
``secondary_emotion``  a second emotion (mixed feelings) or None
``helpful_suggestion`` which kind of suggestion helps: talk_to_someone / practical_plan / self_care
``initial_intensity``  emotional intensity at the start, 1-5 (ESConv scale)
``openness``           questions needed before the first disclosure (1 = open, 3+ = guarded)
``guard``              trust needed to disclose anything (trust starts at 0.5; reassurance raises it)
``resilience``         multiplies every relief the seeker gets (0.5-1.5)
``advice_sensitivity`` multiplies the harm of advice given before the seeker feels understood
``understanding_needed`` how understood the seeker must feel before advice/information help
``patience``           how many annoyances (off-task, hollow or premature moves) before leaving
=====================  ==================================================================

Splits: ``train`` draws five everyday archetypes with typical emotion/help mixtures;
``test`` keeps the archetypes but shifts the mixtures (other emotions and kinds of help per
problem), widens the parameter ranges (more guarded, less resilient, milder starts);
``hard`` holds out difficult seekers: guarded people who open up only after several
questions and reassurance, mixed feelings that both need naming, and people easily
triggered by premature advice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from dialgym.core.task import Persona, validate_persona_dict
from dialgym.tasks.counseling.language import EMOTIONS, PROBLEMS, SUGGESTION_TYPES

KEYS: tuple[str, ...] = (
    "type",
    "problem",
    "emotion",
    "secondary_emotion",
    "helpful_suggestion",
    "initial_intensity",
    "openness",
    "guard",
    "resilience",
    "advice_sensitivity",
    "understanding_needed",
    "patience",
)

# archetype -> (problem, emotion weights, help weights [talk, plan, self_care])
_TRAIN: dict[str, tuple[str, dict[str, float], tuple[float, float, float]]] = {
    "stressed_student": (
        "academic_pressure",
        {"anxiety": 0.35, "fear": 0.2, "shame": 0.25, "depression": 0.2},
        (0.2, 0.5, 0.3),
    ),
    "laid_off_worker": (
        "job_crisis",
        {"anxiety": 0.3, "fear": 0.25, "shame": 0.25, "anger": 0.2},
        (0.3, 0.5, 0.2),
    ),
    "heartbroken_partner": (
        "breakup_with_partner",
        {"sadness": 0.4, "anger": 0.25, "depression": 0.15, "shame": 0.1, "disgust": 0.1},
        (0.5, 0.2, 0.3),
    ),
    "excluded_friend": (
        "problems_with_friends",
        {"sadness": 0.35, "anger": 0.3, "disgust": 0.2, "shame": 0.15},
        (0.4, 0.3, 0.3),
    ),
    "chronically_low": (
        "ongoing_depression",
        {"depression": 0.5, "sadness": 0.25, "shame": 0.15, "anxiety": 0.1},
        (0.35, 0.15, 0.5),
    ),
}

# held-out mixtures for the test split: same kinds of people, other emotions and needs
_TEST: dict[str, tuple[str, dict[str, float], tuple[float, float, float]]] = {
    "stressed_student": (
        "academic_pressure",
        {"anxiety": 0.2, "sadness": 0.25, "anger": 0.2, "disgust": 0.1, "fear": 0.25},
        (0.5, 0.2, 0.3),
    ),
    "laid_off_worker": (
        "job_crisis",
        {"sadness": 0.3, "depression": 0.25, "disgust": 0.15, "anxiety": 0.3},
        (0.2, 0.3, 0.5),
    ),
    "heartbroken_partner": (
        "breakup_with_partner",
        {"anxiety": 0.2, "fear": 0.2, "shame": 0.3, "sadness": 0.3},
        (0.3, 0.4, 0.3),
    ),
    "excluded_friend": (
        "problems_with_friends",
        {"anxiety": 0.3, "depression": 0.2, "fear": 0.2, "anger": 0.3},
        (0.3, 0.4, 0.3),
    ),
    "chronically_low": (
        "ongoing_depression",
        {"anxiety": 0.3, "anger": 0.2, "fear": 0.2, "depression": 0.3},
        (0.5, 0.3, 0.2),
    ),
}

HARD_TYPES: tuple[str, ...] = ("guarded_seeker", "mixed_feelings", "advice_averse")
#: the trust every seeker starts with (see user.START_TRUST)
START_TRUST_FOR_CARD = 0.5


def _choice(rng: np.random.Generator, options: list[Any] | tuple[Any, ...], p: list[float] | None = None) -> Any:
    return options[int(rng.choice(len(options), p=p))]


def _weighted(rng: np.random.Generator, weights: dict[str, float]) -> str:
    names = list(weights)
    w = np.asarray([weights[n] for n in names], dtype=float)
    return names[int(rng.choice(len(names), p=w / w.sum()))]


def _everyday(split: str, rng: np.random.Generator) -> dict[str, Any]:
    table = _TRAIN if split == "train" else _TEST
    label = _choice(rng, list(table))
    problem, emotions, helps = table[label]
    emotion = _weighted(rng, emotions)
    helpful = SUGGESTION_TYPES[int(rng.choice(3, p=np.asarray(helps) / sum(helps)))]
    if split == "train":
        return {
            "type": label,
            "problem": problem,
            "emotion": emotion,
            "secondary_emotion": None,
            "helpful_suggestion": helpful,
            "initial_intensity": int(_choice(rng, [4, 5])),
            "openness": int(_choice(rng, [1, 2], [0.6, 0.4])),
            "guard": float(_choice(rng, [0.3, 0.7], [0.75, 0.25])),
            "resilience": round(float(rng.uniform(0.8, 1.2)), 3),
            "advice_sensitivity": round(float(rng.uniform(0.8, 1.5)), 3),
            "understanding_needed": 1.0,
            "patience": int(rng.integers(4, 7)),
        }
    return {
        "type": label,
        "problem": problem,
        "emotion": emotion,
        "secondary_emotion": None,
        "helpful_suggestion": helpful,
        "initial_intensity": int(_choice(rng, [3, 4, 5], [0.2, 0.4, 0.4])),
        "openness": int(_choice(rng, [1, 2, 3], [0.4, 0.4, 0.2])),
        "guard": float(_choice(rng, [0.3, 0.7], [0.6, 0.4])),
        "resilience": round(float(rng.uniform(0.7, 1.1)), 3),
        "advice_sensitivity": round(float(rng.uniform(1.0, 1.8)), 3),
        "understanding_needed": float(_choice(rng, [1.0, 1.1])),
        "patience": int(rng.integers(3, 7)),
    }


def _hard(rng: np.random.Generator) -> dict[str, Any]:
    label = _choice(rng, HARD_TYPES)
    problem = _choice(rng, PROBLEMS)
    emotion = _choice(rng, EMOTIONS)
    others = [e for e in EMOTIONS if e != emotion]
    persona = {
        "type": label,
        "problem": problem,
        "emotion": emotion,
        "secondary_emotion": None,
        "helpful_suggestion": _choice(rng, SUGGESTION_TYPES),
        "initial_intensity": 5,
        "openness": int(_choice(rng, [2, 3])),
        "guard": float(_choice(rng, [0.3, 0.7])),
        "resilience": round(float(rng.uniform(0.6, 1.0)), 3),
        "advice_sensitivity": round(float(rng.uniform(1.5, 2.5)), 3),
        "understanding_needed": 1.2,
        "patience": int(rng.integers(3, 6)),
    }
    if label == "guarded_seeker":
        persona["openness"] = int(_choice(rng, [3, 4]))
        persona["guard"] = 0.9
    elif label == "mixed_feelings":
        persona["secondary_emotion"] = _choice(rng, others)
        persona["understanding_needed"] = 1.5
    else:  # advice_averse
        persona["advice_sensitivity"] = round(float(rng.uniform(2.5, 3.5)), 3)
        persona["understanding_needed"] = 1.4
        persona["patience"] = 3
    return persona


def sample_persona(split: str, rng: np.random.Generator) -> dict[str, Any]:
    """Draw a persona of ``split`` (``"train"``, ``"test"`` or ``"hard"``) with ``rng``."""
    if split in ("train", "test"):
        return _everyday(split, rng)
    if split == "hard":
        return _hard(rng)
    raise ValueError(f"unknown persona split {split!r}; expected 'train', 'test' or 'hard'")


@dataclass(frozen=True)
class CounselingPersona(Persona):
    """A Counseling-v0 help-seeker (the env's hidden starting state); the fields are the table above.

    Attributes:
        type: archetype label (snake_case, never said by the seeker).
        problem: one of :data:`PROBLEMS`.
        emotion: one of :data:`EMOTIONS`.
        secondary_emotion: a second emotion other than ``emotion``, or None.
        helpful_suggestion: which kind of suggestion helps, one of :data:`SUGGESTION_TYPES`.
        initial_intensity: emotional intensity at the start, an integer in [1, 5].
        openness: questions needed before the first disclosure, an integer in [1, 10].
        guard: trust needed to disclose anything, in [0, 1.5].
        resilience: multiplies every relief, in [0.1, 3].
        advice_sensitivity: multiplies the harm of premature advice, in [0, 5].
        understanding_needed: how understood the seeker must feel before advice helps, in [0, 5].
        patience: annoyances before leaving, an integer in [1, 20].
    """

    type: str
    problem: str
    emotion: str
    secondary_emotion: str | None
    helpful_suggestion: str
    initial_intensity: int
    openness: int
    guard: float
    resilience: float
    advice_sensitivity: float
    understanding_needed: float
    patience: int

    def __post_init__(self) -> None:
        def bad(key: str, expected: str) -> ValueError:
            return ValueError(f"persona[{key!r}] = {getattr(self, key)!r} is invalid: expected {expected}")

        if not isinstance(self.type, str) or "_" not in self.type:
            raise bad("type", "a snake_case label with an underscore")
        if self.problem not in PROBLEMS:
            raise bad("problem", f"one of {list(PROBLEMS)}")
        if self.emotion not in EMOTIONS:
            raise bad("emotion", f"one of {list(EMOTIONS)}")
        sec = self.secondary_emotion
        if sec is not None and (sec not in EMOTIONS or sec == self.emotion):
            raise bad("secondary_emotion", f"None or one of {list(EMOTIONS)} other than the main emotion")
        if self.helpful_suggestion not in SUGGESTION_TYPES:
            raise bad("helpful_suggestion", f"one of {list(SUGGESTION_TYPES)}")
        for key, lo, hi in (("initial_intensity", 1, 5), ("openness", 1, 10), ("patience", 1, 20)):
            v = getattr(self, key)
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not lo <= v <= hi:
                raise bad(key, f"an integer in [{lo}, {hi}]")
        for key, flo, fhi in (
            ("guard", 0.0, 1.5),
            ("resilience", 0.1, 3.0),
            ("advice_sensitivity", 0.0, 5.0),
            ("understanding_needed", 0.0, 5.0),
        ):
            v = getattr(self, key)
            if isinstance(v, bool) or not isinstance(v, (int, float, np.floating, np.integer)) or not flo <= v <= fhi:
                raise bad(key, f"a number in [{flo}, {fhi}]")


def validate_persona(persona: Any) -> dict[str, Any]:
    """Check a persona (dict or :class:`CounselingPersona`) and return its dict (a given dict unchanged).

    A thin wrapper kept for the env and external callers; :class:`CounselingPersona` holds the rules.
    """
    return validate_persona_dict(CounselingPersona, persona)


_HELP_WORDS = {
    "talk_to_someone": "talking things through with someone they trust",
    "practical_plan": "a concrete, practical plan of next steps",
    "self_care": "looking after themselves (sleep, food, rest, fresh air)",
}


def persona_card(persona: dict[str, Any] | CounselingPersona) -> str:
    """The persona in plain words, for an LLM playing the help-seeker."""
    p = persona if isinstance(persona, CounselingPersona) else CounselingPersona.from_dict(persona)
    feelings = p.emotion + (f" and {p.secondary_emotion}" if p.secondary_emotion else "")
    guarded = (
        "You are guarded: you open up only after several gentle questions and some reassurance."
        if p.openness >= 3 or p.guard > START_TRUST_FOR_CARD
        else "You open up fairly easily when asked."
    )
    touchy = (
        "Advice before you feel understood makes you feel much worse."
        if p.advice_sensitivity >= 1.5
        else "Advice before you feel understood annoys you."
    )
    return (
        f"You are a help-seeker in an emotional-support chat. Your problem: {p.problem.replace('_', ' ')}. "
        f"You feel {feelings}; your emotional intensity is {p.initial_intensity} on a 1-5 scale. "
        f"{guarded} Reveal your problem, then your feelings, then what helps you, one thing at a time and "
        f"only when asked. {touchy} What actually helps you is {_HELP_WORDS[p.helpful_suggestion]}. "
        f"You have {'little' if p.patience <= 3 else 'some'} patience for off-topic or repetitive replies. "
        "Never name these instructions."
    )
