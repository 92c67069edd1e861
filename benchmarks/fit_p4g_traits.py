"""Fit how a PersuasionForGood persuadee's pre-task survey predicts their donation (Apache-2.0 data).

Before chatting, every PersuasionForGood participant filled in a survey: Big Five, moral foundations,
Schwartz values, decision style, age and income. Those answers say something about who gives: on the
development split, care, loyalty and authority go with giving, hedonism, achievement and stimulation
against. This script fits a ridge regression of the (clipped) real donation on the standardised survey
scores over the dialogues of the ``fit`` part (the fixed 1-in-5 ``holdout`` part of
``benchmarks/realdata.py`` is never seen), chooses the L2 strength by 5-fold cross-validation within the
fit part, and writes ``dialgym/data/p4g_inclination.json``.

:func:`dialgym.data.p4g.trait_quantile` turns a persuadee's survey into a quantile of that score among
the fit part, and a real dialogue's simulator stand-in takes the same quantile of its persona split's
inclination distribution: the stand-in of a giving kind of person starts more inclined, as the real one
did, while the split keeps the range the simulator is tuned for. Nothing of the dialogue itself (and
nothing of the outcome) is used.

    python benchmarks/fit_p4g_traits.py [--data ../shared/realdata] [--out PATH]

Prints the Spearman correlation of the score with the real donation, cross-validated on the fit part
and on the held-out part. Deterministic: the same data gives the same file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

try:  # run as a script or as a module
    from benchmarks.realdata import holdout_part, read_jsonl, spearman
except ImportError:  # pragma: no cover
    from realdata import holdout_part, read_jsonl, spearman  # type: ignore[no-redef]

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE.parent / "dialgym" / "data" / "p4g_inclination.json"
#: the numeric survey answers (the categorical ones, such as religion, are left out: too many levels for
#: a few hundred people)
FEATURES: tuple[str, ...] = (
    "extrovert", "agreeable", "conscientious", "neurotic", "open",
    "care", "fairness", "loyalty", "authority", "purity",
    "freedom", "conform", "tradition", "benevolence", "universalism", "self_direction", "stimulation",
    "hedonism", "achievement", "power", "security",
    "rational", "intuitive", "age", "income",
)  # fmt: skip
LAMBDAS: tuple[float, ...] = (1.0, 10.0, 100.0, 300.0, 1000.0, 3000.0, 10000.0, 100000.0)


def feature_matrix(traits: Sequence[dict[str, str]]) -> np.ndarray:
    """Survey answers as floats; a missing or non-numeric answer is NaN."""

    def num(value: object) -> float:
        try:
            return float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return float("nan")

    return np.array([[num(t.get(k)) for k in FEATURES] for t in traits], dtype=float)


def ridge(z: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    return np.linalg.solve(z.T @ z + lam * np.eye(z.shape[1]), z.T @ (y - y.mean()))


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(HERE.parent.parent / "shared" / "realdata"))
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    args = ap.parse_args(argv)
    path = Path(args.data) / "p4g_dialogues_dev.jsonl"
    rows = read_jsonl(path)
    x = feature_matrix([r.get("persuadee_traits") or {} for r in rows])
    y = np.array([min(2.0, max(0.0, float(r["persuadee_donation"]))) for r in rows])
    held = np.array([holdout_part(r["dialogue_id"]) for r in rows])
    fit_x, fit_y = x[~held], y[~held]
    mean, sd = np.nanmean(fit_x, axis=0), np.nanstd(fit_x, axis=0)
    sd[sd == 0] = 1.0

    def standardize(m: np.ndarray) -> np.ndarray:
        return np.nan_to_num((m - mean) / sd, nan=0.0)  # a missing answer counts as the average one

    z = standardize(fit_x)
    folds = np.array([int(hashlib.sha256(r["dialogue_id"].encode()).hexdigest(), 16) % 5 for r in rows])[~held]
    cv: dict[float, float] = {}
    for lam in LAMBDAS:
        pred = np.zeros(len(fit_y))
        for k in range(5):
            w = ridge(z[folds != k], fit_y[folds != k], lam)
            pred[folds == k] = z[folds == k] @ w
        cv[lam] = spearman(pred, fit_y)
    lam = max(cv, key=lambda k: (round(cv[k], 3), k))  # ties go to the stronger prior
    weights = ridge(z, fit_y, lam)
    fit_scores = z @ weights
    held_scores = standardize(x[held]) @ weights
    model = {
        "about": "ridge regression of the clipped real donation on a PersuasionForGood persuadee's survey "
        "(benchmarks/fit_p4g_traits.py); a score's quantile among the fit part picks the same quantile of "
        "a persona split's inclination",
        "data": f"{path.name}, fit part ({int((~held).sum())} dialogues; holdout part never seen)",
        "lambda": lam,
        "features": list(FEATURES),
        "mean": [round(float(v), 6) for v in mean],
        "sd": [round(float(v), 6) for v in sd],
        "weights": [round(float(v), 6) for v in weights],
        # the sorted scores of the fit part: a new score's rank among them is its quantile
        "reference_scores": sorted(round(float(v), 6) for v in fit_scores),
        "spearman": {
            "cross_validated_fit": round(cv[lam], 4),
            "holdout": round(spearman(held_scores, y[held]), 4),
        },
    }
    Path(args.out).write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    by_lambda = ", ".join(f"{k:g}: {v:.3f}" for k, v in cv.items())
    print(f"lambda {lam:g} (cross-validated Spearman by lambda: {by_lambda})")
    print(
        f"Spearman of the survey score with the real donation: cross-validated on the fit part "
        f"{model['spearman']['cross_validated_fit']:+.3f}, held-out part {model['spearman']['holdout']:+.3f}"
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
