"""How many torch threads? Quiet and busy cores, the tiny model and SmolLM2-135M, measured in one run.

    python benchmarks/torch_threads.py [--steps 40] [--tokens 24] [--threads 1 2] [--out FILE]

On a shared machine the other processes take cores that torch's default thread count assumes are
free; torch's threads then spin waiting for each other and a run can take 10-40x longer (``dialgym
train bc --steps 100`` took 14 s on quiet cores and 9 min 40 s on two busy ones). This benchmark times
two workloads in fresh processes, at each thread count (torch's own default is one per core) and with
dialgym's default ``auto`` (the cores idle when the work starts, :mod:`dialgym.utils.threads`), on the
cores as they are ("quiet": nothing added, but other users' work stays; each row records the 1-minute
load average before it) and with one busy-looping process per core started beside them ("busy"):

* ``train``: ``dialgym train bc --model tiny`` for ``--steps`` steps (the time the command reports);
* ``generate``: SmolLM2-135M (the ``hf`` backend's model) generating ``--tokens`` tokens for a batch of
  four prompts, as ``dialgym imagine`` and LLM users do.

Writes ``benchmarks/results/torch_threads.json``, prints a table of seconds and of each setting's
slowdown against the fastest one in the same condition. Ratios, not absolute times, are the result.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import write_result

GENERATE = """
import os, sys, time
threads = sys.argv[1]
import torch
from dialgym.utils.threads import set_torch_threads
set_torch_threads(None if threads == "auto" else int(threads))
from transformers import AutoModelForCausalLM, AutoTokenizer
from dialgym.llm import smollm2_hf_folder
folder = smollm2_hf_folder()
tok = AutoTokenizer.from_pretrained(folder)
tok.padding_side = "left"
model = AutoModelForCausalLM.from_pretrained(folder).eval()
prompts = [tok.apply_chat_template([{"role": "user", "content": t}], tokenize=False, add_generation_prompt=True)
           for t in ("Say hi.", "Name a fruit.", "Why give to charity?", "Plan a trip.")]
batch = tok(prompts, return_tensors="pt", padding=True)
with torch.no_grad():
    model.generate(**batch, max_new_tokens=2, do_sample=False)  # warm-up
    t0 = time.perf_counter()
    model.generate(**batch, max_new_tokens=int(sys.argv[2]), min_new_tokens=int(sys.argv[2]), do_sample=False)
print(f"SECONDS {time.perf_counter() - t0:.3f} THREADS {torch.get_num_threads()}")
"""


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "DIALGYM_THREADS"}  # "auto" must mean the default


def _burn() -> None:  # one busy core
    x = 0
    while True:
        x = (x * 1103515245 + 12345) % 2147483648


def _train_seconds(data: Path, steps: int, threads: str, work: Path) -> float:
    out = work / f"bc-{threads}-{time.monotonic_ns()}"
    cmd = [sys.executable, "-m", "dialgym", "train", "bc", "--data", str(data), "--model", "tiny"]
    cmd += ["--out", str(out), "--steps", str(steps), "--batch-size", "16", "--quiet", "--checkpoint-every", "0"]
    if threads != "auto":
        cmd += ["--threads", threads]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=3600, env=_env())
    match = re.search(r" in ([0-9.]+)s", proc.stdout)
    if proc.returncode != 0 or match is None:
        raise RuntimeError(f"train failed ({proc.returncode}): {proc.stdout[-500:]} {proc.stderr[-2000:]}")
    return float(match.group(1))


def _generate_seconds(tokens: int, threads: str) -> float:
    proc = subprocess.run(
        [sys.executable, "-c", GENERATE, threads, str(tokens)], capture_output=True, text=True, timeout=3600, env=_env()
    )
    match = re.search(r"SECONDS ([0-9.]+)", proc.stdout)
    if proc.returncode != 0 or match is None:
        raise RuntimeError(f"generate failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return float(match.group(1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--tokens", type=int, default=24)
    ap.add_argument("--threads", nargs="+", default=None, help="thread counts to time (default: 1 and every core)")
    ap.add_argument("--repeats", type=int, default=2, help="runs per setting; the fastest is kept")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    settings = ["auto", *[str(t) for t in (args.threads or sorted({1, cores}))]]
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data = work / "p.jsonl"
        subprocess.run(
            [
                sys.executable,
                *"-m dialgym collect Persuasion-v0 --agent behavior --episodes 200 --quiet --out".split(),
                str(data),
            ],
            check=True,
            capture_output=True,
        )
        for condition in ("quiet", "busy"):
            burners = []
            if condition == "busy":
                burners = [mp.get_context("spawn").Process(target=_burn, daemon=True) for _ in range(cores)]
                for p in burners:
                    p.start()
                time.sleep(2)
            try:
                for workload in ("train", "generate"):
                    for threads in settings:
                        load = os.getloadavg()[0]
                        times = [
                            _train_seconds(data, args.steps, threads, work)
                            if workload == "train"
                            else _generate_seconds(args.tokens, threads)
                            for _ in range(args.repeats)
                        ]
                        seconds = min(times)
                        row = {"condition": condition, "workload": workload, "threads": threads, "seconds": seconds,
                               "all_seconds": times, "loadavg_1m_before": round(load, 2)}  # fmt: skip
                        rows.append(row)
                        print(f"{condition:5s} {workload:8s} threads={threads:7s} {seconds:8.2f}s "
                              f"(load {load:.1f})", flush=True)  # fmt: skip
            finally:
                for p in burners:
                    p.terminate()
                    p.join()
    for row in rows:
        same = [r["seconds"] for r in rows if (r["condition"], r["workload"]) == (row["condition"], row["workload"])]
        best = min(same)
        row["slowdown_vs_best"] = round(row["seconds"] / best, 2)
    path = write_result(
        "torch_threads",
        {"cores": cores, "steps": args.steps, "tokens": args.tokens, "rows": rows},
        args.out,
    )
    print(f"\n{'condition':9s} {'workload':8s} {'threads':>7s} {'seconds':>8s} {'x best':>7s}")
    for r in rows:
        print(f"{r['condition']:9s} {r['workload']:8s} {r['threads']:>7s} {r['seconds']:8.2f} "
              f"{r['slowdown_vs_best']:7.2f}")  # fmt: skip
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
