"""Counseling-v0: emotional support for a help-seeker (after ESConv, Liu et al. 2021).

## Description

The agent is a supporter in an emotional-support chat. The help-seeker opens with a vague line
("I'm not really okay right now") and holds a hidden persona: a problem (job crisis, breakup with
partner, problems with friends, academic pressure, ongoing depression), one or two emotions
(anxiety, depression, sadness, anger, fear, shame, disgust), the kind of suggestion that actually
helps them (talking to someone, a practical plan, self-care), how open and how guarded they are,
how resilient, and how badly they take premature advice. The agent must lower the seeker's
emotional intensity (1-5). As in ESConv, support moves through three stages: exploration (find out
what is wrong), comforting (make the seeker feel understood) and action (suggestions that fit).
Suggestions before the seeker feels understood backfire; reflecting a feeling only works once the
seeker has said it; naming the wrong feeling or problem costs trust. What helps differs from
seeker to seeker, so an agent that asks first and then adapts beats any fixed script.

```python
import gymnasium as gym
import dialgym  # registers the ids (or: gym.make("dialgym:Counseling-v0"))

env = gym.make("Counseling-v0", persona_split="test")
obs, info = env.reset(seed=0)  # the seeker speaks first
obs, reward, terminated, truncated, info = env.step("I'm sorry to hear that. What's been going on?")
```

## Observation

Text: the task description, then the dialogue so far, one line per utterance
(``"User: ..."`` / ``"Assistant: ..."``); the seeker speaks first. ``info["messages"]`` holds the
same history as chat messages, ``info["agent_acts"]`` the strategies recognised in the agent's last
utterance, and at the end ``info["outcome"]`` (see Reward) and ``info["success"]``.

## Action

Any string (at most 1000 characters): the agent's next utterance. The seeker recognises ESConv's
eight support strategies in free text, several per utterance (``ACTS``): ``question``,
``restatement_or_paraphrasing``, ``reflection_of_feelings``, ``self_disclosure``,
``affirmation_and_reassurance``, ``providing_suggestions``, ``information``, ``others``
(greetings, thanks, small talk, closing), plus ``off_task`` for gibberish or unrelated text. It
also reads which emotions and problems a reflection or paraphrase names, and which kind of help a
suggestion offers. ``ACT_REPERTOIRE`` lists the acts :func:`phrase` can realise, including
``"reflection_of_feelings:<emotion>"``, ``"restatement_or_paraphrasing:<problem>"`` and
``"providing_suggestions:<talk_to_someone|practical_plan|self_care>"``.

## Simulated user

A scripted seeker (:class:`~dialgym.tasks.counseling.user.CounselingUser`) with hidden distress,
trust, feeling-understood and patience. Each question can make the seeker disclose one thing, in
order: the problem, the emotion (then a second one for mixed feelings), and, asked again, what
kind of help works; the first disclosure takes ``openness`` questions and enough trust (guarded
seekers deflect with "it's hard to talk about" until reassured). A reflection naming a disclosed
emotion, or a paraphrase naming the disclosed problem, makes the seeker feel understood and
relieves distress; lucky guesses of undisclosed feelings barely count; wrong ones cost trust and
raise distress. Once the seeker feels understood, a suggestion of the kind that helps them brings
the biggest relief (other kinds make things slightly worse); before that any advice backfires.
Reassurance builds trust; information helps only once understood; self-disclosure helps once;
repetition brings diminishing or negative returns; off-task text, redundant questions, hollow
reassurance, premature advice, parroting the seeker's own words back and telling a seeker who still
hurts that they feel better use up patience. Rapport (greetings, thanks, "I'm sorry to hear that",
closings; heard as ``others``) costs no trust or patience and takes no slot from the strategies said
next to it; a turn of nothing but small talk is simply spent (after two, the distress creeps back).
The utterance is read sentence by sentence (``dialgym explain Counseling-v0 "..."`` shows the rule
behind each act): advice or a check phrased as a question counts as that strategy, chat spellings
("u", "ur", "thx") are spelled out, and an unrelated remark makes only its own sentence off-task.
Only the wording of replies is random (the env
RNG), so seeded episodes are reproducible and prefix replay restores the state exactly.

## Reward

Paid at the end of the episode: ``initial_intensity - final_intensity`` on the 1-5 scale (the final
intensity is the seeker's distress rounded), in [-4, 4] (in practice about [-2, 4]). The outcome is
``{"initial_intensity", "final_intensity", "intensity_drop", "feels_understood", "helped",
"stage", "ended"}``. Success: ``intensity_drop >= 2``, or the seeker ends at intensity 2 or lower
having improved by at least 1 (milder starts in the ``test`` split can only drop so far).

## Starting state

Each reset draws a hidden help-seeker from ``persona_split`` with the env RNG (equal seeds,
equal personas). Its schema is ``TASK.persona_type``, the frozen dataclass
:class:`~dialgym.tasks.counseling.personas.CounselingPersona`: ``type`` (a label, never said),
``problem``, ``emotion``, ``secondary_emotion`` (or None), ``helpful_suggestion``,
``initial_intensity`` (1-5), ``openness`` (questions before the first disclosure), ``guard``,
``resilience``, ``advice_sensitivity``, ``understanding_needed`` and ``patience`` (see
:mod:`dialgym.tasks.counseling.personas`). It travels as its plain dict
(``CounselingPersona.from_dict(d)`` / ``.to_dict()``): ``info["persona"]`` (with
``privileged=True``) and records hold the dict; ``reset(options={"persona": ...})`` takes the
dict or the dataclass. The seeker starts at ``initial_intensity``, with trust 0.5 and nothing
disclosed.

## Episode end

Terminated when the seeker, having received helpful advice, feels better (distress <= 1.5) and
says goodbye, or runs out of patience and leaves (which adds distress). Truncated after
``max_turns`` agent turns (default 12); the outcome is computed the same way.

## Arguments

``gym.make("Counseling-v0", user="scripted", llm=None, persona_split="train", max_turns=12,
privileged=False, render_mode=None)``; ``persona_split`` is ``"train"``, ``"test"`` (other
emotion/help mixtures per problem, more guarded and less resilient seekers, milder starts) or
``"hard"`` (guarded seekers, mixed feelings, people easily triggered by premature advice: held
out of training data). ``privileged=True`` puts the persona in ``info["persona"]``.
``reset(options={"persona": {...}, "prefix": [...]})`` fixes the persona and replays a
dialogue prefix.

## Reference scores

Mean return over 200 episodes (seed 0) on train / test / hard: random -0.49 / -0.77 / 0.00,
behavior 1.03 / 0.52 / 0.20, best fixed script found 1.55 / 1.00 / 0.95, adaptive (ask then
adapt) 3.32 / 2.90 / 2.64, oracle 3.36 / 3.00 / 2.81. ``BehaviorAgent`` takes ``skill`` (the
chance of a good move per turn, ``"behavior?skill=0.75"``).

## Version history

* v0: initial version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from dialgym.core.task import Task
from dialgym.tasks.counseling.env import CounselingEnv
from dialgym.tasks.counseling.language import (
    ACT_REPERTOIRE,
    EMOTIONS,
    PROBLEMS,
    REPLIES,
    STRATEGIES,
    SUGGESTION_TYPES,
    agent_utterance,
)
from dialgym.tasks.counseling.personas import CounselingPersona, persona_card, sample_persona, validate_persona
from dialgym.tasks.counseling.policies import FIXED_SCRIPTS, AdaptiveAgent, BehaviorAgent, OracleAgent

#: what ``info["success"]`` means in this task (printed under leaderboard tables)
SUCCESS = "the seeker's distress (1-5) falls by 2 or more, or by 1 to end at 2 or below"

#: the agent strategies the seeker recognises (``info["agent_acts"]``), plus ``off_task``
ACTS: tuple[str, ...] = (*STRATEGIES, "off_task")


def phrase(act: str, rng: np.random.Generator, messages: Sequence[Mapping[str, str]] = ()) -> str:
    """A natural phrasing of ``act`` drawn with ``rng`` (the supporter's phrasings do not depend on the dialogue)."""
    return agent_utterance(act, rng)


def is_success(outcome: Mapping[str, Any]) -> bool:
    """:data:`SUCCESS` as a rule over ``info["outcome"]`` (and the LLM judge's outcome)."""
    drop, final = int(outcome["intensity_drop"]), int(outcome["final_intensity"])
    return drop >= 2 or (final <= 2 and drop >= 1)


TASK = Task(
    id="Counseling-v0",
    env=CounselingEnv,
    acts=ACTS,
    act_repertoire=tuple(ACT_REPERTOIRE),
    phrase=phrase,
    persona_type=CounselingPersona,
    persona_card=persona_card,
    sample_persona=sample_persona,
    success=SUCCESS,
    success_rule=is_success,
    behavior_agent=BehaviorAgent,
    oracle_agent=OracleAgent,
    adaptive_agent=AdaptiveAgent,
    fixed_scripts=FIXED_SCRIPTS,
    llm_spec="dialgym.tasks.counseling.llm:SPEC",
    replies=REPLIES,
)

__all__ = [
    "ACTS",
    "ACT_REPERTOIRE",
    "EMOTIONS",
    "FIXED_SCRIPTS",
    "PROBLEMS",
    "SUCCESS",
    "SUGGESTION_TYPES",
    "TASK",
    "AdaptiveAgent",
    "BehaviorAgent",
    "CounselingEnv",
    "CounselingPersona",
    "OracleAgent",
    "agent_utterance",
    "persona_card",
    "phrase",
    "sample_persona",
    "validate_persona",
]
