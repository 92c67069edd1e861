"""Every seed dialgym derives from another, in one place.

A run has one seed (``--seed S``); everything random in it flows from that seed through the
functions below, so a run replays bit for bit and two runs that should meet the same episodes do.
Nothing else in dialgym computes a seed from a seed: it calls these (``Agent.reset(seed)`` and the
env's ``reset(seed)`` then seed a ``numpy`` generator with the value directly).

Streams
-------
:func:`episode_seed` ``(S, i, stream)`` is ``SeedSequence([S, i, stream])``: one seed per run seed,
episode index and *stream*. A stream is one consumer of randomness:

======================  =======  ============================================================
stream                  value    who draws from it
======================  =======  ============================================================
:data:`ENV`             0        the env of episode ``i`` (persona, the simulated user's choices):
                                 ``evaluate``, ``collect``, leaderboards, imagination
:data:`AGENT`           1        the agent of episode ``i`` (``agent.reset(seed=...)``)
:data:`TRAINING`        2        GRPO training episodes (:func:`dialgym.integrations.trl.episode_seeds`)
:data:`HINDSIGHT`       2        hindsight's choice of prefixes to cut in parent ``i``
``HINDSIGHT_REGEN + j`` 3, 4...  hindsight's ``j``-th regeneration of parent ``i``
======================  =======  ============================================================

Why streams are independent: ``SeedSequence`` hashes its whole entropy list, so
``[S, i, 0]`` and ``[S, i, 1]`` give unrelated seeds (no arithmetic such as ``S + i`` whose
ranges overlap between runs or episodes). The env and the agent of one episode therefore never share
a stream: an agent's sampling is not correlated with the persona it meets, and an agent that
draws more or fewer numbers leaves the personas unchanged, which keeps evaluation paired (every
agent evaluated with seed ``S`` meets the same personas). Training draws from its own stream so GRPO
never trains on the exact episodes an evaluation with the same run seed plays. Stream numbers are
per tool: hindsight and GRPO both use 2, but never within one run, and their values are pinned by
recorded datasets, so they stay as they are.

Other derivations (each pinned by tests/test_seeding.py to the value it always had):

* :func:`utterance_seed`: the act wrapper's phrasing stream, ``SeedSequence([seed, 1])``, apart
  from the env's RNG so the user's behaviour does not depend on how often phrasings were drawn.
* :func:`stable_seed`: a 31-bit seed hashed (sha256) from any JSON-able parts, the same in every
  process (unlike ``hash``): LLM request seeds (also the hf backend's per-conversation torch generators), retry
  jitter, GRPO sampling.
* :func:`stand_in_seed`: the env seed that draws a PersuasionForGood dialogue's simulator stand-in,
  from the run seed and the dialogue id (not the file order).
* :func:`episode_key`: a key for the current episode read from the env RNG's state without
  advancing it (``info["episode_key"]``), so sampling agents differ between episodes however
  episodes are batched.
* :func:`vocabulary_seed`: episode ``k`` of the seeded random play that discovers a task's reply
  vocabulary (:func:`dialgym.wrappers.reply_vocabulary`).
* :func:`session_seed`: episode ``k`` of an interactive ``dialgym play`` session seeded ``S`` is
  ``S + k`` (seed ``None`` stays ``None``: a fresh persona each time).
* :func:`vector_seeds`: ``DialogueVectorEnv.reset(seed=S)`` seeds sub-env ``i`` with ``S + i``,
  Gymnasium's convention for vector envs.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np

#: episode stream of the env (persona, the user's random choices)
ENV = 0
#: episode stream of the agent (``agent.reset(seed=...)``)
AGENT = 1
#: GRPO training episodes (:func:`dialgym.integrations.trl.episode_seeds`)
TRAINING = 2
#: hindsight: which prefixes of parent ``i`` are regenerated
HINDSIGHT = 2
#: hindsight: regeneration ``j`` of parent ``i`` draws from stream ``HINDSIGHT_REGEN + j``
HINDSIGHT_REGEN = 3


def episode_seed(seed: int, index: int, stream: int = ENV) -> int:
    """The seed of episode ``index`` of a run seeded ``seed``, for one ``stream`` (see the module docstring).

    Derived with ``SeedSequence`` so every agent evaluated with the same run seed meets the same
    personas (paired comparison), a resumed run replays exactly, and streams are unrelated.
    """
    return int(np.random.SeedSequence([seed, index, stream]).generate_state(1)[0])


def episode_seeds(seed: int, index: int) -> tuple[int, int]:
    """``(env seed, agent seed)`` of episode ``index`` of a run seeded ``seed``: what evaluate and collect use."""
    return episode_seed(seed, index, ENV), episode_seed(seed, index, AGENT)


def utterance_seed(seed: int) -> np.random.SeedSequence:
    """The seed sequence of the act wrapper's phrasing RNG after ``reset(seed=seed)``: ``SeedSequence([seed, 1])``."""
    return np.random.SeedSequence([int(seed) % (1 << 128), 1])


def _sha256_31(text: str) -> int:
    """The first 31 bits of ``sha256(text)``: a seed every process computes alike."""
    digest = hashlib.sha256(text.encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def stable_seed(*parts: Any) -> int:
    """A 31-bit seed derived from ``parts`` with sha256: stable across processes (unlike ``hash``).

    ``parts`` are serialised as canonical JSON (sorted keys, no whitespace; ``str`` for anything else),
    so equal parts give equal seeds on every run and machine.
    """
    blob = json.dumps(list(parts), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return _sha256_31(blob)


def stand_in_seed(seed: int, dialogue_id: str) -> int:
    """The env seed that draws a dialogue's simulator stand-in: from the run seed and the id, not file order."""
    return _sha256_31(f"p4g:{seed}:{dialogue_id}")


def episode_key(rng: np.random.Generator) -> int:
    """A key for the current episode, read from the RNG state without advancing it.

    Agents that sample (prompted LLMs) use ``info["episode_key"]`` so that seeded samples
    differ between episodes yet repeat exactly for the same seed, however episodes
    are batched. It says nothing about the persona.
    """
    blob = json.dumps(rng.bit_generator.state, sort_keys=True, default=str).encode()
    return int.from_bytes(hashlib.sha256(blob).digest()[:7], "big")


def vocabulary_seed(seed: int, episode: int) -> int:
    """Env seed of episode ``episode`` of the random play seeded ``seed`` that finds a task's reply words."""
    return seed * 100_003 + episode


def session_seed(seed: int | None, episode: int) -> int | None:
    """Env seed of the ``episode``-th episode (from 0) of a ``dialgym play`` session seeded ``seed``."""
    return None if seed is None else seed + episode


def vector_seeds(seed: int | None, num_envs: int) -> list[int | None]:
    """Sub-env seeds for ``VectorEnv.reset(seed=seed)``: ``seed + i`` (Gymnasium's convention), or all None."""
    return [None if seed is None else int(seed) + i for i in range(num_envs)]


__all__ = [
    "AGENT",
    "ENV",
    "HINDSIGHT",
    "HINDSIGHT_REGEN",
    "TRAINING",
    "episode_key",
    "episode_seed",
    "episode_seeds",
    "session_seed",
    "stable_seed",
    "stand_in_seed",
    "utterance_seed",
    "vector_seeds",
    "vocabulary_seed",
]
