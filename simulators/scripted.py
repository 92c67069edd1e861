"""The scripted-user engine: text in, dialogue acts; acts and state, text out.

A task's scripted user (``dialgym/tasks/<task>/user.py``) subclasses
:class:`ScriptedUser` and supplies three things:

* an :class:`IntentRecognizer` (regular-expression lexicons per agent strategy, read sentence
  by sentence, optionally backed by a small learned model: :mod:`dialgym.simulators.intent_model`),
* a :class:`ReplyBank` (several phrasings per user reply kind, drawn with the env RNG),
* the dynamics: ``init_state``, ``opening``, ``react`` and ``outcome``.

Why lexicons first, and a learned model only as a backstop: the scripted users must be fast,
deterministic, dependency-free and inspectable, and they must judge a prompted LLM, a small
trained LM and a person fairly. Lexicons written over *normalised* text (lower case, accents
folded, contractions expanded) find several intents in one utterance, explain themselves and
resist keyword stuffing (a sentence naming too many strategies is a salad). Measured on real
people (``benchmarks/realdata.py``), lexicons alone hear only the phrasings their authors
thought of; a linear model over word n-grams fitted on annotated human sentences (where their
licence allows) hears much of the rest, so the recogniser asks it about sentences the rules
leave without a strategy. Conversation that carries no strategy (acknowledgements, praise,
closings) is rapport, never off-task: off-task is for unrelated text and gibberish.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

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
#: the same expansions in one pass (every rule above, tried in that order at each position)
_CONTRACTION = re.compile("|".join(f"(?P<c{i}>{p.pattern})" for i, (p, _) in enumerate(_CONTRACTIONS)))
_CONTRACTION_REPL = {f"c{i}": repl for i, (_, repl) in enumerate(_CONTRACTIONS)}
#: chat shorthand and contractions typed without their apostrophe ("u", "dont", "thx"), written out as the
#: lexicons expect; only forms that are not also ordinary words ("its", "ill", "were", "well", "lets" stay; "ya" is
#: read as "you" though it is "yes" about as often; dropping it means refitting the Persuasion intent model)
_SHORTHAND: dict[str, str] = {
    "u": "you",
    "ur": "your",
    "r": "are",
    "ya": "you",
    "cud": "could",
    "wud": "would",
    "shud": "should",
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "cant": "can not",
    "wont": "will not",
    "isnt": "is not",
    "arent": "are not",
    "wasnt": "was not",
    "wouldnt": "would not",
    "couldnt": "could not",
    "shouldnt": "should not",
    "havent": "have not",
    "hasnt": "has not",
    "im": "i am",
    "ive": "i have",
    "youre": "you are",
    "youve": "you have",
    "youll": "you will",
    "youd": "you would",
    "theyre": "they are",
    "thats": "that is",
    "whats": "what is",
    "hows": "how is",
    "theres": "there is",
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    "thanx": "thanks",
    "thnx": "thanks",
    "thnks": "thanks",
    "ty": "thank you",
    "ppl": "people",
    "abt": "about",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "tho": "though",
    "wat": "what",
    "rly": "really",
    "realy": "really",
    "alot": "a lot",
    "amt": "amount",
    "b4": "before",
}
_SHORTHAND_RE = re.compile(
    r"(?<![\w.'&-])(" + "|".join(sorted(_SHORTHAND, key=len, reverse=True)) + r")(?![\w'&-]|\.\w)"
)
_NON_WORD = re.compile(r"[^a-z0-9?!.,' ]+")
_WS = re.compile(r"\s+")
_TOKEN = re.compile(r"[a-z]+")
_VOWEL = re.compile(r"[aeiouy]")


@functools.lru_cache(maxsize=MEMO_SIZE)
def normalize_for_matching(text: str) -> str:
    """Lower-case, fold accents, expand contractions and chat shorthand, keep words and basic punctuation.

    Memoised: a task reads one utterance several times (strategies, the concept, the level), and
    policies re-read whole transcripts every turn.
    """
    text = text.lower()
    if not text.isascii():  # the accent-folding pass is the costly part; ASCII needs none
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'")
    if "'" in text:
        text = _CONTRACTION.sub(lambda m: _CONTRACTION_REPL[m.lastgroup], text)  # type: ignore[index]
    text = _SHORTHAND_RE.sub(lambda m: _SHORTHAND[m.group(1)], text)
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


#: grammatical words (articles, pronouns, prepositions, auxiliaries, conjunctions, wh-words): a sentence of
#: people has some; a run of topic keywords has none
_FUNCTION_WORDS = frozenset(
    "the a an to of and or nor is are was were be been being i you it we they he she me my your our their his her "
    "its this that these those for in on at by with from as if so but not do does did can could would will should "
    "shall may might must have has had what how why who whom when where there here than then also about no yes am "
    "up out into over after before them him us own such both some any all more much many most other another which "
    "while because like every each plus minus times versus vs via per".split()
)
#: a keyword salad is at least this many words with no grammatical word and no list comma
SALAD_MIN_WORDS = 7
_WORD_OR_NUMBER = re.compile(r"[a-z0-9]+")


def looks_like_salad(sentence: str) -> bool:
    """True for a keyword salad: ``SALAD_MIN_WORDS`` or more words, none of them grammatical, no commas.

    "donate children charity trust audit imagine please" names strategies without saying anything; a person's
    sentence, however casual or misspelt, nearly always carries an article, a pronoun or a preposition ("maybe like
    cents every bit helps"), and a list of topics is written with commas. Seven words, not fewer: a terse sentence
    can do without grammatical words ("research shows vaccines save lives cheaply"). On the development split of
    PersuasionForGood and ESConv one annotated sentence in about 3,000 qualifies, and two sentences of the 6,783 real
    persuader turns do: all fragments of pasted URLs.
    """
    if "," in sentence:
        return False
    words = _WORD_OR_NUMBER.findall(sentence)  # "watchdog 1919 donate": a number is one more keyword
    return len(words) >= SALAD_MIN_WORDS and not any(w in _FUNCTION_WORDS for w in words)


#: sentence boundaries in normalised text: ``.``, ``!`` or ``?`` followed by a space (so "$0.50" stays whole)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")

#: conversational moves that carry no task strategy but are part of any real conversation: acknowledgements,
#: agreement, praise and remarks about the partner, you're-welcome, closings, laughter. Real persuaders and
#: supporters spend a large share of their sentences on these (about 40% of persuader sentences in
#: PersuasionForGood); hearing them as off-task (unrelated text, gibberish) would punish ordinary politeness.
RAPPORT_LEXICON: tuple[str, ...] = (
    # acknowledgement and agreement, alone or opening a sentence
    r"^(?:ok(?:ay)?|sure|yes|yeah|yep|yup|absolutely|definitely|exactly|indeed|right|true|totally|of course|"
    r"i see|i understand|i know|i agree|agreed|got it|gotcha|fair enough|makes sense|sounds good|"
    r"good|great|awesome|wonderful|fantastic|excellent|cool|nice|perfect|lovely|amazing|wow|oh|ah|hmm+|"
    r"alright|all right|well|so|haha+|lol|me too|same here|no problem|no worries|not at all|certainly|"
    r"yea|yah|ya|nope|nah|no|ooh+|aww+|seriously|really|hopefully|very much so|for sure|me neither|me either|"
    r"mine (?:too|either|neither))\b",
    # "i think so", "i believe so", "i am not really sure": answers that carry no content of their own
    r"^i (?:believe|think|guess|hope|suppose|reckon) so\b",
    r"\b(?:i am|im) not (?:really |so |too |quite |entirely )?sure\b",
    # "that's great", typed "thats great", "that would be so great", "it is such a great thing to do"
    r"\b(?:that|this|thats|it) (?:is|sounds|seems|would be|was|will be|looks)? ?(?:so |really |very |pretty |quite |"
    r"truly |such )?(?:a |an )?(?:great|good|awesome|wonderful|nice|cool|interesting|fair|true|amazing|fantastic|"
    r"understandable|reasonable|fine|perfect|lovely|admirable|kind|generous|sweet|excellent|brilliant|valid|"
    r"okay|ok|alright|the truth)\b",
    # agreeing with the partner: "you are so right", "i could not agree more"
    r"\byou are (?:so |very |absolutely |totally |quite |probably |definitely |exactly )?right\b",
    r"\b(?:could not|couldnt) agree more\b",
    # short agreements: "it really is.", "it certainly is", "i do!", "i most definitely agree"
    r"^(?:it|that|they|i|you|we) (?:really |certainly |definitely |sure |truly |absolutely )?(?:is|are|does|do|did|"
    r"was|will|am|can|have)(?: too| indeed)?[.!?]*$",
    r"\bi (?:\w+ly |most \w+ly )?(?:understand|agree|hear you|see what you mean|get (?:it|that|you))\b",
    r"\b(?:that|it|this) (?:totally |really |completely |definitely |just )?makes "
    r"(?:total |complete |perfect )?sense\b",
    r"\b(?:i|we) (?:feel|think) the same\b",
    r"\b(?:i am|i was|we are) (?:so |very |really |truly )?(?:glad|happy|pleased|excited|delighted)\b",
    r"\b(?:a |really |very |totally |completely |perfectly )*(?:reasonable|fair|valid|understandable|natural) "
    r"(?:concern|point|question|worry|thing to ask|reaction)\b",
    r"^sounds? (?:like|good|great|fair|wonderful|awesome|lovely)\b",
    r"\bi hope (?:your (?:day|week|evening|morning|weekend|afternoon) is|you are (?:doing|having|well)|you have "
    r"(?:had )?a (?:good|great|nice|lovely)|you (?:enjoy|have a|had a))\b",
    # how one is: "i am doing great", "i am good, thanks"
    r"^i am (?:doing )?(?:very |really |pretty |so )?(?:great|good|well|fine|ok|okay|alright|wonderful)\b",
    # praise of and remarks about the partner
    r"\byou (?:are|seem|sound) (?:like )?(?:a |an |such a |so |very |really |extremely |incredibly |truly )?"
    r"(?:kind|nice|generous|sweet|knowledgeable|"
    r"wonderful|great|good|awesome|amazing|thoughtful|smart|caring|lovely|helpful|cool|fun)\b",
    r"\b(?:good|great|nice) (?:for you|to hear|point|question|idea|choice|thinking)\b",
    r"\b(?:very |so |really )*(?:kind|generous|nice|sweet|thoughtful) of you\b",
    r"^(?:such|what) an? (?:\w+ )?(?:great|good|wonderful|nice|lovely|beautiful|admirable|kind|generous) \w+",
    r"\byou (?:should|can|must) (?:be|feel) (?:very |so |really )?proud\b",
    r"\byou (?:have )?(?:encouraged|inspired|motivated) me\b",
    # empathy with what the partner said: "it sounds like you have had a busy week", "that must have been hard"
    r"\b(?:it |that )?(?:sounds|seems) (?:like|as though|as if) you\b",
    r"\bmust (?:have )?(?:be|been) (?:so |very |really |quite |pretty )?(?:an? )?(?:hard|difficult|tough|rough|"
    r"stressful|exhausting|frustrating|scary|frightening|a lot|a relief)\b",
    r"\bon the same page\b",
    r"\b(?:i )?had not (?:looked at|thought (?:of|about)|considered|seen) it (?:that|this) way\b",
    r"\b(?:thoughtful|interesting|fair|good|great|refreshing|healthy) "
    r"(?:perspective|way to (?:look at|see) (?:it|things)|outlook|attitude)\b",
    r"\bi (?:will|shall) keep (?:it|this|things) (?:brief|short|quick)\b",
    r"\bi (?:admire|respect|love|like) (?:that|your|you|it|this)\b",
    # you're welcome, closings, well-wishing
    r"\b(?:you are|your|youre) (?:very |so |most |quite )?welcome\b",
    r"\b(?:god bless|bless you|you will be blessed)\b",
    r"\b(?:my pleasure|anytime|any time)\b",
    r"\b(?:bye|goodbye|good bye|take care|see you|later|cheers)\b",
    r"\bhave a (?:good|great|nice|wonderful|lovely|blessed) (?:day|night|evening|weekend|one|time|rest)\b",
    r"\b(?:enjoy|have) (?:a|your|the rest of your) (?:\w+ )?(?:day|night|evening|weekend|week|morning|afternoon|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    r"\b(?:nice|good|great|lovely|a pleasure) (?:talking|chatting|speaking) (?:to|with) you\b",
    r"\b(?:good luck|best of luck|all the best|best wishes|be well|stay safe)\b",
    r"\b(?:hi|hello|hey|good (?:morning|afternoon|evening))\b",
    r"\b(?:thank(?:s| you| u)|appreciate)\b",
    r"\bhow are you\b",
)


@dataclasses.dataclass(frozen=True)
class Evidence:
    """Why one act was heard in one sentence.

    ``source`` is ``"rule"`` (``detail`` is the lexicon pattern, ``matched`` the text it matched),
    ``"model"`` (``detail`` lists the learned model's strongest features and the probability),
    ``"rapport"`` (a conversational move with no strategy), ``"gibberish"``, ``"salad"`` (keywords and no
    grammatical word: :func:`looks_like_salad`), ``"crammed"`` (too many
    strategies in one sentence: a keyword salad, heard as off-task) or ``"none"`` (nothing matched).
    """

    act: str
    source: str
    detail: str = ""
    matched: str = ""


@dataclasses.dataclass(frozen=True)
class SentenceReading:
    """One sentence of an utterance as the recogniser heard it."""

    text: str
    acts: tuple[str, ...]
    evidence: tuple[Evidence, ...]


def split_sentences(norm: str) -> list[str]:
    """Split normalised text into sentences (at ``.``, ``!`` or ``?`` followed by a space)."""
    return [s for s in (p.strip(" ,") for p in _SENTENCE_END.split(norm)) if s]



def _deprecated_method(old: str, new: str) -> Callable[..., Any]:
    """``IntentRecognizer.<old>``: calls ``<new>`` with a DeprecationWarning (the British spelling, issue 13)."""

    def method(self: IntentRecognizer, *args: Any, **kwargs: Any) -> Any:
        message = f"IntentRecognizer.{old} is deprecated: use {new} (American spelling, issue 13)"
        warnings.warn(message, DeprecationWarning, stacklevel=2)
        return getattr(self, new)(*args, **kwargs)

    method.__name__ = method.__qualname__ = old
    method.__doc__ = f"Deprecated: :meth:`{new}` (American spelling)."
    return method

class IntentRecognizer:
    """Find every known intent in an utterance, sentence by sentence, in order of first appearance.

    Args:
        lexicon: intent name -> regular expressions, matched against the output of
            :func:`normalize_for_matching` (so write them lower case, without
            contractions: ``"do not"`` not ``"don't"``), one sentence at a time (so ``^``
            anchors a sentence start). ``\\b`` word boundaries are up to the pattern author.
        negation_sensitive: intents whose match is ignored when a negation
            (``not``, ``never``, ``no``) appears up to three words before it in the sentence.
        rapport_act: the act reported for a sentence that names no intent but is ordinary
            conversation (:data:`RAPPORT_LEXICON`, plus ``topic`` patterns): acknowledgements,
            praise, closings, remarks on the topic. ``None`` hears such sentences as off-task.
        topic: extra patterns that mark a sentence as on the task's topic (heard as
            ``rapport_act`` when it carries no strategy).
        model: an optional learned sentence classifier (:class:`~dialgym.simulators.intent_model.IntentModel`)
            consulted for sentences the rules leave without a strategy.
        model_acts: the acts the model may report (default: all). Acts whose rules are reliable and whose
            false alarms cost something (a greeting heard twice is "we already said hello") are better
            left to the rules.
        max_acts_per_sentence: a sentence naming more distinct intents than this is a
            keyword salad, heard as off-task (real sentences carry one or two strategies).
        reject_salads: hear a run of keywords with no grammatical word (:func:`looks_like_salad`) as
            off-task. Off by default: terse note-style sentences ("light plus water gives sugar") read like
            salads, so a task turns it on where its users would not write that way (persuasion chats).

    Why per sentence: people pack a greeting, a remark and a question into one turn; each
    sentence is read on its own, so patterns anchored at a sentence start work, a negation
    only reaches within its sentence, and the strategies of a turn are the union of its
    sentences'. Rapport (conversation that carries no strategy) and off-task (unrelated text
    or gibberish) are reported only when no sentence of the turn carries an intent.

    Every pattern is compiled once, per intent, into one alternation. :meth:`recognize_normalized` remembers
    its last few thousand answers: policies re-read the whole transcript every turn and templated utterances recur
    across episodes, so most calls repeat a text already seen.
    """

    def __init__(
        self,
        lexicon: Mapping[str, Sequence[str]],
        negation_sensitive: Sequence[str] = (),
        *,
        rapport_act: str | None = None,
        topic: Sequence[str] = (),
        model: Any = None,
        model_acts: Sequence[str] | None = None,
        max_acts_per_sentence: int = 3,
        reject_salads: bool = False,
    ) -> None:
        if OFF_TASK in lexicon:
            raise ValueError(f"{OFF_TASK!r} is reserved for utterances that match nothing")
        if max_acts_per_sentence < 1:
            raise ValueError(f"max_acts_per_sentence={max_acts_per_sentence!r} must be at least 1")
        self.intents: tuple[str, ...] = tuple(lexicon)
        self.lexicon: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in lexicon.items()}
        self._compiled = {
            name: re.compile("|".join(f"(?:{p})" for p in patterns)) for name, patterns in lexicon.items()
        }
        self._negation_sensitive = frozenset(negation_sensitive)
        self._negation = re.compile(r"\b(?:not|never|no)\b(?:\s+\S+){0,3}\s*$")
        self.rapport_act = rapport_act
        self._rapport_patterns = (*RAPPORT_LEXICON, *topic)
        self._rapport = re.compile("|".join(f"(?:{p})" for p in self._rapport_patterns))
        self.model = model
        self.model_acts = frozenset(model_acts) if model_acts is not None else None
        self.max_acts_per_sentence = int(max_acts_per_sentence)
        self.reject_salads = bool(reject_salads)
        self._memo: dict[str, tuple[str, ...]] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_memo": {}}  # pickles (env round trips) stay small

    def recognize(self, text: str) -> list[str]:
        """Return the intents found in ``text``; ``["off_task"]`` when none (or gibberish)."""
        return self.recognize_normalized(normalize_for_matching(text))

    def recognize_normalized(self, norm: str) -> list[str]:
        """Like :meth:`recognize`, for text already passed through :func:`normalize_for_matching`.

        Tasks that edit the normalised text first (e.g. masking entity names so they
        are not read as intents) call this directly.
        """
        found = self._memo.get(norm)
        if found is None:
            found = tuple(self._combine([self._read(s, explain=False) for s in split_sentences(norm)]))
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            self._memo[norm] = found
        return list(found)

    def explain(self, text: str) -> list[SentenceReading]:
        """How each sentence of ``text`` was heard, with the evidence for every act."""
        return self.explain_normalized(normalize_for_matching(text))

    def explain_normalized(self, norm: str) -> list[SentenceReading]:
        """:meth:`explain` for text already normalised (and masked) the way the task does it."""
        return [self._read(s, explain=True) for s in split_sentences(norm)] or [
            SentenceReading(norm, (OFF_TASK,), (Evidence(OFF_TASK, "none", "empty"),))
        ]

    # -- internals ---------------------------------------------------------------
    def _combine(self, readings: list[SentenceReading]) -> list[str]:
        acts: list[str] = []
        fillers: list[str] = []
        for r in readings:
            for a in r.acts:
                if a == OFF_TASK or (a == self.rapport_act and a not in self.intents):
                    fillers.append(a)
                elif a not in acts:
                    acts.append(a)
        if acts:
            return acts
        if self.rapport_act is not None and self.rapport_act in fillers:
            return [self.rapport_act]
        return [OFF_TASK]

    def _read(self, sentence: str, *, explain: bool) -> SentenceReading:
        if looks_like_gibberish(sentence):
            return SentenceReading(sentence, (OFF_TASK,), (Evidence(OFF_TASK, "gibberish"),) if explain else ())
        if self.reject_salads and looks_like_salad(sentence):
            return SentenceReading(sentence, (OFF_TASK,), (Evidence(OFF_TASK, "salad"),) if explain else ())
        found: list[tuple[int, int, str]] = []
        evidence: list[Evidence] = []
        for order, (name, regex) in enumerate(self._compiled.items()):
            for m in regex.finditer(sentence):
                if name in self._negation_sensitive and self._negation.search(sentence[: m.start()]):
                    continue
                found.append((m.start(), order, name))
                if explain:
                    evidence.append(Evidence(name, "rule", self._which_pattern(name, sentence, m.start()), m.group(0)))
                break
        found.sort()
        acts = [name for _, _, name in found]
        if len(acts) > self.max_acts_per_sentence:
            detail = f"{len(acts)} strategies in one sentence (at most {self.max_acts_per_sentence}): " + ", ".join(
                acts
            )
            return SentenceReading(sentence, (OFF_TASK,), (Evidence(OFF_TASK, "crammed", detail),) if explain else ())
        if self.model is not None and not [a for a in acts if a != self.rapport_act]:
            pred = self.model.predict(sentence, explain=explain)
            if pred is not None and (self.model_acts is None or pred[0] in self.model_acts):
                act, detail = pred
                if act not in acts:
                    acts.append(act)
                    if explain:
                        evidence.append(Evidence(act, "model", detail))
        if acts:
            return SentenceReading(sentence, tuple(acts), tuple(evidence))
        if self.rapport_act is not None:
            rapport = self._rapport.search(sentence)
            if rapport:
                where = self._which_rapport(sentence, rapport.start())
                ev = (Evidence(self.rapport_act, "rapport", where, rapport.group(0)),)
                return SentenceReading(sentence, (self.rapport_act,), ev if explain else ())
        return SentenceReading(sentence, (OFF_TASK,), (Evidence(OFF_TASK, "none"),) if explain else ())

    def _which_pattern(self, name: str, sentence: str, start: int) -> str:
        """The pattern of intent ``name`` whose match starts at ``start`` (for explanations only)."""
        for p in self.lexicon[name]:
            m = re.compile(p).search(sentence, start)
            if m is not None and m.start() == start:
                return p
        return "|".join(self.lexicon[name])

    def _which_rapport(self, sentence: str, start: int) -> str:
        for p in self._rapport_patterns:
            m = re.compile(p).search(sentence, start)
            if m is not None and m.start() == start:
                return p
        return ""

    # BEGIN deprecated British-spelling aliases (issue 13)
    #: old (British) method name -> current name; calls and subclass overrides by the old name keep working
    _DEPRECATED_METHODS: ClassVar[dict[str, str]] = {
        "explain_normalised": "explain_normalized",
        "recognise": "recognize",
        "recognise_normalised": "recognize_normalized",
    }

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A subclass that overrides a method by its old name overrides the current name too (deprecated)."""
        super().__init_subclass__(**kwargs)
        for old, new in cls._DEPRECATED_METHODS.items():
            if old in cls.__dict__ and new not in cls.__dict__:
                warnings.warn(
                    f"{cls.__qualname__}.{old} is deprecated: name it {new} (American spelling, issue 13)",
                    DeprecationWarning,
                    stacklevel=2,
                )
                setattr(cls, new, cls.__dict__[old])

    explain_normalised = _deprecated_method("explain_normalised", "explain_normalized")
    recognise = _deprecated_method("recognise", "recognize")
    recognise_normalised = _deprecated_method("recognise_normalised", "recognize_normalized")
    # END deprecated British-spelling aliases


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
        acts = self.recognizer.recognize(agent_text)
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
