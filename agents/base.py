"""Generic agents that work on every task through the task's act repertoire (its ``Task``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dialgym.core.agent import Agent
from dialgym.tasks import get_task


class RandomAgent(Agent):
    """Each turn: a uniformly random act from the task's ``act_repertoire``, phrased naturally.

    Why acts rather than random characters: random text is always off-task and
    scores the same on every task; a random *strategy* is the meaningful floor
    (normalised score 0).
    """

    name = "random"

    def __init__(self, env_id: str, seed: int | None = None) -> None:
        super().__init__(env_id, seed)
        self.task = get_task(env_id)

    def act(self, observation: str, info: dict[str, Any]) -> str:
        repertoire = self.task.act_repertoire
        act = repertoire[int(self.rng.integers(len(repertoire)))]
        return self.task.phrase(act, self.rng, info.get("messages", ()))


class ScriptAgent(Agent):
    """An open-loop script: the i-th agent turn plays ``script[i]`` (the last act repeats).

    Fixed scripts ignore what the user says; comparing the best of them with an
    adaptive agent shows whether information gathering matters in a task.
    """

    name = "script"

    def __init__(self, env_id: str, script: Sequence[str], seed: int | None = None) -> None:
        super().__init__(env_id, seed)
        if not script:
            raise ValueError("a script needs at least one act")
        self.task = get_task(env_id)
        unknown = [a for a in script if a not in self.task.act_repertoire]
        if unknown:
            raise ValueError(f"acts {unknown} are not in {env_id}'s act repertoire {list(self.task.act_repertoire)}")
        self.script = list(script)

    def act(self, observation: str, info: dict[str, Any]) -> str:
        turn = int(info.get("turn", 0))
        act = self.script[min(turn, len(self.script) - 1)]
        return self.task.phrase(act, self.rng, info.get("messages", ()))
