"""Instruction-v0: teach a learner a concept until they truly understand it.

## Description

The agent is a tutor. A learner opens by asking about one concept from a small catalogue
(compound interest, photosynthesis, recursion, supply and demand). Learners differ in what they
already know (novice, intermediate, advanced), in what kind of explanation works for them
(concrete examples, analogies, formal definitions) and, among the ``hard`` personas, in being
overconfident: they claim to know far more than they do. Nor do all learners know how they learn:
some name a kind of explanation that does not help them, or cannot say (a tenth on train, a quarter
on test and hard), so what works shows only in how they react. The best teaching depends on all
of this, and none of it is visible: the agent has to ask, read the answers and the reactions, and
check whether claims hold up (following Hong, Levine and Dragan 2023, "Zero-Shot Goal-Directed Dialogue via RL
on Imagined Conversations", instruction task).

## Observation

The task description followed by the dialogue so far, one line per utterance
(``"Assistant: ..."`` / ``"User: ..."``), a ``str`` in ``spaces.Text``. ``info["messages"]`` holds
the same history as chat messages; ``info["agent_acts"]`` the strategies the learner recognised in
the last agent utterance.

## Action

The agent's next utterance, any ``str`` of at most 1000 characters. The learner recognises these
strategies (``ACTS``), several per utterance, from free text: ``greeting``, ``ask_background``
(what do you already know), ``ask_preference`` (how do you like to learn),
``explain_with_example``, ``explain_with_analogy``, ``explain_formally``, ``check_understanding``
(a quiz question), ``summarize``, ``encourage``; ordinary conversation with no strategy (thanks,
acknowledgements, praise of a question, closings, talk about the concept) is ``rapport`` (costs only the
turn); unrelated text, gibberish and keyword salads are ``off_task``. An explanation must be about the
learner's concept (name it and touch one key idea, or touch two): cue words alone or another concept's
content are heard as ``off_task``; more than four strategies in one turn overwhelm the learner. An
explanation is also pitched at a level, read from the wording: ``basic`` ("in simple terms",
"from scratch"), ``advanced`` ("let's go deeper", "the nuances") or, unmarked, ``intermediate``.
``ACT_REPERTOIRE`` lists the concrete acts (``"explain_with_example:basic"`` and so on) that
``phrase(act, rng, messages)`` phrases naturally, about the concept the learner asked for.

## Simulated user

A scripted learner with hidden comprehension (0..1) and patience. Questions get one hint each,
in natural words (their stated level, the kind of explanation they believe works for them, which
may be wrong or "not sure"; a style that does not help gets a lukewarm "it doesn't really click").
Every turn takes 0.4 patience (the learner's time), so finding out costs something. Explanations in the
learner's style at their level raise comprehension a lot; the wrong style helps little; too
advanced confuses and too basic bores (both cost patience); repeating one style gives
diminishing returns. A quiz consolidates what is understood (or shows it is not there yet);
summaries help a little after explanations; encouragement restores some patience; off-task
talk costs patience. Overconfident learners claim to be advanced, pretend to follow what is over
their head and feel they understand well before they do, until a quiz shows them the gap.
Replies are drawn from varied phrasings with the env RNG. ``persona_card(persona)`` gives the
learner in words (for LLM users).

## Reward

On the last step: 0.0 unless the learner's comprehension is at least 0.8 at the end; if it is,
1.0 for a lesson of one agent turn and 0.02 less for each further turn, never below 0.5
(``user.lesson_reward``: the learner's time is the cost of teaching, so a tutor who finds the right
explanation sooner scores more; the LLM learner's judged outcome is priced the same way).
``info["outcome"]`` = ``{"turns": int, "comprehension": float, "understood": bool, "threshold": 0.8,
"concept": str, "ended_by": "understood" | "left_early" | "gave_up" | "truncated",
"patience_left": float}``; ``info["success"]`` = understood.

## Starting state

Each reset draws a hidden learner from ``persona_split`` with the env RNG (equal seeds, equal
personas). Its schema is ``TASK.persona_type``, the frozen dataclass
:class:`~dialgym.tasks.instruction.personas.InstructionPersona`: ``type`` (a label, never said),
``concept`` (what they ask about in the opening), ``level`` and ``claimed_level`` (``novice`` |
``intermediate`` | ``advanced``), ``style`` (``examples`` | ``analogies`` | ``formal``),
``overconfident`` (bool), ``patience`` (a number) and optionally ``claimed_style`` (what they say
works, or ``unsure``; absent = ``style``). It travels as its plain dict
(``InstructionPersona.from_dict(d)`` / ``.to_dict()``): ``info["persona"]`` (with
``privileged=True``) and records hold the dict; ``reset(options={"persona": ...})`` takes the
dict or the dataclass. The learner opens by asking about the concept; their comprehension
starts where their true ``level`` puts it.

## Episode end

Terminated when the learner feels they understand (an overconfident learner may feel so too
early: ``ended_by="left_early"``, reward 0) or gives up when patience runs out; truncated after
``max_turns`` agent turns (default 8), scored on the comprehension reached.

## Arguments

``gym.make("Instruction-v0", user="scripted", llm=None, persona_split="train", max_turns=8,
privileged=False, render_mode=None)``; ``persona_split`` is ``"train"``, ``"test"`` (other
mixtures of the same kinds of learners, less patience, more who misjudge how they learn)
or ``"hard"`` (overconfident learners and
impatient experts). ``reset(options={"persona": {...}, "prefix": [...]})`` fixes the learner and
replays a dialogue prefix.

## Version history

* v0: initial version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from dialgym.core.task import Task
from dialgym.tasks.instruction.env import InstructionEnv
from dialgym.tasks.instruction.language import (
    CONCEPTS,
    LEVELS,
    RAPPORT,
    REPLIES,
    STRATEGIES,
    about_concept,
    agent_utterance,
    find_concept,
)
from dialgym.tasks.instruction.personas import InstructionPersona, persona_card, sample_persona
from dialgym.tasks.instruction.policies import FIXED_SCRIPTS, AdaptiveAgent, BehaviorAgent, OracleAgent
from dialgym.tasks.instruction.user import THRESHOLD

#: what ``info["success"]`` means in this task (printed under leaderboard tables)
SUCCESS = "the learner understands the concept (comprehension >= 0.8 at the end)"


def phrase(act: str, rng: np.random.Generator, messages: Sequence[Mapping[str, str]] = ()) -> str:
    """A natural phrasing of ``act`` drawn with ``rng``, about the concept the learner asked for.

    The concept is read from the learner's opening (the first user message) with
    :func:`find_concept`: an explanation without the concept's content is heard as off-task.
    """
    first = next((m["content"] for m in messages if m["role"] == "user"), "")
    return agent_utterance(act, rng, concept=find_concept(first))


def is_success(outcome: Mapping[str, Any]) -> bool:
    """:data:`SUCCESS` as a rule over ``info["outcome"]`` (and the LLM judge's outcome)."""
    return float(outcome["comprehension"]) >= THRESHOLD


#: the strategies the learner recognises (``info["agent_acts"]``); ``rapport`` for ordinary conversation
#: with no strategy (thanks, acknowledgements, praise, closings), ``off_task`` for unrelated text or gibberish
ACTS: tuple[str, ...] = (*STRATEGIES, RAPPORT, "off_task")

#: concrete acts for :func:`phrase`: explanations carry a level
ACT_REPERTOIRE: tuple[str, ...] = (
    "greeting",
    "ask_background",
    "ask_preference",
    *[f"{a}:{lv}" for a in ("explain_with_example", "explain_with_analogy", "explain_formally") for lv in LEVELS],
    "check_understanding",
    "summarize",
    "encourage",
)

TASK = Task(
    id="Instruction-v0",
    env=InstructionEnv,
    acts=ACTS,
    act_repertoire=ACT_REPERTOIRE,
    phrase=phrase,
    persona_type=InstructionPersona,
    persona_card=persona_card,
    sample_persona=sample_persona,
    success=SUCCESS,
    success_rule=is_success,
    behavior_agent=BehaviorAgent,
    oracle_agent=OracleAgent,
    adaptive_agent=AdaptiveAgent,
    fixed_scripts=FIXED_SCRIPTS,
    llm_spec="dialgym.tasks.instruction.llm:SPEC",
    replies=REPLIES,
)

__all__ = [
    "ACTS",
    "ACT_REPERTOIRE",
    "CONCEPTS",
    "FIXED_SCRIPTS",
    "SUCCESS",
    "TASK",
    "AdaptiveAgent",
    "BehaviorAgent",
    "InstructionEnv",
    "InstructionPersona",
    "OracleAgent",
    "about_concept",
    "agent_utterance",
    "find_concept",
    "persona_card",
    "phrase",
]
