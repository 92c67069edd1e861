"""How well does a task's scripted user hear phrasings nobody wrote into its lexicon?

Reads ``benchmarks/paraphrases/<task>.jsonl`` (one JSON object per line)::

    {"text": "...", "acts": ["ask_background"], "split": "tune" | "heldout",
     "register": "casual" | "formal" | "typo" | "indirect" | "multi",
     "persona": {"concept": "recursion"}}          # optional overrides of the sampled persona

and plays every item as the first agent turn of a fresh episode: ``env.reset(seed=i)`` (with
the item's ``persona`` keys, if any, written over the persona that seed draws, e.g. the concept
an explanation is about), then ``env.step(text)``, and reads ``info["agent_acts"]`` (the base
acts; Instruction's explanation levels live only in the task's ``act_repertoire``). Why through the env and
not the recogniser alone: what counts is what the user *hears*, and a task may judge an act in
context (an explanation of the wrong concept is not an explanation).

Rapport (conversation with no strategy) is heard only when no sentence of the turn carries a strategy, so
an item expects ``rapport`` only alone. ``persuasion.jsonl`` was written blind (never looking at the
lexicon) in two rounds: 444 items in the registers above, then 208 in other voices (``nonnative``,
``sms``, ``assistant``, ``chatty``); one item in three (SHA-256 of the text, 0 mod 3) is ``heldout``.

An item is *recognised* when every expected act is heard. Items expecting ``off_task`` (unrelated
text, gibberish, keyword salads, explanations of another concept) pass only when nothing but
``off_task`` is heard. Per act and split: recall (items expecting the act that hear it) and
precision (items hearing the act that expect it).

Why the held-out split: a lexicon tuned on the very phrasings it is measured on says nothing about
the next person's phrasing. Tune on ``tune``; look at ``heldout`` once, at the end. ``--misses``
therefore lists misses of the tune split only.

    python benchmarks/paraphrases/measure.py --task instruction [--split tune] [--misses] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import gymnasium as gym

import dialgym
from dialgym.tasks import bare_env_id

HERE = Path(__file__).resolve().parent
OFF_TASK = "off_task"


def env_id_for(task: str) -> str:
    """The env id of ``task`` ("instruction", "travel", "Instruction-v0", "TravelAgent-v0" ...)."""
    ids = dialgym.env_ids()
    key = bare_env_id(task).lower()
    for env_id in ids:
        low = env_id.lower()
        if key in (low, low.split("-")[0]) or low.startswith(key):
            dialgym.get_task(env_id)  # a broken task fails here, with its own message
            return env_id
    raise SystemExit(f"unknown task {task!r}; expected one of {ids} (or their lower-case names)")


def load_items(path: Path) -> list[dict[str, Any]]:
    """The paraphrase items of ``path``, checked (a bad line names its number and the problem)."""
    items: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            item = json.loads(line)
            if not isinstance(item.get("text"), str) or not item["text"].strip():
                raise ValueError(f"{path}:{n}: 'text' must be a non-empty string, got {item.get('text')!r}")
            acts = item.get("acts")
            if not isinstance(acts, list) or not acts or not all(isinstance(a, str) for a in acts):
                raise ValueError(f"{path}:{n}: 'acts' must be a non-empty list of act names, got {acts!r}")
            if item.get("split") not in ("tune", "heldout"):
                raise ValueError(f"{path}:{n}: 'split' must be 'tune' or 'heldout', got {item.get('split')!r}")
            if not isinstance(item.get("persona", {}), dict):
                raise ValueError(f"{path}:{n}: 'persona' must be a dict of overrides, got {item['persona']!r}")
            items.append(item)
    return items


def hear(env: gym.Env, items: list[dict[str, Any]]) -> list[list[str]]:
    """The acts the user heard in each item, each played as the first turn of a fresh episode."""
    heard: list[list[str]] = []
    for i, item in enumerate(items):
        _, _ = env.reset(seed=i)
        overrides = item.get("persona") or {}
        if overrides:
            persona = {**env.unwrapped.persona, **overrides}
            env.reset(seed=i, options={"persona": persona})
        _, _, _, _, info = env.step(item["text"])
        heard.append([str(a).partition(":")[0] for a in info["agent_acts"]])
    return heard


def passed(item: dict[str, Any], acts: list[str]) -> bool:
    expected = item["acts"]
    if expected == [OFF_TASK]:
        return acts == [OFF_TASK]
    return all(a in acts for a in expected)


def score(items: list[dict[str, Any]], heard: list[list[str]]) -> dict[str, Any]:
    """Per split: item recognition, and per act recall and precision (with counts)."""
    out: dict[str, Any] = {}
    for split in ("tune", "heldout", "all"):
        idx = [i for i, it in enumerate(items) if split == "all" or it["split"] == split]
        if not idx:
            continue
        exp_n: dict[str, int] = defaultdict(int)
        hit_n: dict[str, int] = defaultdict(int)
        heard_n: dict[str, int] = defaultdict(int)
        correct_heard: dict[str, int] = defaultdict(int)
        by_reg: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        ok_pos = n_pos = ok_neg = n_neg = 0
        for i in idx:
            item, acts = items[i], heard[i]
            ok = passed(item, acts)
            if item["acts"] == [OFF_TASK]:
                n_neg += 1
                ok_neg += ok
            else:
                n_pos += 1
                ok_pos += ok
                reg = by_reg[str(item.get("register", "?"))]
                reg[0] += ok
                reg[1] += 1
            for a in item["acts"]:
                exp_n[a] += 1
                hit_n[a] += a in acts
            for a in set(acts):
                heard_n[a] += 1
                correct_heard[a] += a in item["acts"]
        acts_all = sorted(set(exp_n) | set(heard_n))
        out[split] = {
            "items": len(idx),
            "recognised": ok_pos / n_pos if n_pos else None,
            "n_positive": n_pos,
            "negatives_rejected": ok_neg / n_neg if n_neg else None,
            "n_negative": n_neg,
            "by_register": {r: v[0] / v[1] for r, v in sorted(by_reg.items())},
            "per_act": {
                a: {
                    "n": exp_n[a],
                    "recall": hit_n[a] / exp_n[a] if exp_n[a] else None,
                    "heard": heard_n[a],
                    "precision": correct_heard[a] / heard_n[a] if heard_n[a] else None,
                }
                for a in acts_all
            },
        }
    return out


def _fmt(x: float | None) -> str:
    return "   -" if x is None else f"{x:4.2f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--task", required=True, help="instruction, travel, ... (or an env id)")
    ap.add_argument(
        "--data", type=Path, default=None, help="paraphrase file (default: benchmarks/paraphrases/<task>.jsonl)"
    )
    ap.add_argument("--split", action="append", choices=["tune", "heldout"], help="only these splits (default both)")
    ap.add_argument("--misses", action="store_true", help="list the tune split's misses (never the held-out ones)")
    ap.add_argument("--out", type=Path, default=None, help="write the scores as JSON here")
    args = ap.parse_args(argv)

    env_id = env_id_for(args.task)
    path = args.data or HERE / f"{args.task.lower().split('-')[0]}.jsonl"
    if not path.exists():
        raise SystemExit(f"no paraphrase file {path}; expected benchmarks/paraphrases/<task>.jsonl")
    items = load_items(path)
    if args.split:
        items = [it for it in items if it["split"] in args.split]
    env = gym.make(env_id)
    try:
        heard = hear(env, items)
    finally:
        env.close()
    res = score(items, heard)

    for split, r in res.items():
        print(
            f"\n{env_id} [{split}] {r['items']} items: recognised {_fmt(r['recognised'])} of {r['n_positive']}, "
            f"negatives rejected {_fmt(r['negatives_rejected'])} of {r['n_negative']}"
        )
        print("  by register: " + ", ".join(f"{k} {v:.2f}" for k, v in r["by_register"].items()))
        print(f"  {'act':24s} {'n':>4s} {'recall':>6s} {'heard':>5s} {'prec':>5s}")
        for a, s in r["per_act"].items():
            print(f"  {a:24s} {s['n']:4d} {_fmt(s['recall']):>6s} {s['heard']:5d} {_fmt(s['precision']):>5s}")
    if args.misses:
        print("\nmisses (tune split only):")
        for item, acts in zip(items, heard, strict=True):
            if item["split"] == "tune" and not passed(item, acts):
                print(f"  expected {item['acts']} heard {acts}: {item['text']!r}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"env_id": env_id, "data": str(path), "scores": res}, indent=2) + "\n")
        print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
