"""Stitching: offline RL combines halves of different trajectories; imitation cannot.

The task (not a dialogue: ILQL works on any tokenized trajectories). A combination lock with 6 dials.
At step ``t`` the context shows the step number (``"0"`` ... ``"5"``) and the agent answers with one of four
letters; the right letter for each dial is fixed (``KEY``). Each right letter earns +1; success = all six right.

The data never contains a successful trajectory:

* type A knows the first half of the key: right letters on dials 0-2, then wrong ones on dials 3-5 (return 3);
* type B knows the second half: wrong letters on dials 0-2, right ones on dials 3-5 (return 3);
* type C is random (return ~1.5).

BC imitates everything: on dials 0-2 it often plays the key (A), but after a right first half the data (A)
says "now play wrong letters", so it rarely finishes. Filtered BC keeps the best episodes (A and B, tied) and
has the same problem. ILQL learns from B that the right letter on dials 3-5 is worth +1 whatever came before,
and from A that the right letters on dials 0-2 are: its advantage-perturbed policy plays the whole key.

Run: ``python examples/ilql_stitching.py`` (about a minute on 2 CPU cores); it prints success rates.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

LETTERS = "abcd"
KEY = "cadbbc"
HALF = len(KEY) // 2


def make_data(
    n_a: int = 300, n_b: int = 300, n_c: int = 150, seed: int = 0
) -> list[tuple[list[tuple[str, bool]], list[float]]]:
    """Trajectories ``(segments, per-step rewards)``: context = dial number, action = a letter."""
    rng = np.random.default_rng(seed)

    def wrong(t: int) -> str:
        return str(rng.choice([c for c in LETTERS if c != KEY[t]]))

    def rand(t: int) -> str:
        return str(rng.choice(list(LETTERS)))

    plans = [("A", lambda t: KEY[t] if t < HALF else wrong(t))] * n_a
    plans += [("B", lambda t: wrong(t) if t < HALF else KEY[t])] * n_b
    plans += [("C", rand)] * n_c
    data = []
    for _, policy in plans:
        segments: list[tuple[str, bool]] = []
        rewards: list[float] = []
        for t in range(len(KEY)):
            letter = policy(t)
            segments += [(str(t), False), (letter, True)]
            rewards.append(1.0 if letter == KEY[t] else 0.0)
        data.append((segments, rewards))
    order = rng.permutation(len(data))
    return [data[i] for i in order]


def play(generate: Any, episodes: int, seed: int) -> dict[str, float]:
    """Play ``episodes`` lock episodes in one batch; ``generate(prompts, seed) -> letters``."""
    prompts: list[list[tuple[str, bool]]] = [[] for _ in range(episodes)]
    right = np.zeros((episodes, len(KEY)), dtype=bool)
    for t in range(len(KEY)):
        for p in prompts:
            p.append((str(t), False))
        letters = generate([list(p) for p in prompts], seed + t)
        for i, letter in enumerate(letters):
            right[i, t] = letter == KEY[t]
            prompts[i].append((letter, True))
    return {"success": float(right.all(1).mean()), "return": float(right.sum(1).mean())}


def run(
    steps: int = 400, seed: int = 0, episodes: int = 200, beta: float = 16.0, verbose: bool = True
) -> dict[str, dict]:
    """Train BC, filtered BC and ILQL on the same data and the same tiny model; return their scores."""
    import torch

    from dialgym.agents import bc, ilql, lm

    data = make_data(seed=seed)
    texts = [text for segs, _ in data for text, _ in segs]
    tok = lm.fit_tokenizer(texts, vocab_size=300)

    def fresh() -> Any:
        return lm.build_tiny_model(tok, n_layer=2, n_embd=64, n_head=2, n_positions=32, seed=seed)

    results: dict[str, dict] = {}
    common = {"steps": steps, "lr": 1e-3, "seed": seed}  # batches of 32: the default
    t0 = time.perf_counter()
    for name, config in (("BC", bc.BCConfig(**common)), ("filtered BC", bc.BCConfig(**common, top_fraction=0.5))):
        m = bc.train(data, fresh(), tok, config)
        results[name] = play(
            lambda prompts, s, m=m: m.generate(prompts, max_new_tokens=1, seed=s, stop_ids=[]), episodes, seed
        )
    cfg = ilql.ILQLConfig(**common)  # the rest: dialgym train's defaults, the reproduction's recipe
    m = ilql.train(data, fresh(), tok, cfg)
    for b in (0.0, beta):
        results[f"ILQL beta={b:g}"] = play(
            lambda prompts, s, b=b: m.generate(prompts, beta=b, max_new_tokens=1, seed=s, stop_ids=[]), episodes, seed
        )
    seconds = time.perf_counter() - t0
    if verbose:
        print(f"combination lock, key {KEY!r}; data: {len(data)} trajectories, none successful; "
              f"{steps} steps each, {seconds:.0f}s in all (torch threads: {torch.get_num_threads()})")  # fmt: skip
        print(f"{'agent':16s} {'success':>8s} {'mean return (max 6)':>20s}")
        for name, r in results.items():
            print(f"{name:16s} {r['success']:8.2f} {r['return']:20.2f}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--beta", type=float, default=16.0)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1 is fastest for this tiny model)")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    run(steps=args.steps, seed=args.seed, beta=args.beta)


if __name__ == "__main__":
    main()
