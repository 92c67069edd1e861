"""Does information gathering matter? The best fixed script versus the ask-then-adapt agent.

A fixed script plays the same act sequence against every persona. This searches
for the best one per task (the task's hand-written ``fixed_scripts`` as seeds, then
random restarts and hill climbing over act sequences), then evaluates the best
script found and the task's ``AdaptiveAgent`` on the same, fresh episodes.

    python benchmarks/fixed_scripts.py [--env Persuasion-v0] [--search-episodes 60]
        [--episodes 200] [--iters 300] [--seed 0]

Writes ``benchmarks/results/fixed_scripts.json``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import dialgym
from dialgym.agents import ScriptAgent
from dialgym.utils.progress import progress_bar

try:  # run as a script or as a module
    from benchmarks._common import write_result
except ImportError:  # pragma: no cover
    from _common import write_result  # type: ignore[no-redef]


def score(env_id: str, script: list[str], episodes: int, seed: int, split: str) -> float:
    agent = ScriptAgent(env_id, script)
    return dialgym.evaluate(agent, env_id, episodes=episodes, seed=seed, persona_split=split).mean_return


def search(env_id: str, episodes: int, iters: int, seed: int, split: str) -> tuple[list[str], float]:
    """Hill climbing with restarts over act sequences of the env's default length."""
    task = dialgym.get_task(env_id)
    rng = np.random.default_rng(seed)
    repertoire = list(task.act_repertoire)
    length = _max_turns(env_id)
    candidates = [list(s) for s in task.fixed_scripts.values()]
    candidates += [[repertoire[int(i)] for i in rng.integers(len(repertoire), size=length)] for _ in range(8)]
    cache: dict[tuple[str, ...], float] = {}

    def f(script: list[str]) -> float:
        key = tuple(script)
        if key not in cache:
            cache[key] = score(env_id, script, episodes, seed, split)
        return cache[key]

    best = max(candidates, key=f)
    for _ in progress_bar(range(iters), total=iters, desc=f"script search {env_id}"):
        cand = list(best)
        for _ in range(int(rng.integers(1, 3))):
            pos = int(rng.integers(len(cand)))
            move = rng.random()
            if move < 0.6:
                cand[pos] = repertoire[int(rng.integers(len(repertoire)))]
            elif move < 0.8 and len(cand) > 1:
                j = int(rng.integers(len(cand)))
                cand[pos], cand[j] = cand[j], cand[pos]
            else:
                cand.insert(pos, repertoire[int(rng.integers(len(repertoire)))])
                cand = cand[:length]
        if f(cand) >= f(best):
            best = cand
    return best, f(best)


def _max_turns(env_id: str) -> int:
    import gymnasium as gym

    env = gym.make(env_id)
    try:
        return int(env.unwrapped.max_turns)
    finally:
        env.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--env", action="append", help="env id (repeatable); default: all")
    ap.add_argument("--search-episodes", type=int, default=60)
    ap.add_argument("--episodes", type=int, default=200)
    ap.add_argument("--iters", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--split", default="train")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    results = {}
    for env_id in args.env or dialgym.env_ids():
        t0 = time.perf_counter()
        best, search_score = search(env_id, args.search_episodes, args.iters, args.seed, args.split)
        # Fresh episodes (another seed) so the search cannot overfit the comparison.
        eval_seed = args.seed + 1000
        scripted = dialgym.evaluate(
            ScriptAgent(env_id, best),
            env_id,
            episodes=args.episodes,
            seed=eval_seed,
            persona_split=args.split,
        )
        adaptive = dialgym.evaluate(
            "adaptive", env_id, episodes=args.episodes, seed=eval_seed, persona_split=args.split
        )
        results[env_id] = {
            "search_mean": search_score,
            "best_script": {"script": best, **scripted.summary()},
            "adaptive": adaptive.summary(),
            "adaptive_beats_script": adaptive.ci95[0] > scripted.ci95[1],
            "seconds": time.perf_counter() - t0,
        }
        lo, hi = scripted.ci95
        alo, ahi = adaptive.ci95
        print(
            f"{env_id:16s} best script {scripted.mean_return:.3f} [{lo:.3f},{hi:.3f}]  "
            f"adaptive {adaptive.mean_return:.3f} [{alo:.3f},{ahi:.3f}]  script={best}"
        )
    path = write_result("fixed_scripts", {"config": vars(args), "results": results}, args.out)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
