"""The latent persona distribution of Persuasion-v0.

The schema is :class:`PersuasionPersona` (a frozen dataclass, checked on construction); a
persona travels as its plain dict (``to_dict``/``from_dict``)::

    {"type": "caring_parent",        # label for grouping results; never said by the user
     "moved_by": "emotion",          # which appeals move this person: emotion | logic | credibility | social
     "inclination": 0.22,            # prior willingness to donate, in [0, 1]
     "knows_charity": False,         # already knows what Save the Children does
     "budget": "tight",              # tight | moderate | comfortable (budget sensitivity)
     "patience": 8,                  # agent turns the person will stay for (bad moves cost extra)
     "openness": 0.7}                # chance that a personal question gets a real answer

Who moves whom:

* ``emotion`` (a parent): emotional appeals and personal stories; numbers leave them cold;
* ``logic`` (an analyst): logical appeals and facts about the donation; sob stories annoy them;
* ``credibility`` (a skeptic): only credibility, and only after they voiced their worry about
  where the money goes (ask them what they think of charities or of Save the Children, or push
  them and they say it); guilt trips and "everyone gives" backfire;
* ``social`` (a team player): self-modeling (the persuader gives too), then softer appeals.

Budget sensitivity: for a ``tight`` budget, foot-in-the-door ("even a few cents helps")
is what makes a gift possible; for a ``comfortable`` one it anchors the gift low.

Splits: ``train`` and ``test`` hold the same kinds of people in different mixtures and
parameter ranges (``test`` is somewhat more skeptical, more impatient and more closed);
``hard`` holds unusual, difficult people never seen in training: guarded skeptics who
barely talk about themselves, hard-up parents with little time, impatient analysts who
know nothing about the charity, and very private team players.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from dialgym.core.task import Persona, validate_persona_dict

MOVED_BY: tuple[str, ...] = ("emotion", "logic", "credibility", "social")
BUDGETS: tuple[str, ...] = ("tight", "moderate", "comfortable")
#: the most a person would give (dollars), by budget
BUDGET_CAP: dict[str, float] = {"tight": 0.8, "moderate": 1.4, "comfortable": 2.0}

TYPE_OF: dict[str, str] = {
    "emotion": "caring_parent",
    "logic": "data_analyst",
    "credibility": "wary_skeptic",
    "social": "team_player",
}

PERSONA_KEYS: tuple[str, ...] = (
    "type",
    "moved_by",
    "inclination",
    "knows_charity",
    "budget",
    "patience",
    "openness",
)

# split -> (moved_by weights, budget weights, P(knows), inclination range, patience range, openness range)
_SPLITS: dict[str, dict[str, Any]] = {
    "train": {
        "moved_by": (0.3, 0.3, 0.2, 0.2),
        "budget": (0.3, 0.4, 0.3),
        "knows": 0.5,
        "inclination": (0.05, 0.35),
        "patience": (6, 10),
        "openness": (0.55, 0.95),
    },
    "test": {
        "moved_by": (0.2, 0.25, 0.3, 0.25),
        "budget": (0.35, 0.3, 0.35),
        "knows": 0.4,
        "inclination": (0.1, 0.4),
        "patience": (5, 9),
        "openness": (0.45, 0.9),
    },
}

# hard split: type -> fixed/ranged parameters
_HARD: dict[str, dict[str, Any]] = {
    "guarded_skeptic": {
        "moved_by": "credibility",
        "budget": ("tight", "moderate", "comfortable"),
        "knows": 0.5,
        "inclination": (0.0, 0.15),
        "patience": (5, 7),
        "openness": (0.05, 0.2),
    },
    "hardup_parent": {
        "moved_by": "emotion",
        "budget": ("tight",),
        "knows": 0.3,
        "inclination": (0.05, 0.25),
        "patience": (4, 6),
        "openness": (0.3, 0.6),
    },
    "impatient_analyst": {
        "moved_by": "logic",
        "budget": ("moderate", "comfortable"),
        "knows": 0.0,
        "inclination": (0.05, 0.25),
        "patience": (4, 5),
        "openness": (0.4, 0.8),
    },
    "private_follower": {
        "moved_by": "social",
        "budget": ("tight", "moderate", "comfortable"),
        "knows": 0.5,
        "inclination": (0.0, 0.2),
        "patience": (5, 7),
        "openness": (0.05, 0.2),
    },
}
_HARD_TYPES: tuple[str, ...] = tuple(_HARD)


def _pick(rng: np.random.Generator, weights: tuple[float, ...]) -> int:
    """Index drawn with probabilities ``weights`` (one uniform draw; faster than ``rng.choice``)."""
    u = float(rng.random()) * sum(weights)
    acc = 0.0
    for i, w in enumerate(weights):
        acc += w
        if u < acc:
            return i
    return len(weights) - 1


def _uniform(rng: np.random.Generator, lo_hi: tuple[float, float]) -> float:
    return round(float(rng.uniform(lo_hi[0], lo_hi[1])), 3)


def sample_persona(split: str, rng: np.random.Generator) -> dict[str, Any]:
    """Draw one persona from ``split`` (``train``, ``test`` or ``hard``) using only ``rng``."""
    if split == "hard":
        kind = _HARD_TYPES[int(rng.integers(len(_HARD_TYPES)))]
        spec = _HARD[kind]
        budgets = spec["budget"]
        return {
            "type": kind,
            "moved_by": spec["moved_by"],
            "inclination": _uniform(rng, spec["inclination"]),
            "knows_charity": bool(rng.random() < spec["knows"]),
            "budget": budgets[int(rng.integers(len(budgets)))],
            "patience": int(rng.integers(spec["patience"][0], spec["patience"][1] + 1)),
            "openness": _uniform(rng, spec["openness"]),
        }
    try:
        spec = _SPLITS[split]
    except KeyError:
        raise ValueError(f"unknown persona split {split!r}; expected 'train', 'test' or 'hard'") from None
    moved_by = MOVED_BY[_pick(rng, spec["moved_by"])]
    return {
        "type": TYPE_OF[moved_by],
        "moved_by": moved_by,
        "inclination": _uniform(rng, spec["inclination"]),
        "knows_charity": bool(rng.random() < spec["knows"]),
        "budget": BUDGETS[_pick(rng, spec["budget"])],
        "patience": int(rng.integers(spec["patience"][0], spec["patience"][1] + 1)),
        "openness": _uniform(rng, spec["openness"]),
    }


@dataclass(frozen=True)
class PersuasionPersona(Persona):
    """A Persuasion-v0 persuadee (the env's hidden starting state).

    Attributes:
        type: snake_case label for grouping results (``"caring_parent"``); never said by the user.
        moved_by: which appeals move this person, one of :data:`MOVED_BY`.
        inclination: prior willingness to donate, in [0, 1].
        knows_charity: already knows what Save the Children does.
        budget: budget sensitivity, one of :data:`BUDGETS`.
        patience: agent turns the person will stay for, an integer in [1, 50].
        openness: chance that a personal question gets a real answer, in [0, 1].
    """

    type: str
    moved_by: str
    inclination: float
    knows_charity: bool
    budget: str
    patience: int
    openness: float

    def __post_init__(self) -> None:
        ptype = self.type
        if not isinstance(ptype, str) or "_" not in ptype or not ptype.replace("_", "").isalpha():
            raise ValueError(f"persona['type']={ptype!r} must be a snake_case label such as 'caring_parent'")
        if self.moved_by not in MOVED_BY:
            raise ValueError(f"persona['moved_by']={self.moved_by!r} must be one of {list(MOVED_BY)}")
        if self.budget not in BUDGETS:
            raise ValueError(f"persona['budget']={self.budget!r} must be one of {list(BUDGETS)}")
        if not isinstance(self.knows_charity, bool):
            raise ValueError(f"persona['knows_charity']={self.knows_charity!r} must be a bool")
        for key in ("inclination", "openness"):
            v = getattr(self, key)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0.0 <= float(v) <= 1.0:
                raise ValueError(f"persona[{key!r}]={v!r} must be a number in [0, 1]")
        p = self.patience
        if isinstance(p, bool) or not isinstance(p, (int, np.integer)) or not 1 <= int(p) <= 50:
            raise ValueError(f"persona['patience']={p!r} must be an integer in [1, 50]")


def validate_persona(persona: Any) -> dict[str, Any]:
    """Check a persona (dict or :class:`PersuasionPersona`) and return its dict (a given dict unchanged).

    A thin wrapper kept for the env and external callers; :class:`PersuasionPersona` holds the rules.
    """
    return validate_persona_dict(PersuasionPersona, persona)


_MOVED_WORDS = {
    "emotion": "You are a caring parent. Emotional appeals and personal stories about children move you; "
    "dry numbers leave you cold.",
    "logic": "You are analytical. Logical arguments, evidence and concrete facts about the donation move you; "
    "sob stories annoy you.",
    "credibility": "You are a skeptic who worries that charities waste money on overhead. Only evidence that "
    "the charity is trustworthy moves you, and only once you have voiced that worry; guilt trips and "
    "'everyone gives' arguments annoy you.",
    "social": "You follow the people around you: hearing that the persuader or others give makes you want to "
    "join; abstract arguments leave you cold.",
}
_BUDGET_WORDS = {
    "tight": "Money is tight: you can spare very little, and only an appeal that small amounts help makes "
    "you comfortable giving.",
    "moderate": "You are fine with money but careful.",
    "comfortable": "Money is no issue for you; if told that a few cents is enough, you give only a few cents.",
}


def persona_card(persona: dict[str, Any] | PersuasionPersona) -> str:
    """The persona in words: what an LLM-simulated user is told to play."""
    p = persona if isinstance(persona, PersuasionPersona) else PersuasionPersona.from_dict(persona)
    incl = p.inclination
    lean = "rather inclined" if incl >= 0.3 else "somewhat reluctant" if incl >= 0.15 else "very reluctant"
    opn = p.openness
    talk = (
        "You talk freely about yourself."
        if opn >= 0.7
        else "You are a bit reserved about personal questions."
        if opn >= 0.35
        else "You are very private and rarely answer personal questions."
    )
    knows = (
        "You already know Save the Children (they help children worldwide)."
        if p.knows_charity
        else "You have never heard of Save the Children."
    )
    patience = p.patience
    return (
        "You are a crowd worker who was just paid $2 for a task. Someone will try to persuade you to donate "
        "part of it to Save the Children. "
        f"You are {lean} to donate. {_MOVED_WORDS[p.moved_by]} {_BUDGET_WORDS[p.budget]} {knows} "
        f"{talk} You will stay for about {patience} exchanges; repetition, pushy early requests and "
        "arguments that do not suit you make you lose patience sooner. Reveal things about yourself only "
        "when asked, one at a time, in your own words. When asked to donate, either name an amount between "
        "$0 and $2, refuse, or say you need more convincing."
    )
