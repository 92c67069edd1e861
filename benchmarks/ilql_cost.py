"""What ILQL costs over BC and over plain generation, measured in one run on the same model and batch.

    python benchmarks/ilql_cost.py [--model tiny|smollm2-135m|FOLDER] [--batch-size 16] [--threads 1]

Writes ``benchmarks/results/ilql_cost.json`` and prints a summary. Goals (DESIGN.md: "a training step costs
little more than a BC step; generation with the value perturbation uses the KV cache and stays close to plain
generate"):

* ILQL training step time / BC training step time <= 1.5 (same model, same batch of Persuasion-v0 dialogues),
  with the ILQL model built as ``dialgym train`` builds it (Q heads over the data's action vocabulary); the
  paper's full-vocabulary heads are timed in the same run for comparison (``train_step_ratio_full_vocab``);
* ILQL generation tokens/s (beta = 1, KV cache) / ``model.generate`` tokens/s (sampling) >= 0.7;
* peak resident memory of each phase (Linux: the peak is reset through ``/proc/self/clear_refs`` before each
  phase and read from ``VmHWM``; elsewhere ``ru_maxrss``, which only grows, is reported).

Ratios, not absolute times, are the result: the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results" / "ilql_cost.json"


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timeit(fn: Any, repeats: int, warmup: int = 2) -> tuple[float, float]:
    """(median seconds per call, peak RSS in MB during the timed calls)."""
    for _ in range(warmup):
        fn()
    _reset_peak()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), _peak_mb()


def main(argv: list[str] | None = None) -> dict[str, Any]:
    from dialgym.agents.config import ACTION_VOCABS, ILQLConfig

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="tiny")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument(
        "--episodes", type=int, default=3000, help="Persuasion-v0 episodes to fit the tokenizer on (as reproduce.py)"
    )
    parser.add_argument("--repeats", type=int, default=8)
    parser.add_argument("--new-tokens", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--word-tokenizer", action="store_true", help="tiny: word-level BPE (default: phrase-level, as dialgym train)"
    )
    parser.add_argument(
        "--action-vocab",
        choices=ACTION_VOCABS,
        default=ILQLConfig.action_vocab,
        help="the ILQL model's Q vocabulary (default: dialgym train's)",
    )
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args(argv)

    import torch

    from dialgym.agents import bc, ilql, lm
    from dialgym.data.collect import collect
    from dialgym.data.io import read_episodes

    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        collect("Persuasion-v0", "behavior", args.episodes, 0, Path(tmp) / "e.jsonl", progress=False)
        episodes = read_episodes(Path(tmp) / "e.jsonl")
    if args.model == "tiny":
        tok = lm.fit_tokenizer(lm.dialogue_texts(episodes), phrases=not args.word_tokenizer)
        model = lm.build_tiny_model(tok, n_positions=1024)
    else:
        model, tok = lm.load_lm(args.model)
    trajectories = lm.episodes_to_trajectories(episodes, tok)
    data = lm.encode_trajectories(trajectories, tok, lm.max_positions(model))
    batch = ilql.collate(data[: args.batch_size], tok.pad_token_id)  # a superset of what bc_loss reads

    # ---- training steps: same model, same batch
    bcm = bc.BCModel(model, tok, bc.BCConfig())
    bc_opt = bc.make_optimizer(bcm)
    m = ilql.build(model, tok, ilql.ILQLConfig(action_vocab=args.action_vocab), trajectories)
    il_opt = ilql.make_optimizer(m)
    full = ilql.build(model, tok, ilql.ILQLConfig(action_vocab="full"), trajectories)
    full_opt = ilql.make_optimizer(full)
    model.train()

    def bc_step() -> None:
        loss = bc.bc_loss(model, batch)
        bc_opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(bcm.trainable_parameters(), 1.0)
        bc_opt.step()

    def ilql_step(model: Any = m, opt: Any = il_opt) -> None:
        loss = model.losses(batch)["loss"]
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.trainable_parameters(), 1.0)
        opt.step()
        model.polyak_update()

    def full_step() -> None:
        ilql_step(full, full_opt)

    # interleave them so that a change in machine load hits all alike
    bc_times, il_times, full_times, bc_peak, il_peak = [], [], [], 0.0, 0.0
    for _ in range(max(1, args.repeats // 2)):
        t, p = _timeit(bc_step, 2, warmup=1)
        bc_times.append(t)
        bc_peak = max(bc_peak, p)
        t, p = _timeit(ilql_step, 2, warmup=1)
        il_times.append(t)
        il_peak = max(il_peak, p)
        full_times.append(_timeit(full_step, 2, warmup=1)[0])
    bc_s, il_s, full_s = statistics.median(bc_times), statistics.median(il_times), statistics.median(full_times)
    q_vocab = len(tok) if m.action_ids is None else len(m.action_ids)

    # ---- generation: ILQL's perturbed sampling (KV cache) vs transformers' generate, same prompts
    model.eval()
    prompts = [
        lm.prompt_ids(tok, lm.chat_segments(tok, ep.messages[:2], lm.task_description("Persuasion-v0"), True))
        for ep in episodes[: args.batch_size]
    ]
    n_new = args.new_tokens
    tokens = len(prompts) * n_new
    tok.padding_side = "left"
    enc = tok.pad({"input_ids": prompts}, return_tensors="pt")

    def plain() -> None:
        with torch.no_grad():
            out = model.generate(
                **enc, do_sample=True, max_new_tokens=n_new, min_new_tokens=n_new, pad_token_id=tok.pad_token_id
            )
        assert out.shape[1] == enc["input_ids"].shape[1] + n_new

    def perturbed() -> None:
        out = m.generate_ids(prompts, beta=1.0, max_new_tokens=n_new, seed=0, stop_ids=[])
        assert all(len(o) == n_new for o in out)

    plain_times, il_gen_times, plain_peak, il_gen_peak = [], [], 0.0, 0.0
    for _ in range(max(1, args.repeats // 4)):
        t, p = _timeit(plain, 1, warmup=1)
        plain_times.append(t)
        plain_peak = max(plain_peak, p)
        t, p = _timeit(perturbed, 1, warmup=1)
        il_gen_times.append(t)
        il_gen_peak = max(il_gen_peak, p)
    plain_tps = tokens / statistics.median(plain_times)
    il_tps = tokens / statistics.median(il_gen_times)

    result = {
        "benchmark": "ilql_cost",
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
        },
        "model": {
            "name": args.model,
            "parameters": sum(p.numel() for p in model.parameters()),
            "vocab": len(tok),
            "tokenizer": ("words" if args.word_tokenizer else "phrases") if args.model == "tiny" else "pretrained",
            "head_parameters": sum(p.numel() for p in m.q1.parameters()) * 4 + sum(p.numel() for p in m.v.parameters()),
            "action_vocab": args.action_vocab,
            "q_columns": q_vocab,
        },
        "batch": {
            "size": len(data[: args.batch_size]),
            "tokens": int(batch["attention_mask"].sum()),
            "padded_shape": list(batch["input_ids"].shape),
            "action_tokens": len(batch["action"]),
        },
        "train_step_s": {"bc": bc_s, "ilql": il_s, "ilql_full_vocab": full_s},
        "train_step_ratio": il_s / bc_s,
        "train_step_ratio_full_vocab": full_s / bc_s,
        "generate_tokens_per_s": {"plain_generate": plain_tps, "ilql": il_tps},
        "generate_ratio": il_tps / plain_tps,
        "generate": {"batch": len(prompts), "new_tokens": n_new, "ilql_beta": 1.0},
        "peak_rss_mb": {
            "bc_train": bc_peak,
            "ilql_train": il_peak,
            "plain_generate": plain_peak,
            "ilql_generate": il_gen_peak,
        },
        "peak_rss_per_phase": _reset_peak(),
        # what ILQL adds on top of BC, exactly: online heads with grads and two AdamW moments, plus target heads
        "ilql_extra_state_mb": 4
        * (
            4 * sum(p.numel() for h in (m.q1, m.q2, m.v) for p in h.parameters())
            + sum(p.numel() for h in (m.q1_target, m.q2_target) for p in h.parameters())
        )
        / 2**20,
        "goals": {"train_step_ratio_max": 1.5, "generate_ratio_min": 0.7},
    }
    result["meets_goals"] = {
        "train_step_ratio": result["train_step_ratio"] <= 1.5,
        "generate_ratio": result["generate_ratio"] >= 0.7,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    met = {k: "met" if v else "NOT met" for k, v in result["meets_goals"].items()}
    print(
        f"ILQL cost on {args.model} ({result['model']['parameters'] / 1e6:.2f}M params, batch {result['batch']['size']}"
        f" x {result['batch']['padded_shape'][1]} tokens, {torch.get_num_threads()} thread(s))\n"
        f"  train step: BC {bc_s * 1000:.0f} ms, ILQL {il_s * 1000:.0f} ms ({q_vocab} Q columns) -> ratio "
        f"{result['train_step_ratio']:.2f} (goal <= 1.5: {met['train_step_ratio']}); full-vocabulary heads "
        f"{full_s * 1000:.0f} ms -> {result['train_step_ratio_full_vocab']:.2f}\n"
        f"  generation: generate {plain_tps:.0f} tok/s, ILQL beta=1 {il_tps:.0f} tok/s -> ratio "
        f"{result['generate_ratio']:.2f} (goal >= 0.7: {met['generate_ratio']})\n"
        f"  peak RSS (MB): BC train {bc_peak:.0f}, ILQL train {il_peak:.0f}, generate {plain_peak:.0f}, "
        f"ILQL generate {il_gen_peak:.0f}; ILQL's extra state (heads, grads, Adam moments, targets): "
        f"{result['ilql_extra_state_mb']:.1f} MB\n"
        f"wrote {out}"
    )
    return result


if __name__ == "__main__":
    main()
