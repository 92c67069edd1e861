"""Episode seeds: the env and agent streams differ, and the derivation is pinned.

Why: paired evaluation gives every agent the same env seeds (same personas) while the agent's own sampling
draws from a separate stream; if the two coincided, an agent's randomness would be correlated with the persona
it meets. ``tests/evaluation/test_stats.py`` chains ``!=`` comparisons, which never compares stream 0 with
stream 1 of the same episode, so a derivation that ignored the stream passed it.
"""

from __future__ import annotations

from dialgym.evaluation import episode_seed


def test_env_and_agent_streams_differ_for_every_episode():
    """Catches: ``episode_seed`` ignoring ``stream`` (tools/mutation_check.py: episode-seed-ignores-stream)."""
    assert all(episode_seed(0, i, 0) != episode_seed(0, i, 1) for i in range(100))


def test_episode_seeds_are_pinned():
    """A changed derivation would silently change every recorded run's personas: fixed values guard it."""
    assert [episode_seed(0, 5, 0), episode_seed(0, 5, 1), episode_seed(3, 0)] == [161328693, 1565899405, 1576890651]
