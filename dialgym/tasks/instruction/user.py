"""The scripted learner of Instruction-v0: dynamics of comprehension and patience.

State: ``comprehension`` in [0, 1] (starts at 0.05 / 0.2 / 0.4 for a novice / intermediate /
advanced learner) and ``patience``. Each agent turn:

* an explanation raises comprehension by ``rate * (1 - comprehension)``, with
  ``rate = 0.5 * style_fit * level_fit * 0.85 ** (earlier explanations in this style)``;
  ``style_fit`` is 1 for the learner's style and 0.3 otherwise (and costs 0.25 patience);
  ``level_fit`` is 1 at the learner's level, 0.3 / 0 one / two levels above it (confusion:
  0.75 / 1.25 patience) and 0.45 / 0.15 one / two levels below (boredom: 0.5 / 1.0 patience);
  an utterance mixing styles serves the learner's style if present, at 0.6 of the gain;
* a quiz (``check_understanding``) consolidates: +0.3 * (1 - c) when c >= 0.6 (halved for every
  earlier passed quiz), +0.1 * (1 - c) when c >= 0.35, otherwise the learner cannot answer
  (0.5 patience); for an overconfident learner the first quiz shows the gap: from then on they
  are calibrated (tell their true level, stop pretending);
* a summary after some explanation adds 0.15 * (1 - c) (halved each time), before any costs 0.5
  patience; encouragement gives back patience (0.75, then 0.25, then it grates);
* the first question about background / preference gets one hint in natural words (the preference
  is what the learner *believes* works, ``claimed_style``: some say a style that does not help them,
  or that they do not know; a wrong style then shows in their reactions), repeats
  cost 0.25 patience each; a greeting after the first turn and off-task talk cost patience
  (0.25 and 1); every turn costs 0.4 patience (their time);
* rapport (thanks, acknowledgements, praise, closings, talk about the topic) gets a neutral reply
  and costs only the turn: it is ordinary conversation, not off-task;
* an explanation must be about the concept (:func:`~dialgym.tasks.instruction.language.about_concept`:
  it names the concept and one of its key ideas, or two key ideas); an explanation of something
  else, or cue words with no content, is heard as off-task (or, beside other strategies, dropped
  at half the off-task cost); an explanation of "this idea" in general words, with no key idea,
  teaches at ``VAGUE_GAIN`` (agents that phrase acts without knowing the concept speak that way);
* a turn with more than ``MAX_STRATEGIES`` distinct strategies overwhelms the learner: they take
  in none of it and lose 0.75 patience (no tutor teaches everything at once; a message that
  crams every strategy is a way to game the learner);
* a quiz before any explanation teaches nothing (it still shows an overconfident learner the gap).

The learner ends the episode when they *feel* they understand (felt comprehension >= 0.8; an
uncalibrated overconfident learner feels 0.35 more than they know, so they may leave without
understanding) or gives up when patience reaches 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from dialgym.core.types import Outcome, UserTurn
from dialgym.simulators.scripted import OFF_TASK, ScriptedUser, normalize_for_matching
from dialgym.tasks.instruction.language import (
    CONCEPTS,
    EXPLAIN_ACTS,
    LEVELS,
    MIN_KEY_IDEAS,
    RAPPORT,
    RECOGNIZER,
    REPLY_BANK,
    STYLE_OF,
    about_concept,
    key_ideas,
    recognize_level,
    scene_is_instance,
    vague_about_concept,
)
from dialgym.tasks.instruction.personas import LEVEL_NAMES

THRESHOLD = 0.8
START_COMPREHENSION = {"novice": 0.05, "intermediate": 0.2, "advanced": 0.4}
OVERCONFIDENCE_BONUS = 0.35
BASE_RATE = 0.5
STYLE_MISMATCH = 0.3
STYLE_DECAY = 0.85
#: explanation level minus learner level -> (gain factor, patience cost)
LEVEL_FIT = {-2: (0.15, 1.0), -1: (0.45, 0.5), 0: (1.0, 0.0), 1: (0.3, 0.75), 2: (0.0, 1.25)}
WRONG_STYLE_COST = 0.25
#: every turn takes some of the learner's time and attention (probing, like teaching, has a price)
TURN_COST = 0.4
#: the reward of a lesson understood: 1 after one agent turn, LESSON_TURN_PRICE less per further turn (the
#: learner's time), never below LESSON_FLOOR (understanding always beats not understanding, 0)
LESSON_TURN_PRICE, LESSON_FLOOR = 0.02, 0.5
QUIZ_PASS, QUIZ_PARTIAL = 0.6, 0.35
MAX_PARTS = 3
#: gain factor when one utterance mixes several explanation styles (too much at once)
MIXED_STYLES = 0.6
#: gain factor of an explanation that only speaks of "this idea" in general terms (no key idea of the concept)
VAGUE_GAIN = 0.5
#: more distinct strategies than this in one turn overwhelm the learner (real turns carry one to three)
MAX_STRATEGIES = 4
OVERWHELM_COST = 0.75
OFF_TASK_COST = 1.0


@dataclass
class LearnerState:
    comprehension: float
    patience: float
    calibrated: bool
    n_examples: int = 0
    n_analogies: int = 0
    n_formal: int = 0
    quizzes: int = 0
    quizzes_passed: int = 0
    summaries: int = 0
    encouragements: int = 0
    background_asks: int = 0
    preference_asks: int = 0
    off_task: int = 0
    off_concept: int = 0
    overwhelmed: int = 0
    ended_by: str = ""


_STYLE_FIELD = {"examples": "n_examples", "analogies": "n_analogies", "formal": "n_formal"}



def lesson_reward(understood: bool, turns: int) -> float:
    """The reward of a lesson: 0 unless understood; else 1 for one agent turn, less for each further turn.

    Why the length counts: a tutor who finds the right explanation in two turns has taught better than one
    who needed six (the learner's time is the cost of teaching), and without it every agent that gets there
    scores the same 1.0, so the reference agents tie at the top.
    """
    if not understood:
        return 0.0
    return round(max(LESSON_FLOOR, 1.0 - LESSON_TURN_PRICE * max(0, turns - 1)), 4)


class LearnerUser(ScriptedUser):
    """A learner with a hidden knowledge level, learning style and maybe overconfidence."""

    recognizer = RECOGNIZER
    replies = REPLY_BANK
    state: LearnerState  # what init_state builds (the base class holds any task's state)

    # ------------------------------------------------------------------ hooks
    def init_state(self) -> LearnerState:
        p = self.persona
        self._off_concept = False
        self._vague = False
        return LearnerState(
            comprehension=START_COMPREHENSION[p["level"]],
            patience=float(p["patience"]),
            calibrated=not p["overconfident"],
        )

    @property
    def topic(self) -> str:
        return CONCEPTS[self.persona["concept"]]

    def opening(self) -> str:
        return self.say("opening", topic=self.topic)

    def felt(self) -> float:
        s = self.state
        return s.comprehension + (0.0 if s.calibrated else OVERCONFIDENCE_BONUS)

    def stated_level(self) -> str:
        level: str = self.persona["level"] if self.state.calibrated else self.persona["claimed_level"]
        return level

    def respond(self, agent_text: str) -> UserTurn:
        """Hear the turn (:meth:`hear`), then react as the engine does."""
        acts = self.hear(self.recognizer.recognize(agent_text), agent_text)
        self.turn += 1
        reply, done = self.react(acts, agent_text)
        for act in acts:
            self.act_counts[act] = self.act_counts.get(act, 0) + 1
        return UserTurn(text=reply, acts=acts, done=bool(done))

    def hear(self, acts: list[str], text: str) -> list[str]:
        """The recognised acts, judged in context: talk about the concept that names no strategy is
        rapport, not off-task; a pictured scene that is a case of the concept and compares nothing is
        an example, not an analogy (:func:`~dialgym.tasks.instruction.language.scene_is_instance`); an
        explanation that is not about this learner's concept is no explanation (off-task when nothing
        else was said; otherwise dropped, and remembered in ``self._off_concept`` for :meth:`react`)."""
        self._off_concept = False
        self._vague = False
        concept = self.persona["concept"]
        if acts == [OFF_TASK] and len(key_ideas(text, concept)) >= MIN_KEY_IDEAS:
            # talk about the concept that names no strategy is conversation about the topic, not off-task
            return [RAPPORT]
        if "explain_with_analogy" in acts and "explain_with_example" not in acts and scene_is_instance(text, concept):
            # "think of a sunflower ..." to a photosynthesis learner pictures a case, compares nothing: an example
            acts = ["explain_with_example" if a == "explain_with_analogy" else a for a in acts]
        if any(a in EXPLAIN_ACTS for a in acts) and not about_concept(text, concept):
            if vague_about_concept(text, concept):
                self._vague = True
                return acts
            rest = [a for a in acts if a not in EXPLAIN_ACTS]
            if [a for a in rest if a not in (RAPPORT, OFF_TASK)]:
                self._off_concept = True
                return rest
            return [OFF_TASK]
        return acts

    def react(self, acts: list[str], text: str) -> tuple[str, bool]:
        s = self.state
        p = self.persona
        topic = self.topic
        parts: list[str] = []
        s.patience -= TURN_COST
        explained = False
        strategies = [a for a in acts if a not in (OFF_TASK, RAPPORT)]
        if len(set(strategies)) > MAX_STRATEGIES:
            s.overwhelmed += 1
            s.patience -= OVERWHELM_COST
            return self._close(self.say("overwhelmed"))
        if getattr(self, "_off_concept", False):
            s.off_concept += 1
            s.patience -= OFF_TASK_COST / 2
            parts.append(self.say("off_concept", topic=topic))
        for act in acts:
            if act == OFF_TASK:
                s.off_task += 1
                s.patience -= OFF_TASK_COST
                parts.append(self.say("off_task", topic=topic))
            elif act == RAPPORT:
                parts.append(self.say("rapport_reply", topic=topic))
            elif act == "greeting":
                if self.turn == 1 and self.used("greeting") == 0:
                    parts.append(self.say("greeting_reply"))
                else:
                    s.patience -= 0.25
                    parts.append(self.say("greeting_again"))
            elif act == "ask_background":
                if s.background_asks > 0:
                    s.patience -= 0.25 * s.background_asks
                    parts.append(self.say("ask_again"))
                s.background_asks += 1
                parts.append(self.say("bg_" + self.stated_level()))
            elif act == "ask_preference":
                if s.preference_asks > 0:
                    s.patience -= 0.25 * s.preference_asks
                    parts.append(self.say("ask_again"))
                s.preference_asks += 1
                parts.append(self.say("pref_" + p.get("claimed_style", p["style"])))
            elif act in EXPLAIN_ACTS:
                if explained:
                    continue  # all the explanation in one utterance is taken in at once
                explained = True
                styles = [STYLE_OF[a] for a in acts if a in EXPLAIN_ACTS]
                parts.append(self._explain(styles, recognize_level(normalize_for_matching(text))))
            elif act == "check_understanding":
                parts.append(self._quiz())
            elif act == "summarize":
                if s.n_examples + s.n_analogies + s.n_formal == 0:
                    s.patience -= 0.5
                    parts.append(self.say("summary_early"))
                elif s.summaries > 0:
                    s.comprehension += 0.15 * (0.5**s.summaries) * (1.0 - s.comprehension)
                    parts.append(self.say("summary_again"))
                else:
                    s.comprehension += 0.15 * (1.0 - s.comprehension)
                    parts.append(self.say("summary_good"))
                s.summaries += 1
            elif act == "encourage":
                bonus = (0.75, 0.25)[s.encouragements] if s.encouragements < 2 else -0.25
                s.patience += bonus
                s.encouragements += 1
                parts.append(self.say("encourage_good" if bonus > 0 else "encourage_again"))
        # a long multi-act turn still gets a short, person-like answer
        return self._close(" ".join(parts[:MAX_PARTS]))

    def _close(self, reply: str) -> tuple[str, bool]:
        """End the episode if the learner feels they understand or has run out of patience."""
        s = self.state
        s.comprehension = min(1.0, s.comprehension)
        if self.felt() >= THRESHOLD:
            s.ended_by = "understood" if s.comprehension >= THRESHOLD else "left_early"
            return (reply + " " + self.say("end_understood")).strip(), True
        if s.patience <= 0.0:
            s.ended_by = "gave_up"
            return (reply + " " + self.say("end_give_up")).strip(), True
        return reply, False

    # ------------------------------------------------------------------ dynamics
    def _explain(self, styles: list[str], level: str) -> str:
        s = self.state
        p = self.persona
        # several styles in one utterance: the learner takes what suits them, diluted
        style = p["style"] if p["style"] in styles else styles[0]
        mix = 1.0 if len(styles) == 1 else MIXED_STYLES
        field = _STYLE_FIELD[style]
        n_same = getattr(s, field)
        setattr(s, field, n_same + 1)
        diff = LEVELS.index(level) - LEVEL_NAMES.index(p["level"])
        level_gain, level_cost = LEVEL_FIT[diff]
        match = style == p["style"]
        vague = VAGUE_GAIN if getattr(self, "_vague", False) else 1.0
        rate = BASE_RATE * mix * vague * level_gain * (1.0 if match else STYLE_MISMATCH) * (STYLE_DECAY**n_same)
        s.comprehension += rate * (1.0 - s.comprehension)
        if not s.calibrated:
            # believes they are at the claimed level: pretends to follow what is over their
            # head, and is mildly put off by anything below the claimed level
            perceived = LEVELS.index(level) - LEVEL_NAMES.index(p["claimed_level"])
            if perceived < 0:
                s.patience -= 0.25
                return self.say("expl_bored")
            if not match:
                s.patience -= WRONG_STYLE_COST
                return self.say("expl_meh")
            return self.say("expl_pretend") if diff > 0 else self.say("expl_good")
        s.patience -= level_cost
        if diff > 0:
            return self.say("expl_confused")
        if diff < 0:
            return self.say("expl_bored")
        if not match:
            s.patience -= WRONG_STYLE_COST
            return self.say("expl_meh")
        if n_same >= 3:
            return self.say("expl_tired")
        return self.say("expl_good")

    def _quiz(self) -> str:
        s = self.state
        c = s.comprehension
        s.quizzes += 1
        if not s.calibrated:
            s.calibrated = True
            s.patience -= 0.25
            if c >= QUIZ_PASS:
                s.comprehension += 0.3 * (0.5**s.quizzes_passed) * (1.0 - c)
                s.quizzes_passed += 1
            return self.say("quiz_gap_" + self.persona["level"])
        if c >= QUIZ_PASS:
            s.comprehension += 0.3 * (0.5**s.quizzes_passed) * (1.0 - c)
            s.quizzes_passed += 1
            return self.say("quiz_pass")
        if c >= QUIZ_PARTIAL:
            if s.n_examples + s.n_analogies + s.n_formal > 0:  # consolidates what was taught, nothing else
                s.comprehension += 0.1 * (1.0 - c)
            return self.say("quiz_partial")
        s.patience -= 0.5
        return self.say("quiz_fail")

    def outcome(self, truncated: bool) -> Outcome:
        s = self.state
        c = float(min(1.0, s.comprehension))
        understood = c >= THRESHOLD
        ended_by = "truncated" if truncated else (s.ended_by or "understood")
        return Outcome(
            reward=lesson_reward(understood, self.turn),
            success=understood,
            details={
                "turns": self.turn,
                "comprehension": round(c, 4),
                "understood": understood,
                "threshold": THRESHOLD,
                "concept": self.persona["concept"],
                "ended_by": ended_by,
                "patience_left": round(float(s.patience), 4),
            },
        )
