"""The agent interface: ``act(observation, info) -> str`` plus ``act_batch``.

It lives in the core (re-exported by :mod:`dialgym.agents`) because task packages
ship their own reference policies (behavior, oracle, ask-then-adapt) and must not
depend on the agents package above them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np


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
