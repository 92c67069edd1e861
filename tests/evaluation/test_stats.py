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


def test_normalized_score():
    assert normalized_score(0.5, 0.0, 1.0) == 50.0
    assert normalized_score(1.0, 1.0, 3.0) == 0.0
    with pytest.raises(ValueError, match="equal"):
        normalized_score(1.0, 2.0, 2.0)


def test_episode_seeds_are_distinct_and_stable():
    seeds = {episode_seed(0, i) for i in range(1000)}
    assert len(seeds) == 1000
    assert episode_seed(0, 5) == episode_seed(0, 5) != episode_seed(1, 5) != episode_seed(0, 5, 1)


def test_paired_difference_ci_uses_the_pairing():
    from dialgym.evaluation.harness import EvalResult
    from dialgym.evaluation.leaderboard import paired_difference_ci

    rng = np.random.default_rng(0)
    base = rng.normal(0, 5, size=300)  # large per-persona variation shared by both agents
    a = EvalResult("a", "X", list(base + 0.3), [True] * 300, [1] * 300, ["t"] * 300, seed=0)
    b = EvalResult("b", "X", list(base), [True] * 300, [1] * 300, ["t"] * 300, seed=0)
    lo, hi = paired_difference_ci(a, b)
    assert lo == pytest.approx(0.3) and hi == pytest.approx(0.3)  # the shared variation cancels exactly
    assert a.ci95[1] - a.ci95[0] > 0.5  # unpaired CIs are far wider
