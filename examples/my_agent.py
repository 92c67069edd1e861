"""A complete agent of your own for ``Persuasion-v0``, in one small file: the template to copy.

An agent is any object with ``act(observation, info) -> str``. Nothing to subclass, nothing to
register: name it by its file (or its module) and class, and every dialgym command takes it.

    dialgym eval Persuasion-v0 --agent examples/my_agent.py:MyAgent --agent behavior --agent oracle
    dialgym eval Persuasion-v0 --agent "examples/my_agent.py:MyAgent?ask_turns=2" --workers 2
    dialgym collect Persuasion-v0 --agent examples/my_agent.py:MyAgent --episodes 500 --out data/mine.jsonl

    import dialgym
    from my_agent import MyAgent
    dialgym.evaluate(MyAgent(), "Persuasion-v0", episodes=200, reference=True).normalized

What the harness gives it, and what it may define:

* ``observation``: the task description and the dialogue so far, as text.
* ``info``: ``info["messages"]`` (the dialogue as chat messages), ``info["turn"]`` (agent turns so
  far), ``info["max_turns"]`` (the horizon: plan against it). Never the hidden persona, unless the
  agent sets ``requires_privileged = True`` (an oracle; it is then reported as such).
* ``reset(seed=None)`` (optional): called before every episode with a seed derived from the run
  seed, so a random agent is reproducible and two runs of one command agree.
* Constructor keyword arguments come from ``?key=value`` in the spec (numbers and true/false are
  parsed); ``env_id`` and ``seed`` are passed too when the constructor names them.

This one asks about the person first, listens for what they care about, makes the appeal that
fits, answers doubts with facts about the charity, and asks for a donation before time runs out.
"""

from __future__ import annotations

import random
from typing import Any

OPENERS = (
    "Hi! Before anything else, can I ask what matters most to you when you think about giving?",
    "Hello there. I'm curious: do you have kids, or children in your life you care about?",
)
APPEALS = {  # a few of each, so a long conversation never repeats itself
    "doubt": (
        "Fair question. Save the Children is audited every year and over 85% of funds go to programs.",
        "They publish their annual reports and are rated highly by independent charity watchdogs.",
    ),
    "facts": (
        "Here is the concrete part: about $2 pays for a week of school meals for one child in need.",
        "Studies show that kids who get meals at school stay in class longer and earn more as adults.",
    ),
    "kids": (
        "Imagine a child the age of the kids you know, going to bed hungry. Your gift can change that tonight.",
        "Think of how it would feel to know a little girl can go to school tomorrow because of you.",
    ),
    "social": (
        "Many people in this very study have already chipped in; you would be in good company.",
        "Lots of teams give together, and your coworkers might be glad to hear you did too.",
    ),
}
CUES = {
    "doubt": ("scam", "trust", "wary", "burned", "skeptic", "overhead", "wasted", "where does", "really go"),
    "facts": ("proof", "evidence", "research", "number", "data", "study", "cost", "exactly", "difference"),
    "kids": ("kid", "child", "son", "daughter", "family", "parent", "heart", "sad"),
    "social": ("team", "friends", "coworker", "together", "others", "everyone", "community"),
}
WARM = ("sounds good", "convinced", "how can i", "i'd like to help", "count me in", "happy to help", "i'll give")
ASK = "Would you be willing to donate part of your payment, even $1, to Save the Children today?"


class MyAgent:
    """Ask, listen, adapt, ask for the donation."""

    def __init__(self, ask_turns: int = 1, appeals: int = 3, seed: int | None = None) -> None:
        if ask_turns < 0 or appeals < 1:
            raise ValueError(f"ask_turns={ask_turns!r} must be >= 0 and appeals={appeals!r} >= 1")
        self.ask_turns, self.appeals = ask_turns, appeals
        self.rng = random.Random(seed)

    def reset(self, seed: int | None = None) -> None:
        self.rng = random.Random(seed)

    def act(self, observation: str, info: dict[str, Any]) -> str:
        turn, horizon = info["turn"], info["max_turns"]
        heard = " ".join(m["content"].lower() for m in info["messages"] if m["role"] == "user")
        said = [m["content"] for m in info["messages"] if m["role"] == "assistant"]
        if turn < self.ask_turns:
            return self.rng.choice(OPENERS)
        last = heard[-300:]
        if turn >= min(horizon - 1, self.ask_turns + self.appeals) or any(w in last for w in WARM):
            return ASK  # ask in good time: an appeal in the last turn earns nothing
        # the topic the person's words point to (doubts first: they block everything else)
        ranked = sorted(CUES, key=lambda t: -sum(heard.count(cue) for cue in CUES[t]))
        for topic in ranked:
            unused = [a for a in APPEALS[topic] if a not in said]  # the same line twice only bores them
            if unused:
                return unused[0]
        return ASK
