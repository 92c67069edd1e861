"""dialgym.seeding: every derived seed keeps the value it had before the derivations moved into one module.

Why: recorded datasets, leaderboards and LLM caches are keyed by these numbers; a derivation that changed by a
bit would silently change every persona, phrasing and request seed. Each test below compares the module with
the formula as it was written where it used to live (copied here verbatim), over many inputs, and pins a few
values. A last test checks that evaluate and collect go through the one episode runner with the same results.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from dialgym import seeding


def old_episode_seed(seed, index, stream=0):  # dialgym/evaluation/harness.py before the move
    return int(np.random.SeedSequence([seed, index, stream]).generate_state(1)[0])


def old_stable_seed(*parts):  # dialgym/llm/base.py before the move
    blob = json.dumps(list(parts), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    digest = hashlib.sha256(blob.encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def old_stand_in_seed(seed, dialogue_id):  # dialgym/data/p4g.py before the move
    digest = hashlib.sha256(f"p4g:{seed}:{dialogue_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def old_rng_key(rng):  # dialgym/core/env.py's _rng_key before the move
    blob = json.dumps(rng.bit_generator.state, sort_keys=True, default=str).encode()
    return int.from_bytes(hashlib.sha256(blob).digest()[:7], "big")


@pytest.mark.parametrize("seed", [0, 1, 7, 123456, 2**31 - 1, 2**40])
def test_episode_seeds_match_the_old_formula_on_every_stream(seed):
    for index in range(50):
        for stream in (seeding.ENV, seeding.AGENT, seeding.TRAINING, seeding.HINDSIGHT_REGEN + 4):
            assert seeding.episode_seed(seed, index, stream) == old_episode_seed(seed, index, stream)
        assert seeding.episode_seeds(seed, index) == (old_episode_seed(seed, index), old_episode_seed(seed, index, 1))


def test_stream_numbers_are_the_recorded_ones():
    """Hindsight used 2 and 3 + j, GRPO 2, evaluate/collect 0 and 1: recorded data depends on these numbers."""
    assert (seeding.ENV, seeding.AGENT, seeding.TRAINING, seeding.HINDSIGHT, seeding.HINDSIGHT_REGEN) == (0, 1, 2, 2, 3)
    assert [seeding.episode_seed(0, 5, 0), seeding.episode_seed(0, 5, 1), seeding.episode_seed(3, 0)] == [
        161328693,
        1565899405,
        1576890651,
    ]


def test_streams_of_one_episode_are_distinct():
    for seed in range(5):
        for index in range(100):
            values = {seeding.episode_seed(seed, index, s) for s in range(6)}
            assert len(values) == 6


def test_hash_derived_seeds_match_the_old_formulas():
    cases = [(), (1,), (1, "x", [1, 2]), ("backoff", 3, 0, 5), ({"b": 2, "a": 1},), ("grpo", 0, 3, "train", [4, 5])]
    for parts in cases:
        assert seeding.stable_seed(*parts) == old_stable_seed(*parts)
        assert 0 <= seeding.stable_seed(*parts) < 2**31
    for seed in (0, 1, 99):
        for dialogue_id in ("20180904-045349_715_live", "x", "ünï"):
            assert seeding.stand_in_seed(seed, dialogue_id) == old_stand_in_seed(seed, dialogue_id)
    assert seeding.stand_in_seed(0, "x") == 825294493


def test_old_import_places_still_give_the_same_functions():
    from dialgym.data.p4g import stand_in_seed
    from dialgym.evaluation import episode_seed
    from dialgym.llm.base import stable_seed

    assert episode_seed is seeding.episode_seed and stable_seed is seeding.stable_seed
    assert stand_in_seed is seeding.stand_in_seed


def test_rng_derived_keys_and_streams_match_the_old_formulas():
    for seed in (0, 5, 2**70):
        rng = np.random.default_rng(seed)
        rng.random(3)
        before = rng.bit_generator.state
        assert seeding.episode_key(rng) == old_rng_key(rng)
        assert rng.bit_generator.state == before  # read without advancing
        old = np.random.default_rng(np.random.SeedSequence([int(seed) % (1 << 128), 1]))
        new = np.random.default_rng(seeding.utterance_seed(seed))
        assert np.array_equal(old.integers(0, 2**62, 20), new.integers(0, 2**62, 20))
    assert [seeding.vocabulary_seed(3, e) for e in range(3)] == [3 * 100_003, 3 * 100_003 + 1, 3 * 100_003 + 2]
    assert [seeding.session_seed(4, k) for k in range(3)] == [4, 5, 6] and seeding.session_seed(None, 2) is None
    assert seeding.vector_seeds(10, 3) == [10, 11, 12] and seeding.vector_seeds(None, 2) == [None, None]


def test_the_env_reports_the_episode_key_of_its_rng():
    import gymnasium as gym

    import dialgym  # noqa: F401

    env = gym.make("Persuasion-v0")
    _, info = env.reset(seed=11)
    rng = np.random.default_rng(11)
    env.unwrapped.sample_persona("train", rng)
    assert info["episode_key"] == old_rng_key(rng)
