"""The latent learner distribution of Instruction-v0.

The schema is :class:`InstructionPersona` (a frozen dataclass, checked on construction); a
persona travels as its plain dict (``to_dict``/``from_dict``)::

    {"type": "curious_beginner",        # label, never said by the learner
     "concept": "recursion",            # what they want to learn (said in the opening)
     "level": "novice",                 # true knowledge: novice | intermediate | advanced
     "claimed_level": "novice",         # what they say when asked (higher when overconfident)
     "style": "examples",               # what explanation works: examples | analogies | formal
     "claimed_style": "examples",       # optional (default: style): what they say works, or "unsure"
     "overconfident": False,            # claims more than they know until a quiz shows the gap
     "patience": 4.5}                   # how much confusion, boredom and waffle they tolerate

Splits:

* ``train``: beginners, returning students and advanced students with the usual style mixtures
  (beginners rarely want formal definitions, advanced students rarely want plain examples) and
  patience in [3, 6];
* ``test``: the same kinds of people with other mixtures (formal-minded beginners, example-loving
  experts), somewhat less patience, [2.5, 5.5], and more learners who misjudge how they learn
  (``MISJUDGED_STYLE``: 0.1 train, 0.25 test, 0.25 hard);
* ``hard``: overconfident learners (novices or intermediates who claim to be advanced, pretend to
  follow explanations that are over their head, and leave early believing they understood unless
  a quiz shows them the gap) and impatient experts (patience in [1.5, 2.5]).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from dialgym.core.task import Persona, validate_persona_dict
from dialgym.tasks.instruction.language import CONCEPTS

LEVEL_NAMES: tuple[str, ...] = ("novice", "intermediate", "advanced")
STYLE_NAMES: tuple[str, ...] = ("examples", "analogies", "formal")
CONCEPT_KEYS: tuple[str, ...] = tuple(CONCEPTS)

# type -> (level, style probabilities over STYLE_NAMES, patience range)
_TRAIN: dict[str, tuple[str, tuple[float, float, float], tuple[float, float]]] = {
    "curious_beginner": ("novice", (0.5, 0.4, 0.1), (3.0, 6.0)),
    "returning_student": ("intermediate", (0.34, 0.33, 0.33), (3.0, 6.0)),
    "advanced_student": ("advanced", (0.15, 0.35, 0.5), (3.0, 6.0)),
}
_TRAIN_WEIGHTS = (0.34, 0.33, 0.33)

_TEST: dict[str, tuple[str, tuple[float, float, float], tuple[float, float]]] = {
    "curious_beginner": ("novice", (0.3, 0.3, 0.4), (2.5, 5.5)),
    "returning_student": ("intermediate", (0.45, 0.1, 0.45), (2.5, 5.5)),
    "advanced_student": ("advanced", (0.45, 0.3, 0.25), (2.5, 5.5)),
}
_TEST_WEIGHTS = (0.4, 0.25, 0.35)

SPLITS: tuple[str, ...] = ("train", "test", "hard")
#: what a learner may say when asked how they learn best: a style, or that they do not know
CLAIMED_STYLES: tuple[str, ...] = (*STYLE_NAMES, "unsure")
#: share of learners per split whose self-report of how they learn is wrong or missing (many people
#: cannot tell what kind of explanation works for them; their stated "learning style" often does not
#: match what helps them)
MISJUDGED_STYLE: dict[str, float] = {"train": 0.1, "test": 0.25, "hard": 0.25}


def _claimed_style(style: str, split: str, rng: np.random.Generator) -> str:
    """What the learner says about how they learn: right, or (for some) another style or "unsure"."""
    if rng.random() >= MISJUDGED_STYLE[split]:
        return style
    others = [c for c in CLAIMED_STYLES if c != style]
    return others[int(rng.integers(len(others)))]


PERSONA_TYPES: tuple[str, ...] = (
    "curious_beginner",
    "returning_student",
    "advanced_student",
    "overconfident_learner",
    "impatient_expert",
)


def _choice(rng: np.random.Generator, options: tuple[str, ...], p: tuple[float, ...]) -> str:
    probs = np.asarray(p, dtype=float)
    return options[int(rng.choice(len(options), p=probs / probs.sum()))]


def sample_persona(split: str, rng: np.random.Generator) -> dict[str, Any]:
    """Draw one learner from ``split`` using only ``rng``."""
    concept = CONCEPT_KEYS[int(rng.integers(len(CONCEPT_KEYS)))]
    if split in ("train", "test"):
        table, weights = (_TRAIN, _TRAIN_WEIGHTS) if split == "train" else (_TEST, _TEST_WEIGHTS)
        kinds = tuple(table)
        kind = _choice(rng, kinds, weights)
        level, style_p, (lo, hi) = table[kind]
        style = _choice(rng, STYLE_NAMES, style_p)
        patience = float(rng.uniform(lo, hi))
        return {
            "type": kind,
            "concept": concept,
            "level": level,
            "claimed_level": level,
            "style": style,
            "overconfident": False,
            "patience": round(patience, 2),
            "claimed_style": _claimed_style(style, split, rng),
        }
    if split == "hard":
        if rng.random() < 0.7:
            level = _choice(rng, ("novice", "intermediate"), (0.5, 0.5))
            style = _choice(rng, STYLE_NAMES, (1 / 3, 1 / 3, 1 / 3))
            return {
                "type": "overconfident_learner",
                "concept": concept,
                "level": level,
                "claimed_level": "advanced",
                "style": style,
                "overconfident": True,
                "patience": round(float(rng.uniform(3.0, 5.0)), 2),
                "claimed_style": _claimed_style(style, split, rng),
            }
        style = _choice(rng, STYLE_NAMES, (1 / 3, 1 / 3, 1 / 3))
        return {
            "type": "impatient_expert",
            "concept": concept,
            "level": "advanced",
            "claimed_level": "advanced",
            "style": style,
            "overconfident": False,
            "patience": round(float(rng.uniform(1.5, 2.5)), 2),
            "claimed_style": _claimed_style(style, split, rng),
        }
    raise ValueError(f"unknown persona split {split!r}; expected one of {list(SPLITS)}")


@dataclass(frozen=True)
class InstructionPersona(Persona):
    """An Instruction-v0 learner (the env's hidden starting state).

    Attributes:
        type: label (snake_case), never said by the learner.
        concept: what they want to learn, one of :data:`CONCEPT_KEYS` (said in the opening).
        level: true knowledge, one of :data:`LEVEL_NAMES`.
        claimed_level: what they say when asked: ``level``, or higher when ``overconfident``.
        style: what explanation works, one of :data:`STYLE_NAMES`.
        overconfident: claims more than they know until a quiz shows the gap.
        patience: how much confusion, boredom and waffle they tolerate, a number in (0, 20].
        claimed_style: optional (absent = ``style``): what they say works, one of :data:`CLAIMED_STYLES`.
    """

    optional_keys = ("claimed_style",)

    type: str
    concept: str
    level: str
    claimed_level: str
    style: str
    overconfident: bool
    patience: float
    claimed_style: str | None = None

    def __post_init__(self) -> None:
        t = self.type
        if not isinstance(t, str) or "_" not in t:
            raise ValueError(f"persona['type']={t!r} must be a snake_case label with an underscore")
        if self.concept not in CONCEPT_KEYS:
            raise ValueError(f"persona['concept']={self.concept!r} must be one of {list(CONCEPT_KEYS)}")
        for key in ("level", "claimed_level"):
            if getattr(self, key) not in LEVEL_NAMES:
                raise ValueError(f"persona[{key!r}]={getattr(self, key)!r} must be one of {list(LEVEL_NAMES)}")
        if self.style not in STYLE_NAMES:
            raise ValueError(f"persona['style']={self.style!r} must be one of {list(STYLE_NAMES)}")
        if self.claimed_style is not None and self.claimed_style not in CLAIMED_STYLES:
            raise ValueError(f"persona['claimed_style']={self.claimed_style!r} must be one of {list(CLAIMED_STYLES)}")
        if not isinstance(self.overconfident, bool):
            raise ValueError(f"persona['overconfident']={self.overconfident!r} must be a bool")
        p = self.patience
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not (0.0 < float(p) <= 20.0):
            raise ValueError(f"persona['patience']={p!r} must be a number in (0, 20]")
        true_i = LEVEL_NAMES.index(self.level)
        claim_i = LEVEL_NAMES.index(self.claimed_level)
        if self.overconfident and claim_i <= true_i:
            raise ValueError(
                f"persona['claimed_level']={self.claimed_level!r} must be above "
                f"persona['level']={self.level!r} for an overconfident learner"
            )
        if not self.overconfident and claim_i != true_i:
            raise ValueError(
                f"persona['claimed_level']={self.claimed_level!r} must equal "
                f"persona['level']={self.level!r} unless persona['overconfident'] is True"
            )

    @property
    def stated_style(self) -> str:
        """What the learner says works when asked: ``claimed_style``, or ``style`` when absent."""
        return self.style if self.claimed_style is None else self.claimed_style


def validate_persona(persona: Any) -> dict[str, Any]:
    """Check a persona (dict or :class:`InstructionPersona`) and return its dict (a given dict unchanged).

    A thin wrapper kept for the env and external callers; :class:`InstructionPersona` holds the rules.
    """
    return validate_persona_dict(InstructionPersona, persona)


def persona_card(persona: dict[str, Any] | InstructionPersona) -> str:
    """The learner in words (the brief an LLM user plays from)."""
    p = persona if isinstance(persona, InstructionPersona) else InstructionPersona.from_dict(persona)
    topic = CONCEPTS[p.concept]
    knows = {
        "novice": f"You know almost nothing about {topic}; you have only heard the word.",
        "intermediate": f"You know the basic idea of {topic} but are fuzzy on the details.",
        "advanced": f"You already know {topic} well and want the finer points.",
    }[p.level]
    style = {
        "examples": "You learn best from concrete, worked examples; abstract definitions lose you.",
        "analogies": "You learn best from analogies to everyday things; bare formulas do little for you.",
        "formal": "You learn best from precise definitions and formulas; loose stories bore you.",
    }[p.style]
    patience = p.patience
    mood = (
        "You are patient."
        if patience >= 4.5
        else "You are fairly patient."
        if patience >= 3
        else "You are impatient and leave quickly when the teaching is off."
    )
    lines = [
        f"You are a learner who wants to understand {topic}. Open by asking about it.",
        knows,
        style,
        mood,
        "Explanations far above your level confuse you; ones far below it bore you.",
        "Reveal what you know or how you like to learn only when asked, in your own words, one thing at a time.",
        "End the conversation when you feel you understand, or give up if the teaching keeps missing.",
    ]
    claimed = p.stated_style
    if claimed != p.style:
        lines.insert(
            3,
            "But you do not know that about yourself: asked how you learn best, you say you are not sure."
            if claimed == "unsure"
            else "But you do not know that about yourself: asked how you learn best, you say "
            + {"examples": "worked examples", "analogies": "analogies", "formal": "precise definitions"}[claimed]
            + " work for you.",
        )
    if p.overconfident:
        lines.insert(
            2,
            f"But you believe you know {topic} well: when asked, you claim to be "
            f"{p.claimed_level}, you pretend to follow explanations that are over your head, "
            "and you only admit the gap after failing a quiz question.",
        )
    return " ".join(lines)
