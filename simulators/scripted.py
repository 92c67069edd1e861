"""The scripted-user engine: text in, dialogue acts; acts and state, text out.

A task's scripted user (``dialgym/tasks/<task>/user.py``) subclasses
:class:`ScriptedUser` and supplies three things:

* an :class:`IntentRecognizer` (regular-expression lexicons per agent strategy),
* a :class:`ReplyBank` (several phrasings per user reply kind, drawn with the env RNG),
* the dynamics: ``init_state``, ``opening``, ``react`` and ``outcome``.

Why regex lexicons rather than a learned classifier: the scripted users must be
fast, deterministic, dependency-free and inspectable, and they must judge a
prompted LLM and a small trained LM fairly. Lexicons written over *normalised*
text (lower case, accents folded, contractions expanded) with several patterns
per intent recognise paraphrases well enough, find several intents in one
utterance, and treat gibberish as off-task.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from dialgym.core.types import Outcome, UserSimulator, UserTurn

OFF_TASK = "off_task"
#: how many distinct texts an IntentRecognizer remembers before it starts over
MEMO_SIZE = 4096

_CONTRACTIONS = [
    (re.compile(r"\bcan't\b"), "can not"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\bshan't\b"), "shall not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'m\b"), " am"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'d\b"), " would"),
    (re.compile(r"\bit's\b"), "it is"),
    (re.compile(r"\bthat's\b"), "that is"),
    (re.compile(r"\bwhat's\b"), "what is"),
    (re.compile(r"\bhow's\b"), "how is"),
    (re.compile(r"\blet's\b"), "let us"),
]
_NON_WORD = re.compile(r"[^a-z0-9?!.,' ]+")
_WS = re.compile(r"\s+")
_TOKEN = re.compile(r"[a-z]+")
_VOWEL = re.compile(r"[aeiouy]")


def normalize_for_matching(text: str) -> str:
    """Lower-case, fold accents, expand contractions, keep words and basic punctuation."""
    text = text.lower()
    if not text.isascii():  # the accent-folding pass is the costly part; ASCII needs none
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'")
    for pattern, repl in _CONTRACTIONS:
        text = pattern.sub(repl, text)
    text = _NON_WORD.sub(" ", text)
    return _WS.sub(" ", text).strip()


def looks_like_gibberish(norm: str) -> bool:
    """True when fewer than half the tokens look like words (letters with a vowel).

    Random keyboard strings and character noise fail this; short real sentences pass.
    """
    tokens = _TOKEN.findall(norm)
    if not tokens:
        return True
    wordlike = sum(1 for t in tokens if len(t) <= 18 and (_VOWEL.search(t) or len(t) <= 2))
    return wordlike * 2 < len(tokens)


class IntentRecognizer:
    """Find every known intent in an utterance, in order of first appearance.

    Args:
        lexicon: intent name -> regular expressions, matched against the output of
            :func:`normalize_for_matching` (so write them lower case, without
            contractions: ``"do not"`` not ``"don't"``). ``\\b`` word boundaries
            are up to the pattern author.
        negation_sensitive: intents whose match is ignored when a negation
            (``not``, ``never``, ``no``) appears up to three words before it.

    Every pattern is compiled once, per intent, into one alternation. :meth:`recognise_normalised` remembers
    its last few thousand answers: policies re-read the whole transcript every turn and templated utterances recur
    across episodes, so most calls repeat a text already seen.
    """

    def __init__(self, lexicon: Mapping[str, Sequence[str]], negation_sensitive: Sequence[str] = ()) -> None:
        if OFF_TASK in lexicon:
            raise ValueError(f"{OFF_TASK!r} is reserved for utterances that match nothing")
        self.intents: tuple[str, ...] = tuple(lexicon)
        self._compiled = {
            name: re.compile("|".join(f"(?:{p})" for p in patterns)) for name, patterns in lexicon.items()
        }
        self._negation_sensitive = frozenset(negation_sensitive)
        self._negation = re.compile(r"\b(?:not|never|no)\b(?:\s+\S+){0,3}\s*$")
        self._memo: dict[str, tuple[str, ...]] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_memo": {}}  # pickles (env round trips) stay small

    def recognise(self, text: str) -> list[str]:
        """Return the intents found in ``text``; ``["off_task"]`` when none (or gibberish)."""
        return self.recognise_normalised(normalize_for_matching(text))

    def recognise_normalised(self, norm: str) -> list[str]:
        """Like :meth:`recognise`, for text already passed through :func:`normalize_for_matching`.

        Tasks that edit the normalised text first (e.g. masking entity names so they
        are not read as intents) call this directly.
        """
        found = self._memo.get(norm)
        if found is None:
            found = tuple(self._recognise(norm))
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            self._memo[norm] = found
        return list(found)

    def _recognise(self, norm: str) -> list[str]:
        if looks_like_gibberish(norm):
            return [OFF_TASK]
        found: list[tuple[int, int, str]] = []
        for order, (name, regex) in enumerate(self._compiled.items()):
            for m in regex.finditer(norm):
                if name in self._negation_sensitive and self._negation.search(norm[: m.start()]):
                    continue
                found.append((m.start(), order, name))
                break
        if not found:
            return [OFF_TASK]
        found.sort()
        return [name for _, _, name in found]


class ReplyBank:
    """Several phrasings per reply kind; :meth:`say` draws one with the given RNG.

    Templates use ``str.format`` fields (``"I have {n} kids"``). Why several
    phrasings: data collected from the simulator should not be a handful of fixed
    strings a model can memorise, and the choice must come from the env RNG so that
    seeded episodes stay reproducible.
    """

    def __init__(self, bank: Mapping[str, Sequence[str]]) -> None:
        empty = [k for k, v in bank.items() if not v]
        if empty:
            raise ValueError(f"reply kinds with no phrasing: {empty}")
        self._bank = {k: tuple(v) for k, v in bank.items()}

    def __contains__(self, key: str) -> bool:
        return key in self._bank

    def keys(self) -> list[str]:
        return list(self._bank)

    def say(self, key: str, rng: np.random.Generator, **slots: Any) -> str:
        try:
            options = self._bank[key]
        except KeyError:
            raise KeyError(f"no reply kind {key!r}; known: {sorted(self._bank)}") from None
        template = options[int(rng.integers(len(options)))]
        return template.format(**slots) if slots else template


class ScriptedUser(UserSimulator):
    """Base class of the tasks' scripted users.

    Subclasses set the class attributes :attr:`recognizer` and :attr:`replies` and
    implement :meth:`init_state` (return a dataclass or dict), :meth:`react` and
    :meth:`outcome`; optionally :meth:`opening`. The base class keeps the persona,
    the RNG, the turn counter and per-act counts (how often the agent already used
    each strategy, so the dynamics can punish repetition).
    """

    recognizer: IntentRecognizer
    replies: ReplyBank

    def __init__(self) -> None:
        self.persona: dict[str, Any] = {}
        self.rng: np.random.Generator = np.random.default_rng(0)
        self.turn = 0
        self.act_counts: dict[str, int] = {}
        self.state: Any = None

    # -- hooks -------------------------------------------------------------------
    def init_state(self) -> Any:
        """The hidden dialogue state at the start, from ``self.persona`` (and ``self.rng``)."""
        raise NotImplementedError

    def opening(self) -> str | None:
        """The user's first line, if the user speaks first."""
        return None

    def react(self, acts: list[str], text: str) -> tuple[str, bool]:
        """Update ``self.state`` for the recognised ``acts``; return ``(reply, done)``.

        ``self.act_counts`` still holds the counts *before* this turn, and
        ``self.turn`` is already the number of this agent turn (1-based).
        """
        raise NotImplementedError

    # -- engine ----------------------------------------------------------------
    def reset(self, persona: dict[str, Any], rng: np.random.Generator) -> str | None:
        self.persona = persona
        self.rng = rng
        self.turn = 0
        self.act_counts = {}
        self.state = self.init_state()
        return self.opening()

    def respond(self, agent_text: str) -> UserTurn:
        acts = self.recognizer.recognise(agent_text)
        self.turn += 1
        reply, done = self.react(acts, agent_text)
        for act in acts:
            self.act_counts[act] = self.act_counts.get(act, 0) + 1
        return UserTurn(text=reply, acts=acts, done=bool(done))

    def say(self, key: str, **slots: Any) -> str:
        """A phrasing of reply ``key`` drawn with the episode RNG."""
        return self.replies.say(key, self.rng, **slots)

    def used(self, act: str) -> int:
        """How many earlier agent turns used ``act``."""
        return self.act_counts.get(act, 0)

    def outcome(self, truncated: bool) -> Outcome:  # pragma: no cover - abstract in practice
        raise NotImplementedError

    def state_dict(self) -> dict[str, Any]:
        state = self.state
        if dataclasses.is_dataclass(state) and not isinstance(state, type):
            state = dataclasses.asdict(state)
        return {"turn": self.turn, "act_counts": dict(self.act_counts), "state": state}
