"""How much simulator-based hindsight regeneration improves on its parents, per task.

    python benchmarks/hindsight_gain.py [--episodes 300] [--factor 2] [--seed 0]

Collects behavior-policy episodes for every task, regenerates each with the
simulator-based components (oracle controller told the recorded persona; the
task's user resumed from the prefix; the behavior policy playing on; the env's
outcome), and reports the mean reward of the regenerations next to the mean
reward of their parents (paired), with a bootstrap CI of the paired difference.
Writes ``benchmarks/results/hindsight_gain.json``.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

import dialgym
from dialgym.data.collect import collect
from dialgym.data.hindsight import OracleController, hindsight
from dialgym.data.io import read_episodes
from dialgym.evaluation.stats import bootstrap_ci

try:
    from benchmarks._common import write_result
except ImportError:  # pragma: no cover - run as a script
    from _common import write_result  # type: ignore[no-redef]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--episodes", type=int, default=300)
    ap.add_argument("--factor", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for env_id in dialgym.env_ids():
            data = Path(tmp) / f"{env_id}.jsonl"
            collect(env_id, "behavior", args.episodes, args.seed, data, progress=False)
            out = Path(tmp) / f"{env_id}-h.jsonl"
            summary = hindsight(
                data, out, factor=args.factor, seed=args.seed, progress=False, controller=OracleController()
            )
            eps = read_episodes(out)
            parents = {e.id: e for e in eps if e.source == "rollout"}
            diffs = [e.reward - parents[e.parent_id].reward for e in eps if e.source == "hindsight"]
            lo, hi = bootstrap_ci(diffs, seed=args.seed)
            results[env_id] = {
                "parents": summary.parents,
                "regenerations": summary.regenerations,
                "dropped": summary.dropped,
                "parent_mean": summary.paired_parent_mean,
                "regen_mean": summary.regen_mean_reward,
                "mean_gain": float(np.mean(diffs)),
                "gain_ci95": [lo, hi],
                "seconds": summary.seconds,
            }
            print(
                f"{env_id:16s} parents {summary.paired_parent_mean:6.3f} -> "
                f"regenerations {summary.regen_mean_reward:6.3f}"
                f"  gain {np.mean(diffs):+.3f} [{lo:+.3f}, {hi:+.3f}]  ({summary.regenerations} regenerations)"
            )
    path = write_result("hindsight_gain", {"config": vars(args), "results": results}, args.out)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
