"""Plain data types shared by environments, simulated users and agents."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

import numpy as np

from dialgym.core.calls import Steps


class Message(TypedDict):
    """One utterance. The agent is the ``assistant``, so chat templates apply directly."""

    role: Literal["assistant", "user"]
    content: str


@dataclass(frozen=True)
class UserTurn:
    """What a simulated user returns for one agent utterance.

    Attributes:
        text: the user's reply (may be empty only when ``done`` and the user just leaves).
        acts: the agent strategies the user recognised in the utterance it answered,
            named as in the task's documentation (``["off_task"]`` when none).
        done: the user ended the conversation (decided, left, or was satisfied).
    """

    text: str
    acts: list[str]
    done: bool = False


@dataclass(frozen=True)
class Outcome:
    """The end of an episode as the task defines it.

    Attributes:
        reward: the scalar episode reward (paid on the last step).
        success: the task's binary notion of success (for success rates).
        details: plain, JSON-serialisable task outcome, e.g. ``{"donation": 1.5}``;
            this is ``info["outcome"]``.
    """

    reward: float
    success: bool
    details: dict[str, Any] = field(default_factory=dict)


class UserSimulatorError(RuntimeError):
    """The simulated user (or the judge that decides its outcome) failed for good.

    Raised by a user simulator when it cannot go on, for example an LLM user whose replies stayed invalid
    after its retries. It is not the agent's fault, so it must not be scored as the agent's episode: the
    environment catches it (and an LLM backend's ``LLMError`` met while the user was being called), ends the
    episode with ``truncated=True``, reward 0 and ``info["user_failure"]`` naming what failed, and the
    evaluation harness counts such episodes apart from the agent's score.
    """


class UserSimulator(abc.ABC):
    """A simulated user holding a hidden persona.

    The environment owns one user, calls :meth:`reset` at every episode start and
    :meth:`respond` once per agent turn, and asks :meth:`outcome` when the episode
    ends. Implementations must be picklable and take every random choice from the
    ``rng`` they are given (the environment's ``np_random``), so that equal seeds give
    equal episodes.
    """

    @abc.abstractmethod
    def reset(self, persona: dict[str, Any], rng: np.random.Generator) -> str | None:
        """Start a conversation as ``persona``; return the user's opening line or None."""

    @abc.abstractmethod
    def respond(self, agent_text: str) -> UserTurn:
        """Answer one (already normalised) agent utterance."""

    @abc.abstractmethod
    def outcome(self, truncated: bool) -> Outcome:
        """The task outcome now that the episode is over (``truncated``: ran out of turns)."""

    # -- batch-first protocol (see dialgym.core.calls) -------------------------------
    # Users that call a model override these generators to *yield* LLMCall requests;
    # the defaults wrap the plain methods and yield nothing.
    def reset_steps(self, persona: dict[str, Any], rng: np.random.Generator) -> Steps[str | None]:
        return self.reset(persona, rng)
        yield  # pragma: no cover  (makes this a generator)

    def respond_steps(self, agent_text: str) -> Steps[UserTurn]:
        return self.respond(agent_text)
        yield  # pragma: no cover

    def outcome_steps(self, truncated: bool) -> Steps[Outcome]:
        return self.outcome(truncated)
        yield  # pragma: no cover

    def observe(self, agent_text: str, user_text: str) -> UserTurn:
        """Replay a recorded exchange: update the state as if ``user_text`` had been said.

        Used by ``reset(options={"prefix": ...})``. The default asks :meth:`respond`
        (so the state follows the agent's turn exactly as live) and keeps the
        recorded reply text in the history instead of the regenerated one.
        """
        return self.respond(agent_text)

    def state_dict(self) -> dict[str, Any]:
        """A plain-data snapshot of the hidden user state (tests, logging, hindsight)."""
        return {}
