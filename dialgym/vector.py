"""A vector env for dialgym tasks that batches the simulated users' model calls.

``DialogueVectorEnv(env_id, num_envs, **env_kwargs)`` runs ``num_envs`` episodes in
one process. Each ``step`` advances every sub-env through its generator form
(:meth:`DialogueEnv.step_steps`); the model calls that LLM users need in that step
(replies, openings after an autoreset, end-of-episode judgements) are sent as one
batch per round to the backend, so a local model batches on the device and an
OpenAI-compatible endpoint gets up to ``concurrency`` requests at once. With
scripted users nothing is batched and it behaves like Gymnasium's
``SyncVectorEnv``.

It has no episode loop of its own (Gymnasium's caller writes it): its ``reset`` and
``step`` are :func:`dialgym.runner.step_envs`, the batched step that dialgym's episode
loop (:func:`dialgym.runner.run_episodes`: evaluate, collect) uses too, so a sub-env
steps here exactly as an episode does there.

Why not ``AsyncVectorEnv``: with Text observations its default shared memory
returns stale observations (a Gymnasium bug), and separate processes cannot share
one batch to the model anyway.

Autoreset: Gymnasium's ``NEXT_STEP`` mode (the 1.x default). When sub-env ``i``
ends at step ``t``, step ``t`` returns its last observation, reward and
``info`` (with ``outcome``); on step ``t + 1`` its action is ignored, it is reset
(seed ``None``: its RNG continues) and the reset observation is returned with
reward 0 and both flags False.

User failures: one sub-env's failed user call (an LLM user or judge that failed
for good) ends only that sub-env's episode (``truncated``, reward 0,
``infos["user_failure"]``); the other episodes of the batch go on. A sub-env
whose user fails at reset reports it in the reset ``infos`` and is truncated on
the next step (its action unused), then autoresets as usual.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from dialgym.core.env import DialogueEnv
from dialgym.runner import Reset, step_envs
from dialgym.seeding import vector_seeds


class DialogueVectorEnv(VectorEnv):
    """``num_envs`` dialgym episodes stepped together, user model calls batched."""

    # not a ClassVar: VectorEnv declares metadata as an attribute that __init__ below sets per instance
    metadata: dict[str, Any] = {"autoreset_mode": AutoresetMode.NEXT_STEP}  # noqa: RUF012

    def __init__(self, env_id: str, num_envs: int, **env_kwargs: Any) -> None:
        import dialgym  # noqa: F401  (registers the ids)

        if isinstance(num_envs, bool) or not isinstance(num_envs, int) or num_envs < 1:
            raise ValueError(f"num_envs={num_envs!r} must be a positive integer")
        self.envs: list[DialogueEnv] = []
        for _ in range(num_envs):
            env = gym.make(env_id, **env_kwargs).unwrapped
            if not isinstance(env, DialogueEnv):
                raise TypeError(f"{env_id} is not a dialgym DialogueEnv")
            self.envs.append(env)
        self.env_id = env_id
        self.num_envs = num_envs
        self.single_observation_space = self.envs[0].observation_space
        self.single_action_space = self.envs[0].action_space
        self.observation_space = batch_space(self.single_observation_space, num_envs)
        self.action_space = batch_space(self.single_action_space, num_envs)
        self.metadata = {**self.envs[0].metadata, "autoreset_mode": AutoresetMode.NEXT_STEP}
        self.render_mode = self.envs[0].render_mode
        self._autoreset = np.zeros(num_envs, dtype=bool)

    def reset(
        self, *, seed: int | Sequence[int | None] | None = None, options: dict[str, Any] | None = None
    ) -> tuple[tuple[str, ...], dict[str, Any]]:
        if seed is None or isinstance(seed, (int, np.integer)):
            seeds = vector_seeds(seed, self.num_envs)
        else:
            seeds = list(seed)
            if len(seeds) != self.num_envs:
                raise ValueError(f"got {len(seeds)} seeds for {self.num_envs} envs")
        results = step_envs(self.envs, [Reset(s, options) for s in seeds])
        self._autoreset[:] = False
        infos: dict[str, Any] = {}
        for i, (_, info) in enumerate(results):
            infos = self._add_info(infos, info, i)
        return tuple(obs for obs, _ in results), infos

    def step(
        self, actions: Sequence[str]
    ) -> tuple[tuple[str, ...], np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
        if len(actions) != self.num_envs:
            raise ValueError(f"got {len(actions)} actions for {self.num_envs} envs")
        # a sub-env that ended on the last step is reset now (seed None: its RNG continues), its action unused
        results = step_envs(self.envs, [Reset() if self._autoreset[i] else actions[i] for i in range(self.num_envs)])
        obs: list[str] = []
        rewards = np.zeros(self.num_envs, dtype=np.float64)
        terms = np.zeros(self.num_envs, dtype=bool)
        truncs = np.zeros(self.num_envs, dtype=bool)
        infos: dict[str, Any] = {}
        for i, result in enumerate(results):
            if self._autoreset[i]:
                o, info = result
            else:
                o, rewards[i], terms[i], truncs[i], info = result
            obs.append(o)
            infos = self._add_info(infos, info, i)
        self._autoreset = terms | truncs
        return tuple(obs), rewards, terms, truncs, infos

    def render(self) -> tuple[Any, ...]:
        return tuple(env.render() for env in self.envs)

    def close_extras(self, **kwargs: Any) -> None:
        for env in self.envs:
            env.close()


def split_infos(infos: dict[str, Any], num_envs: int) -> list[dict[str, Any]]:
    """Turn a vector ``infos`` dict back into one plain ``info`` dict per sub-env (for ``act_batch``)."""
    out: list[dict[str, Any]] = [{} for _ in range(num_envs)]
    for key, values in infos.items():
        if key.startswith("_"):
            continue
        mask = infos.get(f"_{key}")
        nested = split_infos(values, num_envs) if isinstance(values, dict) else None
        for i in range(num_envs):
            if mask is None or mask[i]:
                value = nested[i] if nested is not None else values[i]
                out[i][key] = value.item() if isinstance(value, np.generic) else value
    return out
