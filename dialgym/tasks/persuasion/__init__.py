"""Persuasion-v0: persuade a crowd worker to donate to Save the Children (PersuasionForGood).

## Description

A goal-directed dialogue after PersuasionForGood (Wang et al., 2019). The agent (the
persuader, ``assistant``) talks to a crowd worker (the simulated ``user``) who has just
earned $2 and tries to get them to donate part of it to Save the Children. Each
episode draws a hidden persona: what moves this person (emotional stories, logic and
facts, credibility, or what others do), their prior inclination, whether they know the
charity, their budget, their patience and how open they are about themselves. The best
strategy depends on the persona, so an agent that asks first and then adapts beats any
fixed script.

```python
import gymnasium as gym
import dialgym  # registers the ids (or: gym.make("dialgym:Persuasion-v0"))

env = gym.make("Persuasion-v0", persona_split="test")
obs, info = env.reset(seed=0)
obs, reward, terminated, truncated, info = env.step("Hi! Have you heard of Save the Children?")
```

## Observation

A ``str``: the task description, a blank line, then the dialogue so far, one line per
utterance (``"Assistant: ..."`` / ``"User: ..."``), normalised into
``dialgym.core.text.CHARSET``. The agent speaks first: there is no opening line from the
user. ``info["messages"]`` holds the same history as chat messages, ``info["agent_acts"]``
the strategies recognised in the agent's last utterance, ``info["turn"]`` the number of
agent turns so far.

## Action

Any ``str`` of at most 1000 characters: the agent's next utterance. The user recognises
these strategies in free text (several per utterance are fine; gibberish or unrelated
text is ``off_task``): ``logical_appeal``, ``emotion_appeal``, ``credibility_appeal``,
``foot_in_the_door``, ``self_modeling``, ``personal_story``, ``donation_information``,
``source_related_inquiry``, ``task_related_inquiry``, ``personal_related_inquiry``,
``greeting``, ``proposition_of_donation``, ``thanks`` (and ``rapport`` for conversation
that carries no strategy, ``off_task`` for unrelated text or gibberish).
``TASK.act_repertoire`` lists the acts and ``TASK.phrase(act, rng, messages)`` phrases one.

## Simulated user

The scripted user (``user="scripted"``, the default) keeps a hidden willingness to donate
that starts at the persona's inclination. It reads each sentence of a turn (rules first,
then an intent model fitted on PersuasionForGood's strategy annotation; ``dialgym explain``
shows what it heard and why); acknowledgements, praise and topical remarks are
``rapport``, which costs only the turn. Appeals that suit the person raise willingness a
lot, any fresh argument a little; each further argument of the same kind lands half as
well, and saying the same thing again is "repeating yourself" and costs; appeals that do
not suit the person lower it slightly and cost patience, and four or more appeals
crammed into one turn cost too. A skeptic is moved only by credibility, and
only after voicing a worry about where the money goes (they voice it when asked about
charities or the charity, when pushed for money, or when guilt-tripped).
Foot-in-the-door ("even a few cents helps") unlocks tight budgets but anchors comfortable
people low. Facts about the organisation count as credibility appeals (as
PersuasionForGood labels them) and matter most to people who do not know the charity;
donation information is how giving works.
Inquiries (personal, task- and source-related) make the user reveal one hint at a time in
natural words (personal ones only as far as the person is open; a greeting first helps).
Questions about the person's own giving ("have you ever donated?") are personal-related, as
PersuasionForGood labels them, and are answered with what the person thinks of giving, like a
task-related question about their view of it. Asking for a donation gets a decision (an amount,
or a refusal) when the person is willing enough, on the third ask, or when they are about to
leave; otherwise a "maybe later" that costs a little willingness, a little more when the request
comes before any argument has landed. Every turn uses up patience; when it runs out the user
leaves (they warn two turns ahead). Replies are drawn from a bank of phrasings with the env RNG,
so equal seeds give equal episodes.

## Reward

The donation in dollars, in [0, 2], paid on the last step (0 on every other step).
``info["outcome"]`` at the end: ``{"donation": float, "decision": "donated" | "refused" |
"left" | "undecided", "willingness": float, "truncated": bool}``; ``info["success"]`` is
``donation > 0``. If the episode ends without a decision (the user left, or truncation),
the gift still follows the user's willingness, halved unless the agent asked for it at
some point.

## Starting state

Each reset draws a hidden persona from ``persona_split`` with the env RNG (equal seeds, equal
personas). Its schema is ``TASK.persona_type``, the frozen dataclass
:class:`~dialgym.tasks.persuasion.personas.PersuasionPersona`: ``type`` (a snake_case label,
never said), ``moved_by`` (``emotion`` | ``logic`` | ``credibility`` | ``social``),
``inclination`` (prior willingness, [0, 1]), ``knows_charity`` (bool), ``budget`` (``tight`` |
``moderate`` | ``comfortable``), ``patience`` (agent turns, an int) and ``openness`` (chance a
personal question gets a real answer, [0, 1]). It travels as its plain dict
(``PersuasionPersona.from_dict(d)`` / ``.to_dict()``): ``info["persona"]`` (with
``privileged=True``) and records hold the dict; ``reset(options={"persona": ...})`` takes the
dict or the dataclass. The user's opening state: willingness = inclination, no argument heard.

## Episode end

Terminated when the user decides (donates or refuses) or leaves (patience exhausted).
Truncated after ``max_turns`` agent turns (default 10).

## Arguments

``gym.make("Persuasion-v0", user="scripted", llm=None, persona_split="train", max_turns=10,
privileged=False, render_mode=None)``; ``persona_split`` is ``"train"``, ``"test"`` or
``"hard"`` (guarded skeptics, hard-up parents, impatient analysts, very private team
players: held out of training data). ``privileged=True`` puts the persona in
``info["persona"]``. ``reset(options={"persona": {...}, "prefix": [...]})`` fixes the
persona and replays a dialogue prefix.

## Version history

* v0: initial version. Changed in place (2026-12): sentence-by-sentence recognition with a
  learned backstop, rapport, organisation facts as credibility, content-based repetition,
  a small general gain for any fresh argument, any ask counts as asking. Questions about the
  person's own giving are personal-related inquiries (were task-related), answered as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from dialgym.core.task import Task
from dialgym.tasks.persuasion.env import PersuasionEnv
from dialgym.tasks.persuasion.language import ACT_REPERTOIRE, ACTS, REPLIES, agent_utterance
from dialgym.tasks.persuasion.personas import PersuasionPersona, persona_card, sample_persona
from dialgym.tasks.persuasion.policies import FIXED_SCRIPTS, AdaptiveAgent, BehaviorAgent, OracleAgent

#: what ``info["success"]`` means in this task (printed under leaderboard tables)
SUCCESS = "the persuadee donates something (donation > $0)"


def phrase(act: str, rng: np.random.Generator, messages: Sequence[Mapping[str, str]] = ()) -> str:
    """A natural phrasing of ``act`` drawn with ``rng`` (persuasion's phrasings do not depend on the dialogue)."""
    return agent_utterance(act, rng)


def is_success(outcome: Mapping[str, Any]) -> bool:
    """:data:`SUCCESS` as a rule over ``info["outcome"]`` (and the LLM judge's outcome)."""
    return float(outcome["donation"]) > 0


TASK = Task(
    id="Persuasion-v0",
    env=PersuasionEnv,
    acts=ACTS,
    act_repertoire=ACT_REPERTOIRE,
    phrase=phrase,
    persona_type=PersuasionPersona,
    persona_card=persona_card,
    sample_persona=sample_persona,
    success=SUCCESS,
    success_rule=is_success,
    behavior_agent=BehaviorAgent,
    oracle_agent=OracleAgent,
    adaptive_agent=AdaptiveAgent,
    fixed_scripts=FIXED_SCRIPTS,
    llm_spec="dialgym.tasks.persuasion.llm:SPEC",
    replies=REPLIES,
)

__all__ = [
    "ACTS",
    "ACT_REPERTOIRE",
    "FIXED_SCRIPTS",
    "SUCCESS",
    "TASK",
    "AdaptiveAgent",
    "BehaviorAgent",
    "OracleAgent",
    "PersuasionEnv",
    "PersuasionPersona",
    "agent_utterance",
    "persona_card",
    "phrase",
]
