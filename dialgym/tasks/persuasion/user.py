"""The scripted PersuasionForGood user: a hidden willingness to donate that the agent moves.

State: ``willingness`` in [0, 1] (starts at the persona's inclination), ``patience``
(turns left; every turn costs one, every bad move one more), the ``cap`` on the gift
(dollars, from the budget), and a few flags. All willingness dynamics are deterministic
given the agent's words; the random draws only choose phrasings and whether a reserved
person answers a personal question.

What the user hears comes from :data:`RECOGNIZER`: the task's lexicon first, then an intent
model fitted on PersuasionForGood's human strategy annotation for sentences the rules leave
without a strategy; conversation with no strategy (acknowledgements, praise, remarks on the
topic) is ``rapport`` and costs only the turn.

Per act (see :data:`GAINS` for the numbers):

* an appeal moves willingness by its gain for this person (``moved_by``) plus a small
  :data:`GENERAL_GAIN` any fresh argument earns; each further argument of the same kind
  lands half as well as the last, and saying what was already said (most of the same
  words) is "repeating yourself" (a small loss and a lost turn of patience); appeals that
  do not suit the person lose a little willingness and patience; four or more appeals in
  one turn are a sales pitch dumped on the person (a loss and a turn of patience);
* a skeptic's credibility appeals only work once they voiced their worry (they voice it
  when asked about charities or the charity, when pushed for money, or when guilt-tripped);
* foot-in-the-door unlocks tight budgets and anchors comfortable ones low;
* credibility appeals include facts about the organisation (as PersuasionForGood labels
  them): they teach an uninformed person what the charity does (extra gain); donation
  information is how giving works;
* inquiries reveal one hint at a time (personal ones only with probability ``openness``,
  higher after a greeting); asking again once everything is told costs patience;
* a proposition decides when willingness is high enough, or on the third ask, or when
  patience is nearly out; otherwise it is countered ("maybe later") and costs a little
  willingness, a little more when too early (fewer than two appeals have landed);
* off-task talk (unrelated text, gibberish) costs willingness and patience.

The gift at a decision is ``donation(willingness)``; if the episode ends without one
(truncated, or the user left), the gift still follows willingness, halved unless the
agent asked for it at some point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from dialgym.core.types import Outcome
from dialgym.simulators.intent_model import IntentModel
from dialgym.simulators.scripted import (
    IntentRecognizer,
    ReplyBank,
    ScriptedUser,
    normalize_for_matching,
    split_sentences,
)
from dialgym.tasks.persuasion.language import ACTS, ASKS_GIVING, LEXICON, NEGATION_SENSITIVE, REPLIES, TOPIC
from dialgym.tasks.persuasion.personas import BUDGET_CAP

APPEALS: tuple[str, ...] = (
    "logical_appeal",
    "emotion_appeal",
    "credibility_appeal",
    "foot_in_the_door",
    "self_modeling",
    "personal_story",
    "donation_information",
)

#: moved_by -> appeal -> base willingness gain (first use)
GAINS: dict[str, dict[str, float]] = {
    "emotion": {
        "emotion_appeal": 0.22,
        "personal_story": 0.25,
        "logical_appeal": -0.04,
        "credibility_appeal": 0.03,
        "self_modeling": 0.05,
        "donation_information": 0.04,
        "foot_in_the_door": 0.0,
    },
    "logic": {
        "logical_appeal": 0.25,
        "donation_information": 0.18,
        "credibility_appeal": 0.07,
        "emotion_appeal": -0.12,
        "personal_story": -0.10,
        "self_modeling": -0.06,
        "foot_in_the_door": 0.0,
    },
    "credibility": {  # after the concern was voiced
        "credibility_appeal": 0.32,
        "donation_information": 0.10,
        "logical_appeal": 0.05,
        "emotion_appeal": -0.15,
        "personal_story": -0.12,
        "self_modeling": -0.10,
        "foot_in_the_door": 0.0,
    },
    "social": {
        "self_modeling": 0.28,
        "personal_story": 0.08,
        "emotion_appeal": 0.06,
        "logical_appeal": -0.05,
        "credibility_appeal": -0.04,
        "donation_information": 0.02,
        "foot_in_the_door": 0.06,
    },
}
#: what any new argument for the cause does for anyone, on top of the person's own taste in arguments
#: (in PersuasionForGood every strategy is, on average, associated with giving more; the persona
#: decides which ones move a person a lot)
GENERAL_GAIN = 0.05
#: a skeptic's gains before the worry was voiced
SKEPTIC_BEFORE_CONCERN: dict[str, float] = {"credibility_appeal": 0.02, "donation_information": 0.02}
#: foot-in-the-door: extra gain and cap factor by budget
FOOT: dict[str, tuple[float, float]] = {"tight": (0.2, 1.0), "moderate": (0.0, 0.8), "comfortable": (-0.02, 0.5)}
#: willingness a proposition needs to be accepted at once
DECIDE_AT = 0.55
#: willingness below which nothing is given; full cap from FULL_AT on
ZERO_AT, FULL_AT = 0.15, 0.85
EXTRA_FOR_UNINFORMED = 0.06
#: patience an ordinary turn uses up (bad moves cost more)
TURN_COST = 1
REPEAT_LOSS = 0.05
OFF_TASK_LOSS = 0.03
EARLY_ASK_LOSS = 0.04
COUNTER_LOSS = 0.03
#: appeals after the second in one utterance land this much as well
CROWDED_FACTOR = 0.25
#: an utterance making this many appeals or more is a sales pitch dumped on the person: it costs
#: willingness and patience (real persuaders make one or two points a turn)
PITCH_DUMP = 4
PITCH_DUMP_LOSS = 0.06


#: the intent model fitted on PersuasionForGood's strategy annotation (benchmarks/fit_intent_model.py)
INTENT_MODEL_PATH = Path(__file__).with_name("intent_model.json")

#: rules first (the lexicon), the learned model for sentences the rules leave without a strategy
RECOGNIZER = IntentRecognizer(
    LEXICON,
    negation_sensitive=NEGATION_SENSITIVE,
    rapport_act="rapport",
    topic=TOPIC,
    model=IntentModel.load(INTENT_MODEL_PATH),
    # greetings and thanks are left to the rules: a guessed second greeting reads as "we already said hello"
    model_acts=[a for a in ACTS if a not in ("greeting", "thanks", "rapport", "off_task")],
    # "donate children charity trust audit please" names strategies and says nothing: off-task
    reject_salads=True,
)


_WORD = re.compile(r"[a-z]{3,}")
#: words too common to tell two utterances apart
_STOP = frozenset(
    "the and you your are for that this with have has was were will would could can they them their there "
    "what about just also very really some any all its not but from our out how who why when which been "
    "being more much many even only too so".split()
)
#: share of shared content words above which an utterance repeats an earlier one
REPEAT_OVERLAP = 0.6


def content_words(text: str) -> frozenset[str]:
    """The content words of an utterance (lower case, three letters or more, no stop words)."""
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in _STOP)


def repeats(words: frozenset[str], earlier: frozenset[str]) -> bool:
    """True when ``words`` says mostly what ``earlier`` said (Jaccard overlap >= REPEAT_OVERLAP)."""
    if len(words) < 3 or not earlier:
        return words == earlier and bool(words)
    return len(words & earlier) / len(words | earlier) >= REPEAT_OVERLAP


def donation_for(willingness: float, cap: float) -> float:
    """Dollars given at ``willingness`` with a gift cap of ``cap`` (rounded to 10 cents)."""
    frac = min(1.0, max(0.0, (willingness - ZERO_AT) / (FULL_AT - ZERO_AT)))
    return round(min(2.0, max(0.0, cap * frac)), 1)


@dataclass
class PersuasionState:
    """The scripted user's hidden dialogue state (plain fields)."""

    willingness: float
    patience: int
    openness: float
    cap: float
    informed: bool
    concern_voiced: bool = False
    greeted: bool = False
    anchored: bool = False
    landed: int = 0
    personal_told: int = 0
    task_told: int = 0
    source_told: int = 0
    asked_any: bool = False
    warned: bool = False
    decision: str = ""  # "", "donated", "refused"
    donation: float = 0.0
    left: bool = False
    asked: bool = False  # asked for a donation at some point


#: a question about what moves the person to give ("what makes a cause worth it to you?", "why do you donate?"),
#: matched on normalised text
_ASKS_MOTIVE = re.compile(
    r"\bwhat (?:usually |really |typically |most |else )?(?:makes|would make|made|gets|convinces|would convince|"
    r"moves|motivates|persuades|inspires|drives|matters) (?:you|most)\b|\bworth (?:it|supporting|giving to|your)\b|"
    r"\bwhy do you (?:usually |ever )?(?:give|donate|support)\b|\bwhat (?:kind|kinds|sort|sorts) of (?:arguments?|"
    r"reasons?|things?) (?:\w+ ){0,2}(?:convince|persuade|move|matter)"
)


#: a personal-related inquiry about the person's own giving ("have you ever donated?"), matched on normalised text
_ASKS_GIVING = re.compile("|".join(f"(?:{p})" for p in ASKS_GIVING))


def _fmt_amount(x: float) -> str:
    return f"{x:.2f}"


class PersuasionUser(ScriptedUser):
    """A crowd worker deciding whether to give part of a $2 payment to Save the Children."""

    recognizer = RECOGNIZER
    replies = ReplyBank(REPLIES)

    def _init_state(self) -> PersuasionState:
        p = self.persona
        return PersuasionState(
            willingness=float(p["inclination"]),
            patience=int(p["patience"]),
            openness=float(p["openness"]),
            cap=BUDGET_CAP[p["budget"]],
            informed=bool(p["knows_charity"]),
        )

    # ------------------------------------------------------------------ pieces
    def _personal_hints(self) -> list[str]:
        return [f"hint_{self.persona['moved_by']}", f"hint_budget_{self.persona['budget']}", "hint_filler"]

    def _task_hints(self) -> list[str]:
        incl = "hint_inclined" if self.persona["inclination"] >= 0.2 else "hint_disinclined"
        hints = [incl, f"hint_budget_{self.persona['budget']}"]
        if self.persona["moved_by"] == "credibility":
            hints.insert(0, "concern")
        return hints

    def _appeal(self, act: str, s: PersuasionState, crowded: bool = False) -> tuple[str, int]:
        """Apply one appeal; return (reply kind, patience cost).

        ``crowded``: the utterance already made two other appeals (an argument lost in a
        pile of others lands half as well).
        """
        mb = self.persona["moved_by"]
        budget = self.persona["budget"]
        base = GAINS[mb][act] + (GENERAL_GAIN if act != "foot_in_the_door" else 0.0)
        kind = ""
        if mb == "credibility" and not s.concern_voiced and act in SKEPTIC_BEFORE_CONCERN:
            base = SKEPTIC_BEFORE_CONCERN[act]
        if act == "foot_in_the_door":
            extra, factor = FOOT[budget]
            base += extra
            if factor < 1.0 and not s.anchored:
                s.cap = round(s.cap * factor, 3)
                s.anchored = True
                kind = "anchored"
        if act == "donation_information":
            if not s.informed:
                base += EXTRA_FOR_UNINFORMED
                s.informed = True
                kind = kind or "informed"
            elif self.persona["knows_charity"] and self.used(act) == 0:
                base *= 0.5
                kind = kind or "already_known"
        if act == "credibility_appeal":
            # facts about the organisation (what it does, where, how well): they also teach
            # an uninformed person what the charity is (PersuasionForGood's provide-org-facts)
            if not s.informed:
                base += EXTRA_FOR_UNINFORMED
                kind = kind or "informed"
            s.informed = True
        n = self.used(act)
        cost = 0
        if base > 0:
            # diminishing returns: a new argument of a kind already made lands half as well as the
            # last one; saying the same thing again (not merely the same kind) is repeating yourself
            if self._repeated or (n >= 2 and not self._text_known):
                gain, cost, kind = -REPEAT_LOSS, 1, "repeat"
            else:
                gain = base * 0.5**n
            if crowded and gain > 0:
                gain *= CROWDED_FACTOR
        else:
            gain, cost = base, (1 if base < 0 else 0)
            if n >= 2:
                kind = "repeat"
        s.willingness = min(1.0, max(0.0, s.willingness + gain))
        if gain >= 0.1:
            s.landed += 1
        if mb == "credibility" and act in ("emotion_appeal", "personal_story"):
            s.concern_voiced = True
        if kind:
            return kind, cost
        if gain >= 0.1 or (act == "foot_in_the_door" and budget == "tight" and gain > 0):
            if act == "foot_in_the_door":
                return "moved_foot", cost
            family = {
                "emotion_appeal": "emotion",
                "personal_story": "emotion",
                "logical_appeal": "logic",
                "donation_information": "logic",
                "credibility_appeal": "credibility",
                "self_modeling": "social",
            }[act]
            return (f"moved_{mb}" if family == mb else "mild"), cost
        if gain > 0.03:
            return "mild", cost
        if gain >= 0:
            return "flat", cost
        if mb == "logic" and act in ("emotion_appeal", "personal_story"):
            return "dislike_emotion_logic", cost
        if mb == "credibility" and act in ("emotion_appeal", "personal_story"):
            return "dislike_emotion_credibility", cost
        if mb == "credibility" and act == "self_modeling":
            return "dislike_social_credibility", cost
        if mb == "logic" and act == "self_modeling":
            return "dislike_social_logic", cost
        return "dislike_other", cost

    def _inquiry(self, act: str, s: PersuasionState, text: str = "") -> tuple[str, int]:
        if not s.asked_any:
            s.asked_any = True
            s.willingness = min(1.0, s.willingness + 0.02)
        norm = normalize_for_matching(text) if text else ""
        if act == "personal_related_inquiry" and _ASKS_GIVING.search(norm):
            # PersuasionForGood calls "have you ever donated?" personal-related, and so does the recogniser; a
            # person answers it with their giving (what a question about giving reveals), not their life story
            kind, cost = self._inquiry("task_related_inquiry", s, text)
            # ... and still answers a question about their life asked beside it ("do you have kids?")
            rest = " ".join(x for x in split_sentences(norm) if not _ASKS_GIVING.search(x))
            if rest and "personal_related_inquiry" in self.recognizer.recognize_normalized(rest):
                more, extra = self._inquiry("personal_related_inquiry", s)
                return f"{kind}+{more}", cost + extra
            return kind, cost
        if act == "personal_related_inquiry":
            hints = self._personal_hints()
            if s.personal_told >= len(hints):
                return "nothing_more", 1
            if self.rng.random() < s.openness:
                s.personal_told += 1
                return hints[s.personal_told - 1], 0
            return "deflect", (1 if self.used(act) >= 2 else 0)
        if act == "task_related_inquiry":
            if (
                self.persona["moved_by"] != "credibility"  # a skeptic's motive is the worry, voiced first below
                and s.personal_told == 0
                and _ASKS_MOTIVE.search(norm)
            ):
                # "what makes a cause worth it to you?" asks what moves them: answered with that (the first
                # personal hint), as a person answers the question asked, not with their giving history
                if self.rng.random() < s.openness:
                    s.personal_told = 1
                    return f"hint_{self.persona['moved_by']}", 0
                return "deflect", (1 if self.used(act) >= 2 else 0)
            hints = self._task_hints()
            if s.task_told >= len(hints):
                return "nothing_more", 1
            kind = hints[s.task_told]
            if kind != "concern" and self.rng.random() >= s.openness:
                return "deflect", (1 if self.used(act) >= 2 else 0)
            s.task_told += 1
            if kind == "concern":
                s.concern_voiced = True
            return kind, 0
        # source-related: knowledge of the charity (a skeptic adds the worry)
        if s.source_told >= 1:
            return "nothing_more", 1
        s.source_told = 1
        if self.persona["moved_by"] == "credibility" and not s.concern_voiced:
            s.concern_voiced = True
            return ("hint_knows" if self.persona["knows_charity"] else "hint_unknown") + "+concern", 0
        return ("hint_knows" if self.persona["knows_charity"] else "hint_unknown"), 0

    def _propose(self, s: PersuasionState) -> list[str]:
        asked_before = self.used("proposition_of_donation")
        if s.willingness >= DECIDE_AT or asked_before >= 2 or s.patience <= 1:
            s.donation = donation_for(s.willingness, s.cap)
            s.decision = "donated" if s.donation > 0 else "refused"
            if s.donation > 0:
                return ["donate"]
            return ["refuse"]
        out: list[str] = []
        # once asked, the person knows what is wanted: if they leave undecided, the gift follows willingness
        s.asked = True
        if s.landed < 2:
            s.willingness = max(0.0, s.willingness - EARLY_ASK_LOSS)
            s.patience -= 1
            out.append("too_early")
        else:
            s.willingness = max(0.0, s.willingness - COUNTER_LOSS)
            out.append("counter")
        if self.persona["moved_by"] == "credibility" and not s.concern_voiced:
            s.concern_voiced = True
            out.append("concern")
        elif not s.informed:
            out.append("what_do_they_do")
        return out

    # ------------------------------------------------------------------ hooks
    #: content words of the agent's earlier utterances (to tell a new argument from a repeated one)
    _said: tuple[frozenset[str], ...] = ()
    _repeated: bool = False
    _text_known: bool = False

    def init_state(self) -> PersuasionState:
        self._said = ()
        return self._init_state()

    def react(self, acts: list[str], text: str) -> tuple[str, bool]:
        words = content_words(text)
        # planners (the oracle) step the user with acts and no text: then the act count decides
        self._text_known = bool(text)
        self._repeated = bool(words) and any(repeats(words, earlier) for earlier in self._said)
        if words:
            self._said = (*self._said, words)
        return self._react(acts, text)

    def _react(self, acts: list[str], text: str) -> tuple[str, bool]:
        s: PersuasionState = self.state
        kinds: list[str] = []
        cost = 0
        first_turn = self.turn == 1
        propose = False
        appeals = 0
        if sum(1 for a in set(acts) if a in APPEALS) >= PITCH_DUMP:
            s.willingness = max(0.0, s.willingness - PITCH_DUMP_LOSS)
            cost += 1
            kinds.append("pitch_dump")
        for act in dict.fromkeys(acts):
            if act == "proposition_of_donation":
                propose = True
            elif act in APPEALS:
                kind, c = self._appeal(act, s, crowded=appeals >= 2)
                appeals += 1
                kinds.append(kind)
                cost += c
            elif act.endswith("_inquiry"):
                kind, c = self._inquiry(act, s, text)
                kinds.extend(kind.split("+"))
                cost += c
            elif act == "greeting":
                if not s.greeted:
                    s.greeted = True
                    if first_turn:
                        s.openness = min(1.0, s.openness + 0.2)
                        s.willingness = min(1.0, s.willingness + 0.02)
                    kinds.append("greet_back")
                else:  # a second hello is small talk, not an offence
                    kinds.append("greet_again")
            elif act == "rapport":
                # ordinary conversation (acknowledgements, praise, remarks): costs the turn, nothing more
                kinds.append("rapport_reply")
            elif act == "thanks":
                if self.used("thanks") == 0:
                    kinds.append("thanks_reply")
                else:
                    kinds.append("thanks_again")
            else:  # off_task
                s.willingness = max(0.0, s.willingness - OFF_TASK_LOSS)
                kinds.append("off_task")
                cost += 1
        s.patience -= TURN_COST + cost
        if propose:
            kinds.extend(self._propose(s))
        if s.decision:
            # the decision is what the user answers with; keep at most one reaction before it
            final = "donate" if s.decision == "donated" else "refuse"
            kinds = [*[k for k in kinds if k not in ("donate", "refuse")][-1:], final]
            return self._compose(kinds), True
        if s.patience <= 0:
            s.left = True
            return self._compose([*kinds[-1:], "leave"]), True
        if s.patience <= 2 and not s.warned:
            s.warned = True
            kinds.append("time_warning")
        return self._compose(kinds), False

    #: skip phrasing replies (planners that simulate the user only need the state)
    quiet: bool = False

    def clone(self) -> PersuasionUser:
        """A cheap copy for planning (shares the persona and the RNG, copies the state)."""
        u = object.__new__(PersuasionUser)
        u.__dict__.update(self.__dict__)
        st = object.__new__(PersuasionState)
        st.__dict__.update(self.state.__dict__)
        u.state = st
        u.act_counts = dict(self.act_counts)
        return u

    def _compose(self, kinds: list[str]) -> str:
        if self.quiet:
            return ""
        # drop duplicates, keep the last three pieces (the newest matter most)
        kinds = list(dict.fromkeys(kinds))[-3:] or ["flat"]
        parts = []
        for k in kinds:
            if k == "donate":
                parts.append(self.say(k, amount=_fmt_amount(self.state.donation)))
            else:
                parts.append(self.say(k))
        return " ".join(parts)

    def final_donation(self) -> float:
        s: PersuasionState = self.state
        if s.decision:
            return s.donation
        value = donation_for(s.willingness, s.cap)
        if not s.asked:
            value = round(value * 0.5, 1)
        return value

    def outcome(self, truncated: bool) -> Outcome:
        s: PersuasionState = self.state
        donation = self.final_donation()
        if s.decision:
            decision = s.decision
        elif s.left:
            decision = "left"
        else:
            decision = "undecided"
        return Outcome(
            reward=float(donation),
            success=donation > 0,
            details={
                "donation": float(donation),
                "decision": decision,
                "willingness": round(float(s.willingness), 4),
                "truncated": bool(truncated),
            },
        )
