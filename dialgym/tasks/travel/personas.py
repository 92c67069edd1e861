"""The latent persona distribution of TravelAgent-v0.

The schema is :class:`TravelPersona` (a frozen dataclass, checked on construction); a
persona travels as its plain JSON dict (``to_dict``/``from_dict``)::

    {"type": "family_traveler",            # label, never said by the user
     "weights": {"culture": 0.5, ...},     # interest weights over DIMS, sum to 1
     "primary": "culture", "secondary": "nature",
     "budget": 2,                          # highest acceptable cost level 0..3
     "dealbreakers": ["kid_friendly"],     # subset of DEALBREAKERS, most important first
     "patience": 4.0,                      # rejections / wasted turns tolerated
     "pickiness": 0.1,                     # accept if utility >= best - pickiness
     "indecisive": False,                  # vague answers to open questions
     "unspoken": []}                       # optional: dealbreakers not mentioned when asked

Splits: ``train`` and ``test`` hold the same kinds of travellers with different
mixtures and parameter ranges (test: flatter interest weights, other secondary
interests, other budget/dealbreaker mixes, a quarter indecisive, more unspoken dealbreakers);
``hard`` holds indecisive travellers who
only reveal their taste through concrete comparisons, with tight budgets and several
dealbreakers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from dialgym.core.task import Persona, validate_persona_dict
from dialgym.tasks.travel.catalog import DEALBREAKERS, DIMS

# type -> (primary choices, secondary choices, budget choices, dealbreaker probabilities)
_TRAIN_TYPES: dict[str, dict[str, Any]] = {
    "culture_buff": {
        "primary": ["culture"],
        "secondary": ["food", "relaxation", "nature"],
        "budget": [1, 2, 3],
        "db": {"no_physical": 0.3, "no_water": 0.2},
    },
    "food_lover": {
        "primary": ["food"],
        "secondary": ["culture", "relaxation", "nightlife"],
        "budget": [1, 2, 3],
        "db": {"no_alcohol": 0.3, "no_physical": 0.2},
    },
    "outdoor_adventurer": {
        "primary": ["adventure", "nature"],
        "secondary": ["nature", "adventure", "culture"],
        "budget": [1, 2, 3],
        "db": {"no_water": 0.25},
    },
    "beach_relaxer": {
        "primary": ["relaxation"],
        "secondary": ["nature", "food", "culture"],
        "budget": [0, 1, 2, 3],
        "db": {"no_physical": 0.45, "no_water": 0.2},
    },
    "night_owl": {
        "primary": ["nightlife"],
        "secondary": ["food", "culture"],
        "budget": [1, 2],
        "db": {"no_physical": 0.2},
    },
    "family_traveler": {
        "primary": ["culture", "nature", "adventure", "food"],
        "secondary": ["relaxation", "nature", "food", "culture"],
        "budget": [1, 2, 3],
        "db": {"kid_friendly": 1.0, "no_alcohol": 0.5, "no_water": 0.2},
    },
    "budget_backpacker": {
        "primary": ["adventure", "nature", "culture", "food"],
        "secondary": ["nightlife", "culture", "nature", "food"],
        "budget": [0, 1],
        "db": {"no_alcohol": 0.15},
    },
}

_TEST_TYPES: dict[str, dict[str, Any]] = {
    "culture_buff": {
        "primary": ["culture"],
        "secondary": ["nightlife", "adventure", "food"],
        "budget": [0, 1, 2],
        "db": {"no_physical": 0.4, "no_alcohol": 0.2},
    },
    "food_lover": {
        "primary": ["food"],
        "secondary": ["nature", "culture", "adventure"],
        "budget": [0, 1, 2],
        "db": {"no_alcohol": 0.5},
    },
    "outdoor_adventurer": {
        "primary": ["nature", "adventure"],
        "secondary": ["relaxation", "food", "nature"],
        "budget": [0, 2, 3],
        "db": {"no_water": 0.4, "no_alcohol": 0.2},
    },
    "beach_relaxer": {
        "primary": ["relaxation"],
        "secondary": ["culture", "nightlife", "food"],
        "budget": [1, 2, 3],
        "db": {"no_physical": 0.6, "no_alcohol": 0.2},
    },
    "night_owl": {
        "primary": ["nightlife"],
        "secondary": ["culture", "relaxation", "food"],
        "budget": [0, 1, 2, 3],
        "db": {"no_water": 0.3},
    },
    "family_traveler": {
        "primary": ["nature", "food", "culture", "relaxation"],
        "secondary": ["adventure", "culture", "nature"],
        "budget": [0, 1, 2],
        "db": {"kid_friendly": 1.0, "no_water": 0.4, "no_physical": 0.2},
    },
    "budget_backpacker": {
        "primary": ["culture", "nightlife", "nature"],
        "secondary": ["adventure", "food", "relaxation"],
        "budget": [0],
        "db": {"no_physical": 0.15, "no_water": 0.2},
    },
}

_HARD_TYPES: dict[str, dict[str, Any]] = {
    "indecisive_parent": {
        "primary": ["culture", "nature", "food", "adventure"],
        "secondary": ["relaxation", "culture", "nature", "food"],
        "budget": [0, 1],
        "db": {"kid_friendly": 1.0, "no_water": 0.5, "no_alcohol": 0.5},
        "indecisive": 1.0,
    },
    "constrained_retiree": {
        "primary": ["culture", "relaxation", "food", "nature"],
        "secondary": ["food", "culture", "relaxation", "nightlife"],
        "budget": [0, 1, 2],
        "db": {"no_physical": 1.0, "no_alcohol": 0.6, "no_water": 0.4},
        "indecisive": 0.5,
    },
    "indecisive_wanderer": {
        "primary": list(DIMS),
        "secondary": list(DIMS),
        "budget": [0, 1],
        "db": {"no_alcohol": 0.5, "no_water": 0.5, "no_physical": 0.3},
        "indecisive": 1.0,
    },
    "picky_student": {
        "primary": ["nightlife", "adventure", "food", "culture"],
        "secondary": ["nightlife", "food", "nature", "culture"],
        "budget": [0],
        "db": {"no_water": 0.5, "no_physical": 0.3},
        "indecisive": 0.6,
        "pickiness": (0.02, 0.06),
    },
}

_SPLITS = {"train": _TRAIN_TYPES, "test": _TEST_TYPES, "hard": _HARD_TYPES}
# Split-level parameter ranges: primary weight, secondary weight, patience, pickiness, type mixture.
_RANGES: dict[str, dict[str, Any]] = {
    "train": {
        "unspoken": 0.1,
        "wp": (0.5, 0.65),
        "ws": (0.2, 0.3),
        "patience": (3, 5),
        "pickiness": (0.06, 0.16),
        "mix": [0.16, 0.16, 0.16, 0.14, 0.12, 0.14, 0.12],
    },
    "test": {
        "unspoken": 0.35,
        "indecisive": 0.25,
        "wp": (0.4, 0.55),
        "ws": (0.22, 0.35),
        "patience": (3, 5),
        "pickiness": (0.05, 0.14),
        "mix": [0.12, 0.14, 0.14, 0.16, 0.16, 0.12, 0.16],
    },
    "hard": {
        "unspoken": 0.5,
        "wp": (0.45, 0.6),
        "ws": (0.22, 0.32),
        "patience": (3, 4),
        "pickiness": (0.04, 0.1),
        "mix": [0.3, 0.25, 0.3, 0.15],
    },
}

PERSONA_KEYS = (
    "type",
    "weights",
    "primary",
    "secondary",
    "budget",
    "dealbreakers",
    "patience",
    "pickiness",
    "indecisive",
)
#: keys a persona may leave out: ``unspoken`` (default ``[]``), the dealbreakers not mentioned when asked
OPTIONAL_KEYS = ("unspoken",)


def sample_persona(split: str, rng: np.random.Generator) -> dict[str, Any]:
    """Draw one persona of ``split`` with ``rng`` (deterministic given the rng state)."""
    if split not in _SPLITS:
        raise ValueError(f"split={split!r} is not one of {list(_SPLITS)}")
    types = _SPLITS[split]
    ranges = _RANGES[split]
    names = list(types)
    kind = names[int(rng.choice(len(names), p=np.asarray(ranges["mix"]) / sum(ranges["mix"])))]
    spec = types[kind]
    primary = spec["primary"][int(rng.integers(len(spec["primary"])))]
    secondaries = [d for d in spec["secondary"] if d != primary]
    secondary = secondaries[int(rng.integers(len(secondaries)))]
    wp = float(rng.uniform(*ranges["wp"]))
    ws = float(rng.uniform(*ranges["ws"]))
    rest = [d for d in DIMS if d not in (primary, secondary)]
    spread = rng.dirichlet(np.ones(len(rest))) * (1.0 - wp - ws)
    weights = {d: 0.0 for d in DIMS}
    weights[primary] = round(wp, 4)
    weights[secondary] = round(ws, 4)
    for d, v in zip(rest, spread, strict=True):
        weights[d] = round(float(v), 4)
    dealbreakers = [d for d in DEALBREAKERS if d in spec["db"] and rng.random() < spec["db"][d]]
    # most important first: the order in the spec (a dict keeps insertion order)
    dealbreakers.sort(key=lambda d: list(spec["db"]).index(d))
    budget = int(spec["budget"][int(rng.integers(len(spec["budget"])))])
    lo, hi = ranges["patience"]
    patience = float(rng.integers(lo, hi + 1))
    plo, phi = spec.get("pickiness", ranges["pickiness"])
    pickiness = round(float(rng.uniform(plo, phi)), 4)
    indecisive = bool(rng.random() < spec.get("indecisive", ranges.get("indecisive", 0.0)))
    # dealbreakers the traveller forgets to mention when asked (drawn after everything else, so the
    # rest of a persona is the same as before this field existed)
    p_unspoken = ranges.get("unspoken", 0.0)
    unspoken = [d for d in dealbreakers if rng.random() < p_unspoken]
    return {
        "type": kind,
        "weights": weights,
        "primary": primary,
        "secondary": secondary,
        "budget": budget,
        "dealbreakers": dealbreakers,
        "patience": patience,
        "pickiness": pickiness,
        "indecisive": indecisive,
        "unspoken": unspoken,
    }


@dataclass(frozen=True)
class TravelPersona(Persona):
    """A TravelAgent-v0 traveller (the env's hidden starting state).

    List values of the dict (``dealbreakers``, ``unspoken``) are tuples here and lists again in
    :meth:`to_dict`; ``weights`` stays a dict.

    Attributes:
        type: snake_case label, never said by the user.
        weights: interest weight in [0, 1] for every dimension of :data:`DIMS` (not all zero).
        primary: the main interest, one of :data:`DIMS`.
        secondary: the second interest, one of :data:`DIMS`.
        budget: the highest acceptable cost level, an int in 0..3.
        dealbreakers: distinct items of :data:`DEALBREAKERS`, most important first.
        patience: rejections and wasted turns tolerated, a positive number.
        pickiness: accepts a suggestion whose utility is >= best - pickiness, in [0, 1].
        indecisive: answers open questions vaguely; only comparisons reveal their taste.
        unspoken: optional (absent = none): dealbreakers not mentioned when asked.
    """

    optional_keys = ("unspoken",)

    type: str
    weights: dict[str, float]
    primary: str
    secondary: str
    budget: int
    dealbreakers: tuple[str, ...]
    patience: float
    pickiness: float
    indecisive: bool
    unspoken: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        for key in ("dealbreakers", "unspoken"):  # a list given directly is held as a tuple
            if isinstance(getattr(self, key), list):
                object.__setattr__(self, key, tuple(getattr(self, key)))
        t = self.type
        if not isinstance(t, str) or "_" not in t or not t.replace("_", "").isalpha() or t != t.lower():
            raise ValueError(f"persona['type']={t!r} must be a snake_case label with an underscore")
        w = self.weights
        if not isinstance(w, dict) or set(w) != set(DIMS):
            raise ValueError(f"persona['weights'] must map exactly {list(DIMS)} to numbers, got {w!r}")
        for d, v in w.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0.0 <= v <= 1.0:
                raise ValueError(f"persona['weights'][{d!r}]={v!r} must be a number in [0, 1]")
        if sum(w.values()) <= 0:
            raise ValueError("persona['weights'] must not be all zero")
        for key in ("primary", "secondary"):
            if getattr(self, key) not in DIMS:
                raise ValueError(f"persona[{key!r}]={getattr(self, key)!r} must be one of {list(DIMS)}")
        b = self.budget
        if isinstance(b, bool) or not isinstance(b, int) or not 0 <= b <= 3:
            raise ValueError(f"persona['budget']={b!r} must be an int cost level in 0..3")
        dbs = self.dealbreakers
        if not isinstance(dbs, tuple) or any(d not in DEALBREAKERS for d in dbs) or len(set(dbs)) != len(dbs):
            raise ValueError(
                f"persona['dealbreakers']={_thawed(dbs)!r} must be a list of distinct items of {list(DEALBREAKERS)}"
            )
        p = self.patience
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not p > 0:
            raise ValueError(f"persona['patience']={p!r} must be a positive number")
        k = self.pickiness
        if isinstance(k, bool) or not isinstance(k, (int, float)) or not 0.0 <= k <= 1.0:
            raise ValueError(f"persona['pickiness']={k!r} must be a number in [0, 1]")
        if not isinstance(self.indecisive, bool):
            raise ValueError(f"persona['indecisive']={self.indecisive!r} must be a bool")
        un = () if self.unspoken is None else self.unspoken
        if not isinstance(un, tuple) or any(d not in dbs for d in un) or len(set(un)) != len(un):
            raise ValueError(
                f"persona['unspoken']={_thawed(un)!r} must be a list of distinct items of "
                f"persona['dealbreakers']={_thawed(dbs)!r}"
            )


def _thawed(value: Any) -> Any:
    """A tuple shown as the list the persona dict holds (error messages quote the dict's values)."""
    return list(value) if isinstance(value, tuple) else value


def validate_persona(persona: Any) -> dict[str, Any]:
    """Check a persona (dict or :class:`TravelPersona`) and return its dict (a given dict unchanged).

    A thin wrapper kept for the env and external callers; :class:`TravelPersona` holds the rules.
    """
    return validate_persona_dict(TravelPersona, persona)


_DB_WORDS = {
    "no_physical": "cannot do anything physically demanding",
    "no_alcohol": "does not drink alcohol",
    "kid_friendly": "travels with young children, so it must suit kids",
    "no_water": "will not do anything on or in the water",
}
_BUDGET_WORDS = ("free things only", "a tight budget (cheap)", "a moderate budget", "no real budget limit")


def persona_card(persona: dict[str, Any] | TravelPersona) -> str:
    """The persona in words (for an LLM playing the traveller)."""
    p = persona if isinstance(persona, TravelPersona) else TravelPersona.from_dict(persona)
    w = p.weights
    order = sorted(DIMS, key=lambda d: (-w[d], DIMS.index(d)))
    likes = ", ".join(f"{d} ({w[d]:.0%})" for d in order if w[d] >= 0.05)
    dbs = "; ".join(_DB_WORDS[d] for d in p.dealbreakers) or "none"
    lines = [
        "You are a traveller visiting a city next week, asking a travel agent what to do for one day.",
        f"What you enjoy, most important first: {likes}.",
        f"Budget: {_BUDGET_WORDS[int(p.budget)]}.",
        f"Dealbreakers: {dbs}.",
        f"Patience: you give up after about {int(p.patience)} bad suggestions or wasted turns.",
        "You accept only a suggestion close to the best one for you"
        + (" and are quite picky." if p.pickiness < 0.07 else "."),
    ]
    if p.indecisive:
        lines.append(
            "You are indecisive: to open questions about what you like you answer vaguely; only when offered "
            "two concrete options do you say which one you prefer and why, and when the two are about as good "
            "for you, you cannot choose."
        )
    unspoken = p.unspoken or ()
    if unspoken:
        lines.append(
            "When asked about dealbreakers you forget to mention: "
            + "; ".join(_DB_WORDS[d] for d in unspoken)
            + ". You bring it up only when a suggestion runs into it."
        )
    lines.append("Reveal one thing at a time, only when asked, in your own words; never list these facts.")
    return "\n".join(lines)
