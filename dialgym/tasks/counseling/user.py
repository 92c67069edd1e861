"""The scripted help-seeker of Counseling-v0.

Hidden state (all plain floats/ints/lists, updated with running counters only):

* ``distress``: the emotional intensity, a float on the 1-5 scale that mistakes can push up to
  :data:`MAX_DISTRESS` (the outcome rounds it and clips it to 1-5);
* ``trust``: how safe the seeker feels; disclosures need ``trust >= persona["guard"]``;
* ``understood``: how understood the seeker feels; suggestions and information only land
  once ``understood >= persona["understanding_needed"]`` (before that, advice backfires);
* ``patience``: off-task talk, redundant questions, hollow reassurance and premature advice
  use it up; at zero the seeker leaves.

Disclosure is gradual and only on request: each *question* can reveal one thing, in the order
problem, emotion, (second emotion), what kind of help works; the first disclosure needs
``persona["openness"]`` questions. Reflections and paraphrases are checked against the persona:
the emotion/problem words the agent uses (see :mod:`.language`) must be the right ones *and*
already disclosed to count; naming a wrong emotion or problem costs trust and raises distress.
Dynamics use no randomness (only the wording of replies is drawn from the RNG), so replaying
a prefix reproduces the state exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dialgym.core.types import Outcome
from dialgym.simulators.scripted import OFF_TASK, ReplyBank, ScriptedUser
from dialgym.tasks.counseling.language import (
    RECOGNIZER,
    REPLIES,
    named_emotions,
    named_problems,
    named_suggestions,
    normalize,
)

CONTENT_ACTS = ("reflection_of_feelings", "restatement_or_paraphrasing")
#: order in which the seeker processes the strategies of one utterance
_ORDER = (
    "others",
    "affirmation_and_reassurance",
    "reflection_of_feelings",
    "restatement_or_paraphrasing",
    "self_disclosure",
    "information",
    "providing_suggestions",
    "question",
)
#: at most this many strategies of one utterance take effect (the first ones said)
MAX_ACTS_PER_TURN = 2
#: more strategies than this in one utterance overwhelm the seeker (costs patience)
OVERWHELM_ACTS = 3
START_TRUST = 0.5
#: hidden distress may climb above the top of the 1-5 scale (the outcome clips it), so that
#: mistakes made with a seeker who starts at 5 still have to be undone
MAX_DISTRESS = 6.0
#: distress at or below which a seeker who got helpful advice says goodbye
LEAVE_BETTER_AT = 1.5
#: turns of nothing but rapport (greetings, thanks, small talk) the seeker takes in stride; after that each such
#: turn lets the distress creep back (the turn is spent, nothing helped); no trust or patience is lost, unlike
#: off-task text
FREE_RAPPORT_TURNS = 2
IDLE_DISTRESS = 0.08
#: an utterance that repeats this much of the seeker's last message word for word is parroting, not listening
PARROT_MIN_WORDS = 6
PARROT_SHARE = 0.6


#: the agent claims the seeker already feels better / is fixed (heard before any strategy)
_CLAIMS_BETTER = re.compile(
    r"\byou (?:are|have been|seem|sound|are already|are now) (?:feeling |doing )?(?:so |much |a lot |way |far )*"
    r"(?:better|calm(?:er)?|fine now|okay now|ok now|good now|hopeful again|happy again|cured|healed)\b"
    # "you're doing better than you think" is reassurance, not a claim that the seeker feels better
    r"(?! than (?:you|it|they|that|most|many|a lot|some))|"
    r"\byou (?:feel|felt|said you feel) (?:so |much |a lot |way |far )*(?:better|good|calm|fine)\b"
    r"(?! than (?:you|it|they|that|most|many|a lot|some))|"
    r"\b(?:your|the) problem is (?:solved|fixed|gone|over)\b|\bfeeling (?:calm|hopeful|good|fine|great) again\b"
)


@dataclass
class SeekerState:
    distress: float
    trust: float
    understood: float
    patience: float
    reveal_plan: list[str]
    stage: str = "exploration"
    n_revealed: int = 0
    questions_pending: int = 0
    redundant_questions: int = 0
    revealed_emotions: list[str] = field(default_factory=list)
    problem_revealed: bool = False
    help_revealed: bool = False
    reflected: list[str] = field(default_factory=list)
    reflect_repeats: int = 0
    generic_reflections: int = 0
    restated: bool = False
    restate_repeats: int = 0
    generic_restatements: int = 0
    wrong_namings: int = 0
    right_suggestions: int = 0
    wrong_suggestions: int = 0
    generic_suggestions: int = 0
    premature_suggestions: int = 0
    helped: bool = False
    ended: str = ""
    rapport_turns: int = 0
    parroted: int = 0
    last_line: str = ""


class CounselingUser(ScriptedUser):
    """A help-seeker (ESConv) with a hidden emotion, problem and way of being helped."""

    recognizer = RECOGNIZER
    replies = ReplyBank(REPLIES)
    state: SeekerState  # what init_state builds (the base class holds any task's state)

    # ------------------------------------------------------------------ hooks
    def init_state(self) -> SeekerState:
        p = self.persona
        plan = ["problem", "emotion"] + (["emotion2"] if p.get("secondary_emotion") else []) + ["help"]
        return SeekerState(
            distress=float(p["initial_intensity"]),
            trust=START_TRUST,
            understood=0.0,
            patience=float(p["patience"]),
            reveal_plan=plan,
        )

    def opening(self) -> str:
        line = self.say("opening")
        self.state.last_line = line
        return line

    @property
    def true_emotions(self) -> list[str]:
        p = self.persona
        return [p["emotion"]] + ([p["secondary_emotion"]] if p.get("secondary_emotion") else [])

    def feels_understood(self) -> bool:
        needed: float = self.persona["understanding_needed"]  # CounselingPersona.understanding_needed
        return self.state.understood >= needed - 1e-9

    # ------------------------------------------------------------------ effects
    def _relief(self, amount: float) -> None:
        s = self.state
        s.distress = max(1.0, s.distress - amount * self.persona["resilience"])

    def _hurt(self, amount: float) -> None:
        s = self.state
        s.distress = min(MAX_DISTRESS, s.distress + amount)

    def react(self, acts: list[str], text: str) -> tuple[str, bool]:
        s = self.state
        out: list[str] = []
        if _CLAIMS_BETTER.search(normalize(text)) and s.distress > LEAVE_BETTER_AT + 1.0:
            # telling a seeker who still hurts that they feel better is invalidating, not support
            s.patience -= 1.0
            s.trust -= 0.1
            self._hurt(0.1)
            return self._close(self.say("false_claim"))
        if acts == [OFF_TASK]:
            s.patience -= 1.0
            s.trust -= 0.1
            self._hurt(0.1)
            return self._close(self.say("off_task"))
        if self._parrots(text):
            s.parroted += 1
            s.patience -= 0.5
            s.trust -= 0.05
            return self._close(self.say("parroted"))
        strategies = [a for a in acts if a != "others"]
        if len(strategies) > OVERWHELM_ACTS:
            s.patience -= 1.0
            out.append(self.say("overwhelmed"))
        # rapport around a strategy ("I'm sorry to hear that. What happened?") is ordinary politeness: it takes
        # no slot from the strategies and has no effect of its own; a turn of nothing but rapport is answered
        # by _others
        applied = set(strategies[:MAX_ACTS_PER_TURN]) if strategies else {"others"}
        norm = normalize(text) if applied & {*CONTENT_ACTS, "providing_suggestions"} else ""
        content = None
        if applied & set(CONTENT_ACTS):
            content, wrong_reply = self._check_content(norm)
            if wrong_reply:
                out.append(wrong_reply)
        for act in _ORDER:
            if act not in applied:
                continue
            if act in CONTENT_ACTS:
                if content is None:  # named a wrong emotion/problem: already answered
                    continue
                reply = self._content(act, *content)
            else:
                reply = getattr(self, "_" + act)(norm)
            if reply:
                out.append(reply)
        s.trust = min(1.5, max(0.0, s.trust))
        s.understood = max(0.0, s.understood)
        return self._close(" ".join(out[-2:]))

    def _parrots(self, text: str) -> bool:
        """True when ``text`` repeats most of the seeker's last message word for word (an echo, not a paraphrase)."""
        last = normalize(self.state.last_line).split()
        if len(last) < PARROT_MIN_WORDS:
            return False
        mine = f" {normalize(text)} "
        n = len(last)
        span = max(PARROT_MIN_WORDS, int(PARROT_SHARE * n + 0.999))
        return any(f" {' '.join(last[i : i + span])} " in mine for i in range(n - span + 1))

    def _close(self, reply: str) -> tuple[str, bool]:
        s = self.state
        s.last_line = reply
        if s.n_revealed < 2:
            s.stage = "exploration"
        elif not self.feels_understood():
            s.stage = "comforting"
        else:
            s.stage = "action"
        if s.helped and s.distress <= LEAVE_BETTER_AT + 1e-9:
            s.ended = "better"
            return (reply + " " + self.say("leave_better")).strip(), True
        if s.patience <= 0:
            s.ended = "left"
            self._hurt(0.3)
            return (reply + " " + self.say("leave_upset")).strip(), True
        return reply, False

    # -- strategies -------------------------------------------------------------
    def _others(self, norm: str) -> str:
        s = self.state
        s.rapport_turns += 1
        if s.rapport_turns == 1:
            s.trust += 0.1
            return self.say("others_ok")
        if s.rapport_turns > FREE_RAPPORT_TURNS:
            self._hurt(IDLE_DISTRESS)
        return self.say("others_repeat")

    def _affirmation_and_reassurance(self, norm: str) -> str:
        s = self.state
        n = self.used("affirmation_and_reassurance")
        if n >= 3:
            s.patience -= 1.0
            self._hurt(0.1)
            return self.say("affirm_hollow")
        s.trust += (0.25, 0.15, 0.05)[n]
        if n < 2:
            s.understood += 0.1
        relief = 0.3 if s.understood >= 0.5 else 0.1
        self._relief(relief * (1.0 if n == 0 else 0.5))
        return self.say("affirm_ok")

    def _check_content(self, norm: str) -> tuple[tuple[list[str], str, str] | None, str]:
        """Classify the emotions/problems a reflection or paraphrase names; punish wrong ones.

        Returns ``((named emotions, emotion class, problem class), "")``, or ``(None, reply)``
        after a wrong naming (which costs trust and understanding and raises distress).
        """
        s = self.state
        p = self.persona
        emos = named_emotions(norm, normalized=True)
        probs = named_problems(norm, normalized=True)
        emo = _classify(emos, self.true_emotions, s.revealed_emotions, limit=len(self.true_emotions) + 1)
        prob = _classify(probs, [p["problem"]], [p["problem"]] if s.problem_revealed else [], limit=2)
        if "wrong" in (emo, prob):
            s.wrong_namings += 1
            s.trust -= 0.2
            s.understood -= 0.2
            self._hurt(0.3)
            return None, self.say("reflect_wrong" if emo == "wrong" else "restate_wrong")
        return (emos, emo, prob), ""

    def _content(self, act: str, emos: list[str], emo: str, prob: str) -> str:
        """Reflection of feelings / restatement, given the classified content."""
        s = self.state
        if act == "reflection_of_feelings":
            if emo == "known":
                new = [e for e in emos if e in s.revealed_emotions and e not in s.reflected]
                if new:
                    s.reflected.extend(new)
                    s.understood += 0.5 * len(new)
                    s.trust += 0.15
                    self._relief(0.6)
                    return self.say("reflect_right")
                s.reflect_repeats += 1
                s.understood += 0.15 / s.reflect_repeats
                self._relief(0.15 / s.reflect_repeats)
                return self.say("reflect_repeat")
            if emo == "guess":
                s.understood += 0.1
                return self.say("reflect_guess")
            s.generic_reflections += 1
            g = s.generic_reflections
            if g > 2:  # the same vague empathy again, still naming nothing: it starts to sound hollow
                s.patience -= 0.5
                self._hurt(0.05)
            s.understood += 0.2 / g
            s.trust += 0.05
            if g == 1:
                self._relief(0.05)
            if prob == "known":
                s.understood += 0.05
            return self.say("reflect_generic")
        # restatement_or_paraphrasing
        if prob == "known":
            if not s.restated:
                s.restated = True
                s.understood += 0.35
                s.trust += 0.1
                self._relief(0.3)
            else:
                s.restate_repeats += 1
                s.understood += 0.1 / s.restate_repeats
                self._relief(0.05 / s.restate_repeats)
                if s.restate_repeats > 2:
                    s.patience -= 0.5
            if emo == "known":
                s.understood += 0.05
            return self.say("restate_right")
        if prob == "guess":
            s.understood += 0.05
            return self.say("restate_guess")
        s.generic_restatements += 1
        s.understood += 0.15 / s.generic_restatements
        if s.generic_restatements > 2:  # the same empty paraphrase again: not listening
            s.patience -= 0.5
            self._hurt(0.05)
        if emo == "known":
            s.understood += 0.05
        return self.say("restate_generic")

    def _self_disclosure(self, norm: str) -> str:
        s = self.state
        n = self.used("self_disclosure")
        if n == 0 and s.understood >= 0.5:
            s.understood += 0.1
            self._relief(0.15)
            return self.say("disclose_ok")
        if n == 0:
            s.trust -= 0.05
            return self.say("disclose_early")
        s.patience -= 1.0
        self._hurt(0.05)
        return self.say("disclose_bad")

    def _information(self, norm: str) -> str:
        s = self.state
        n = self.used("information")
        if not self.feels_understood():
            if n == 0:
                self._hurt(0.1)
            else:
                s.patience -= 0.5
                self._hurt(0.05)
            return self.say("info_early")
        if n < 2:
            self._relief((0.3, 0.15)[n])
            return self.say("info_ok")
        s.patience -= 0.5
        return self.say("info_repeat")

    def _providing_suggestions(self, norm: str) -> str:
        s = self.state
        p = self.persona
        if not self.feels_understood():
            s.premature_suggestions += 1
            self._hurt(0.4 * p["advice_sensitivity"])
            s.trust -= 0.2
            s.understood -= 0.1
            s.patience -= 1.0
            return self.say("sugg_premature")
        kinds = named_suggestions(norm, normalized=True)
        helps = p["helpful_suggestion"]
        if not kinds:
            s.generic_suggestions += 1
            if s.generic_suggestions <= 2:
                self._relief((0.3, 0.15)[s.generic_suggestions - 1])
            return self.say("sugg_generic")
        if helps not in kinds:
            s.wrong_suggestions += 1
            s.trust -= 0.1
            self._hurt(0.25 * s.wrong_suggestions)
            if s.wrong_suggestions >= 2:
                s.patience -= 1.0
            return self.say("sugg_wrong")
        receptive = max(0.4, 1.0 - 0.3 * s.wrong_suggestions)
        if len(kinds) > 1:  # a scattershot of advice: half the effect
            receptive *= 0.5
        n = s.right_suggestions
        s.right_suggestions += 1
        s.helped = True
        self._relief((1.2, 0.6, 0.2, 0.0)[min(n, 3)] * receptive)
        return self.say("sugg_right" if n == 0 else "sugg_right_again")

    def _question(self, norm: str) -> str:
        s = self.state
        p = self.persona
        if s.n_revealed >= len(s.reveal_plan):
            s.redundant_questions += 1
            if s.redundant_questions >= 2:
                s.patience -= 1.0
                self._hurt(0.05)
            return self.say("nothing_new")
        s.questions_pending += 1
        needed = p["openness"] if s.n_revealed == 0 else 1
        if s.trust < p["guard"] - 1e-9:
            return self.say("deflect_guarded")
        if s.questions_pending < needed:
            return self.say("deflect_slow")
        what = s.reveal_plan[s.n_revealed]
        s.n_revealed += 1
        s.questions_pending = 0
        s.understood += 0.15
        if what == "problem":
            s.problem_revealed = True
            return self.say("reveal_" + p["problem"])
        if what == "emotion":
            s.revealed_emotions.append(p["emotion"])
            return self.say("reveal_" + p["emotion"])
        if what == "emotion2":
            s.revealed_emotions.append(p["secondary_emotion"])
            return self.say("reveal_more_emotion") + " " + self.say("reveal_" + p["secondary_emotion"])
        s.help_revealed = True
        return self.say("reveal_" + p["helpful_suggestion"])

    # ------------------------------------------------------------------ outcome
    def outcome(self, truncated: bool) -> Outcome:
        s = self.state
        initial = int(self.persona["initial_intensity"])
        final = int(min(5, max(1, int(s.distress + 0.5))))
        drop = initial - final
        success = drop >= 2 or (final <= 2 and drop >= 1)
        return Outcome(
            reward=float(drop),
            success=bool(success),
            details={
                "initial_intensity": initial,
                "final_intensity": final,
                "intensity_drop": drop,
                "feels_understood": bool(self.feels_understood()),
                "helped": bool(s.helped),
                "stage": s.stage,
                "ended": s.ended or ("truncated" if truncated else ""),
            },
        )


def _classify(named: list[str], true: list[str], known: list[str], limit: int) -> str:
    """``"none"``, ``"vague"`` (too many named), ``"wrong"``, ``"guess"`` (right, not yet told) or ``"known"``."""
    if not named:
        return "none"
    if len(named) > limit:
        return "vague"
    right = [x for x in named if x in true]
    if not right:
        return "wrong"
    return "known" if any(x in known for x in right) else "guess"
