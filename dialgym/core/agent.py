"""The agent interface: ``act(observation, info) -> str`` plus ``act_batch``.

It lives in the core (re-exported by :mod:`dialgym.agents`) because task packages
ship their own reference policies (behavior, oracle, ask-then-adapt) and must not
depend on the agents package above them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from dialgym.utils import AgentError


class Agent:
    """Base class of dialgym agents.

    Contract:
      * :meth:`act` maps the observation (the dialogue as text) and the env's
        ``info`` (``info["messages"]`` holds the history as chat messages) to the
        next utterance.
      * Every random choice uses ``self.rng``; :meth:`reset` re-seeds it, and the
        evaluation harness calls it with a seed derived from the run seed and the
        episode index, so runs are reproducible.
      * Reference agents are Markov in ``(observation, info)``: whatever they need
        from the past they read from ``info["messages"]``. That makes
        :meth:`act_batch` over many concurrent episodes correct for free.

    Attributes:
        requires_privileged: the agent reads ``info["persona"]`` (oracles); the
            harness then builds the env with ``privileged=True``.
    """

    name: ClassVar[str] = "agent"
    requires_privileged: ClassVar[bool] = False

    def __init__(self, env_id: str | None = None, seed: int | None = None) -> None:
        self.env_id = env_id
        self.rng = np.random.default_rng(seed)

    def reset(self, seed: int | None = None) -> None:
        """Start a new episode (re-seeds :attr:`rng`)."""
        self.rng = np.random.default_rng(seed)

    def act(self, observation: str, info: dict[str, Any]) -> str:
        raise NotImplementedError

    def act_batch(self, observations: Sequence[str], infos: Sequence[dict[str, Any]]) -> list[str]:
        """One utterance per episode; the default calls :meth:`act` in turn."""
        if len(observations) != len(infos):
            raise ValueError(f"act_batch got {len(observations)} observations but {len(infos)} infos")
        return [self.act(o, i) for o, i in zip(observations, infos, strict=True)]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} env_id={self.env_id!r}>"


def is_batched(agent: Agent) -> bool:
    """Whether ``agent`` answers many episodes in one call (LLM agents), rather than :meth:`Agent.act` in turn."""
    if isinstance(agent, ExternalAgent):
        return callable(getattr(agent.inner, "act_batch", None))
    return type(agent).act_batch is not Agent.act_batch


class ExternalAgent(Agent):
    """Any object with ``act(observation, info) -> str``, seen through the :class:`Agent` interface.

    Your agent does not have to subclass :class:`Agent`: the harness wraps it in this
    adapter, which fills in what is missing with documented defaults:

      * ``reset(seed=None)``: called before every episode with that episode's agent
        seed if the object has a ``reset``; a ``reset()`` that takes no argument is
        called without one. Without ``reset`` the object is reused as it is (keep
        per-episode state out of it, or read the history from ``info["messages"]``).
      * ``act_batch(observations, infos)``: used when present (one call answers many
        episodes); otherwise ``act`` is called once per episode.
      * ``requires_privileged``: ``False`` unless the object says ``True`` (then the
        env is built with ``privileged=True`` and ``info["persona"]`` is shown to it).

    ``act`` must return a ``str``; anything else raises a ``TypeError`` naming the
    agent and what it returned, instead of failing later inside the env.
    """

    def __init__(self, inner: Any, env_id: str | None = None, seed: int | None = None) -> None:
        if not callable(getattr(inner, "act", None)):
            raise AgentError(
                f"{inner!r} ({type(inner).__name__}) is not an agent: expected an object with a method "
                "act(observation, info) -> str"
            )
        super().__init__(env_id, seed)
        self.inner = inner
        self.requires_privileged = bool(getattr(inner, "requires_privileged", False))  # type: ignore[misc]
        self.name = str(getattr(inner, "name", type(inner).__name__))  # type: ignore[misc]
        self._reset_takes_seed = _accepts_argument(getattr(inner, "reset", None), "seed")

    def reset(self, seed: int | None = None) -> None:
        super().reset(seed)
        reset = getattr(self.inner, "reset", None)
        if callable(reset):
            reset(seed=seed) if self._reset_takes_seed else reset()

    def act(self, observation: str, info: dict[str, Any]) -> str:
        return self._check(self.inner.act(observation, info))

    def act_batch(self, observations: Sequence[str], infos: Sequence[dict[str, Any]]) -> list[str]:
        batch = getattr(self.inner, "act_batch", None)
        if not callable(batch):
            return super().act_batch(observations, infos)
        out = list(batch(observations, infos))
        if len(out) != len(observations):
            raise ValueError(
                f"{self.name}.act_batch returned {len(out)} utterances for {len(observations)} observations"
            )
        return [self._check(u) for u in out]

    def _check(self, utterance: Any) -> str:
        if not isinstance(utterance, str):
            raise AgentError(
                f"{self.name}.act returned {type(utterance).__name__} {utterance!r:.80}; expected a str (the utterance)"
            )
        return utterance

    def __repr__(self) -> str:
        return f"<ExternalAgent {self.inner!r} env_id={self.env_id!r}>"


def as_agent(obj: Any, env_id: str | None = None) -> Agent:
    """``obj`` itself if it is an :class:`Agent`, else wrapped in an :class:`ExternalAgent`."""
    if isinstance(obj, Agent):
        return obj
    return ExternalAgent(obj, env_id)


def _accepts_argument(fn: Any, name: str) -> bool:
    import inspect

    if not callable(fn):
        return False
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):  # builtins without a signature: call them the plain way
        return False
    return name in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
