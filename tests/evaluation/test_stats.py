import numpy as np
import pytest

from dialgym.evaluation import bootstrap_ci, episode_seed, normalized_score


def test_bootstrap_ci_brackets_the_mean_and_is_seeded():
    x = np.random.default_rng(0).normal(1.0, 1.0, size=400)
    lo, hi = bootstrap_ci(x)
    assert lo < x.mean() < hi
    assert 0.12 < hi - lo < 0.28  # about 2 * 1.96 / sqrt(400) = 0.196
    assert bootstrap_ci(x) == (lo, hi)


def test_bootstrap_ci_degenerate_inputs():
    assert bootstrap_ci([2.0, 2.0]) == (2.0, 2.0)
    with pytest.raises(ValueError):
        bootstrap_ci([])


def test_normalised_score():
    assert normalized_score(0.5, 0.0, 1.0) == 50.0
    assert normalized_score(1.0, 1.0, 3.0) == 0.0
    with pytest.raises(ValueError, match="equal"):
        normalized_score(1.0, 2.0, 2.0)


def test_episode_seeds_are_distinct_and_stable():
    seeds = {episode_seed(0, i) for i in range(1000)}
    assert len(seeds) == 1000
    assert episode_seed(0, 5) == episode_seed(0, 5) != episode_seed(1, 5) != episode_seed(0, 5, 1)
