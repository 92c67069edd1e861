"""Statistics for leaderboards: bootstrap confidence intervals and normalised scores."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def bootstrap_ci(
    values: Sequence[float], confidence: float = 0.95, resamples: int = 2000, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap CI of the mean. Seeded, so a result file is reproducible."""
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        raise ValueError("bootstrap_ci needs at least one value")
    if x.size == 1 or np.all(x == x[0]):
        return float(x[0]) if x.size == 1 else float(x.mean()), float(x.mean())
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, x.size, size=(resamples, x.size))].mean(axis=1)
    alpha = (1.0 - confidence) / 2.0
    lo, hi = np.quantile(means, [alpha, 1.0 - alpha])
    return float(lo), float(hi)


def normalized_score(value: float, random_score: float, oracle_score: float) -> float:
    """0 = the random agent, 100 = the oracle (on the same episodes)."""
    span = oracle_score - random_score
    if span == 0:
        raise ValueError(f"random and oracle scores are equal ({random_score}); cannot normalise")
    return 100.0 * (value - random_score) / span
