"""The activity catalogue of TravelAgent-v0 and the utility model.

Every activity has hard attributes (cost level, physical intensity, on the water,
kid friendly, serves alcohol) and soft interest tags in [0, 1] over six interest
dimensions (:data:`DIMS`). A persona's utility for an activity is its weighted
interest match (normalised by the best match in the catalogue), discounted when the
activity is over the persona's budget and nearly zeroed when it breaks a dealbreaker.
"""

from __future__ import annotations

import re
from typing import Any, TypedDict

#: Interest dimensions of the persona weights and the activity tags.
DIMS: tuple[str, ...] = ("culture", "food", "nature", "adventure", "relaxation", "nightlife")

#: Dealbreakers a persona may hold; each names the activities it rules out.
DEALBREAKERS: tuple[str, ...] = ("no_physical", "no_alcohol", "kid_friendly", "no_water")



class Activity(TypedDict):
    """One catalogue entry (the shape every value of :data:`CATALOG` has)."""

    name: str  #: how the user names it ("museum tour")
    phrase: str  #: how the agent proposes it ("a guided museum tour")
    cost: int  #: 0 free, 1 cheap, 2 mid-range, 3 pricey
    physical: int  #: 0 easy, 1 moderate, 2 strenuous
    water: bool  #: on the water
    kids: bool  #: kid friendly
    alcohol: bool  #: serves alcohol
    tags: dict[str, float]  #: interest in [0, 1] per dimension of :data:`DIMS` (absent: 0)
    synonyms: list[str]  #: regular expressions that also name it in normalised text


#: Cost levels: 0 free, 1 cheap, 2 mid-range, 3 pricey. Physical: 0 easy, 1 moderate, 2 strenuous.
CATALOG: dict[str, Activity] = {
    "museum_tour": {
        "name": "museum tour",
        "phrase": "a guided museum tour",
        "cost": 1,
        "physical": 0,
        "water": False,
        "kids": True,
        "alcohol": False,
        "tags": {"culture": 1.0, "relaxation": 0.2},
        "synonyms": [r"museums?", r"art galler(?:y|ies)", r"galler(?:y|ies)", r"exhibitions?"],
    },
    "walking_tour": {
        "name": "historic walking tour",
        "phrase": "a historic walking tour",
        "cost": 0,
        "physical": 1,
        "water": False,
        "kids": True,
        "alcohol": False,
        "tags": {"culture": 0.85, "nature": 0.15, "adventure": 0.1},
        "synonyms": [
            r"(?:historic(?:al)? |history |heritage |old town )?walking tour",
            r"old town walk",
            r"history walk",
            r"heritage walk",
        ],
    },
    "food_tour": {
        "name": "street food tour",
        "phrase": "a street food tour",
        "cost": 1,
        "physical": 1,
        "water": False,
        "kids": True,
        "alcohol": False,
        "tags": {"food": 1.0, "culture": 0.3, "nightlife": 0.15},
        "synonyms": [r"(?:street )?food (?:tour|walk|crawl|safari)", r"street food", r"tasting tour"],
    },
    "cooking_class": {
        "name": "cooking class",
        "phrase": "a local cooking class",
        "cost": 2,
        "physical": 0,
        "water": False,
        "kids": True,
        "alcohol": False,
        "tags": {"food": 0.9, "culture": 0.45},
        "synonyms": [r"cook(?:ing|ery) (?:class|lesson|course|workshop)s?", r"(?:pasta|dumpling) making"],
    },
    "wine_tasting": {
        "name": "wine tasting",
        "phrase": "a vineyard wine tasting",
        "cost": 2,
        "physical": 0,
        "water": False,
        "kids": False,
        "alcohol": True,
        "tags": {"food": 0.6, "relaxation": 0.55, "culture": 0.2},
        "synonyms": [r"wine ?tastings?", r"winer(?:y|ies)", r"vineyards?", r"wine tour"],
    },
    "kayaking": {
        "name": "kayaking trip",
        "phrase": "a sea kayaking trip",
        "cost": 2,
        "physical": 2,
        "water": True,
        "kids": False,
        "alcohol": False,
        "tags": {"adventure": 0.9, "nature": 0.7},
        "synonyms": [r"kayak(?:ing|s)?", r"canoe(?:ing|s)?", r"paddl(?:e|ing) ?board(?:ing)?"],
    },
    "hiking": {
        "name": "guided hike",
        "phrase": "a guided mountain hike",
        "cost": 0,
        "physical": 2,
        "water": False,
        "kids": False,
        "alcohol": False,
        "tags": {"nature": 1.0, "adventure": 0.5},
        "synonyms": [r"hik(?:e|es|ing)", r"trek(?:king|s)?", r"mountain walk"],
    },
    "zipline": {
        "name": "zipline adventure",
        "phrase": "a zipline adventure",
        "cost": 3,
        "physical": 1,
        "water": False,
        "kids": False,
        "alcohol": False,
        "tags": {"adventure": 1.0, "nature": 0.3},
        "synonyms": [r"zip ?-?lin(?:e|es|ing)", r"zip ?wires?", r"canopy tour"],
    },
    "bike_tour": {
        "name": "city bike tour",
        "phrase": "a city bike tour",
        "cost": 1,
        "physical": 1,
        "water": False,
        "kids": True,
        "alcohol": False,
        "tags": {"culture": 0.5, "adventure": 0.4, "nature": 0.3},
        "synonyms": [r"(?:city )?(?:bike|bicycle|cycling|cycle) (?:tour|ride|trip)s?", r"cycling"],
    },
    "spa_day": {
        "name": "spa day",
        "phrase": "a spa day",
        "cost": 3,
        "physical": 0,
        "water": False,
        "kids": False,
        "alcohol": False,
        "tags": {"relaxation": 1.0},
        "synonyms": [r"spas?", r"massages?", r"wellness (?:day|centre|center|retreat)", r"hot springs?"],
    },
    "beach_day": {
        "name": "beach day",
        "phrase": "a day at the beach",
        "cost": 0,
        "physical": 0,
        "water": True,
        "kids": True,
        "alcohol": False,
        "tags": {"relaxation": 0.8, "nature": 0.45},
        "synonyms": [r"beach(?:es)?", r"seaside", r"swimming"],
    },
    "botanical_garden": {
        "name": "botanical garden",
        "phrase": "a stroll through the botanical garden",
        "cost": 0,
        "physical": 0,
        "water": False,
        "kids": True,
        "alcohol": False,
        "tags": {"nature": 0.75, "relaxation": 0.5, "culture": 0.1},
        "synonyms": [r"botanic(?:al)? gardens?", r"gardens?", r"greenhouses?"],
    },
    "sunset_cruise": {
        "name": "sunset cruise",
        "phrase": "a sunset harbour cruise",
        "cost": 2,
        "physical": 0,
        "water": True,
        "kids": True,
        "alcohol": False,
        "tags": {"relaxation": 0.7, "nature": 0.35, "nightlife": 0.3},
        "synonyms": [r"(?:sunset |harbou?r |river )?cruises?", r"boat (?:trip|tour|ride)s?", r"sailing"],
    },
    "nightlife_tour": {
        "name": "bar crawl",
        "phrase": "a guided bar crawl",
        "cost": 1,
        "physical": 0,
        "water": False,
        "kids": False,
        "alcohol": True,
        "tags": {"nightlife": 1.0, "food": 0.15},
        "synonyms": [
            r"(?:bar|pub) (?:crawl|hopping)s?",
            r"nightlife tour",
            r"night out",
            r"clubbing",
            r"cocktail bars?",
        ],
    },
    "jazz_club": {
        "name": "live jazz night",
        "phrase": "a live jazz night",
        "cost": 2,
        "physical": 0,
        "water": False,
        "kids": False,
        "alcohol": True,
        "tags": {"nightlife": 0.7, "culture": 0.5, "relaxation": 0.25},
        "synonyms": [r"jazz(?: club| bar| night| show)?", r"live music"],
    },
    "theme_park": {
        "name": "theme park",
        "phrase": "a day at the theme park",
        "cost": 3,
        "physical": 1,
        "water": False,
        "kids": True,
        "alcohol": False,
        "tags": {"adventure": 0.75, "nightlife": 0.1},
        "synonyms": [r"theme parks?", r"amusement parks?", r"roller ?-?coasters?", r"fun ?fair"],
    },
    "night_market": {
        "name": "night market",
        "phrase": "an evening at the night market",
        "cost": 0,
        "physical": 0,
        "water": False,
        "kids": True,
        "alcohol": False,
        "tags": {"food": 0.75, "nightlife": 0.5, "culture": 0.3},
        "synonyms": [r"night markets?", r"(?:street|food|evening) markets?", r"markets?"],
    },
    "aquarium": {
        "name": "aquarium",
        "phrase": "a visit to the aquarium",
        "cost": 1,
        "physical": 0,
        "water": False,
        "kids": True,
        "alcohol": False,
        "tags": {"nature": 0.6, "culture": 0.3, "relaxation": 0.3},
        "synonyms": [r"aquariums?", r"sea life centre", r"oceanarium"],
    },
}

ACTIVITY_IDS: tuple[str, ...] = tuple(CATALOG)

BUDGET_FACTOR = (1.0, 0.4, 0.15, 0.05)  # utility multiplier by levels over budget
DEALBREAKER_FACTOR = 0.03  # utility multiplier per broken dealbreaker


def violates(activity_id: str, dealbreaker: str) -> bool:
    """Whether ``activity_id`` breaks ``dealbreaker``."""
    a = CATALOG[activity_id]
    if dealbreaker == "no_physical":
        return a["physical"] >= 1
    if dealbreaker == "no_alcohol":
        return bool(a["alcohol"])
    if dealbreaker == "kid_friendly":
        return not a["kids"]
    if dealbreaker == "no_water":
        return bool(a["water"])
    raise ValueError(f"unknown dealbreaker {dealbreaker!r}; expected one of {list(DEALBREAKERS)}")


def interest_match(weights: dict[str, float], activity_id: str) -> float:
    tags = CATALOG[activity_id]["tags"]
    return sum(weights.get(d, 0.0) * v for d, v in tags.items())


def activity_utilities(persona: dict[str, Any]) -> dict[str, float]:
    """Utility in [0, 1] of every catalogue activity for ``persona`` (catalogue order)."""
    weights = persona["weights"]
    matches = {a: interest_match(weights, a) for a in ACTIVITY_IDS}
    top = max(matches.values()) or 1.0
    out: dict[str, float] = {}
    for a, m in matches.items():
        u = (m / top) ** 1.5
        over = max(0, CATALOG[a]["cost"] - int(persona["budget"]))
        u *= BUDGET_FACTOR[min(over, 3)]
        for d in persona["dealbreakers"]:
            if violates(a, d):
                u *= DEALBREAKER_FACTOR
        out[a] = round(min(1.0, max(0.0, u)), 4)
    return out


def best_activity(persona: dict[str, Any]) -> tuple[str, float]:
    """The activity with the highest utility (first in catalogue order on ties)."""
    utils = activity_utilities(persona)
    best = max(ACTIVITY_IDS, key=lambda a: (utils[a], -ACTIVITY_IDS.index(a)))
    return best, utils[best]


def main_dim(activity_id: str) -> str:
    """The interest dimension an activity is most about."""
    tags = CATALOG[activity_id]["tags"]
    return max(DIMS, key=lambda d: (tags.get(d, 0.0), -DIMS.index(d)))


# ---------------------------------------------------------------- finding activities in text
def _build_activity_regex() -> tuple[re.Pattern[str], list[tuple[re.Pattern[str], str]]]:
    # Full names first, then synonyms, longer first: at one position the first alternative that
    # matches wins, so "zipline adventure" beats "zipline" and "night market" beats "market".
    names = sorted(((re.escape(a["name"]), aid) for aid, a in CATALOG.items()), key=lambda e: -len(e[0]))
    synonyms = sorted(((p, aid) for aid, a in CATALOG.items() for p in a["synonyms"]), key=lambda e: -len(e[0]))
    entries = names + synonyms
    combined = re.compile(r"\b(?:" + "|".join(p for p, _ in entries) + r")\b")
    return combined, [(re.compile(p), aid) for p, aid in entries]


_ACTIVITY_RE, _ENTRIES = _build_activity_regex()


# Every activity pattern contains one of these stems: a cheap test before the full regex.
_TRIGGER = re.compile(
    r"museum|galler|exhibit|walk|food|tasting|cook|pasta|dumpling|wine|vineyard|kayak|canoe|paddl|hik|trek"
    r"|zip|canopy|bike|bicycl|cycl|spa|massage|wellness|spring|beach|seaside|swim|botanic|garden|greenhouse"
    r"|cruise|boat|sail|crawl|hopping|nightlife|night|clubbing|cocktail|jazz|music|park|coaster|fun ?fair"
    r"|market|aquarium|sea life|oceanarium|day|tour"
)


def scan_activities(norm_text: str) -> tuple[list[str], str]:
    """``(activity ids in order of first mention, text with each mention replaced by "activity")``."""
    found: list[str] = []
    if not _TRIGGER.search(norm_text):
        return found, norm_text
    pieces: list[str] = []
    last = 0
    for m in _ACTIVITY_RE.finditer(norm_text):
        text = m.group(0)
        pieces.append(norm_text[last : m.start()])
        pieces.append("activity")
        last = m.end()
        for regex, aid in _ENTRIES:
            if regex.fullmatch(text):
                if aid not in found:
                    found.append(aid)
                break
    if not pieces:
        return found, norm_text
    pieces.append(norm_text[last:])
    return found, "".join(pieces)


def find_activities(norm_text: str) -> list[str]:
    """Activity ids named in (normalised, lower-case) text, in order of first mention."""
    return scan_activities(norm_text)[0]


def mask_activities(norm_text: str) -> str:
    """Replace every activity mention by the word "activity"."""
    return scan_activities(norm_text)[1]
