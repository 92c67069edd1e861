"""Collection throughput, and how worker processes scale it.

    python benchmarks/collect_throughput.py [--env Persuasion-v0] [--episodes 10000] [--agent behavior]

Collects ``--episodes`` scripted episodes with 1 worker and again with 2 workers
(into temporary files), alternating the order over ``--repeats`` rounds so that a
drifting machine load affects both alike; reports episodes per second and the
speedup of 2 workers over 1 as the median of the per-round ratios. Writes
``benchmarks/results/collect_throughput.json``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile

from dialgym.data.collect import collect

try:
    from benchmarks._common import write_result
except ImportError:  # pragma: no cover - run as a script
    from _common import write_result  # type: ignore[no-redef]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--env", default="Persuasion-v0")
    ap.add_argument("--agent", default="behavior")
    ap.add_argument("--episodes", type=int, default=10000)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    runs: dict[int, list[float]] = {1: [], 2: []}
    ratios = []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.repeats):
            order = (1, 2) if r % 2 == 0 else (2, 1)
            rates = {}
            for workers in order:
                path = os.path.join(tmp, f"w{workers}-{r}.jsonl")
                s = collect(args.env, args.agent, args.episodes, args.seed, path, workers=workers, progress=False)
                rates[workers] = s.episodes_per_s
                runs[workers].append(s.episodes_per_s)
                print(f"round {r}: {workers} worker(s): {s}")
            ratios.append(rates[2] / rates[1])
    result = {
        "config": vars(args),
        "cpus": os.cpu_count(),
        "episodes_per_s": {str(w): statistics.median(v) for w, v in runs.items()},
        "all_runs": {str(w): v for w, v in runs.items()},
        "speedup_2_over_1": statistics.median(ratios),
    }
    path = write_result("collect_throughput", result, args.out)
    print(
        f"{args.env}: {result['episodes_per_s']['1']:.0f} episodes/s with 1 worker, "
        f"{result['episodes_per_s']['2']:.0f} with 2; speedup {result['speedup_2_over_1']:.2f}x -> {path}"
    )


if __name__ == "__main__":
    main()
