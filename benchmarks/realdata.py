"""Do the scripted users understand real people? Measured on real human dialogues.

Reads the development split of two public corpora (``--data DIR``, default ``../shared/realdata``;
see its README for the files, the act mapping and the licences) and the paraphrase sets in
``benchmarks/paraphrases/`` and measures, per task:

* **Recognition** of real strategy sentences: every annotated sentence is said, alone, as the
  first agent turn of a fresh episode, and ``info["agent_acts"]`` is compared with the human
  annotation. Per act precision and recall, macro-F1 over the corpus's strategies (10 P4G
  strategies, 7 ESConv strategies), the *unheard* share (strategy sentences heard only as
  ``off_task`` or rapport/``others``), the *no-strategy* share (no strategy heard at all) and the
  share of the corpus's rapport sentences heard as ``off_task``.
* **Real persuaders replayed.** The persuader turns of every whole PersuasionForGood dialogue
  are replayed open loop against ``Persuasion-v0`` (``test`` personas, episode ``i`` seeded as
  the evaluation harness seeds it); the simulated donation is normalised against the random
  agent and the oracle on the same personas and horizon (0 = random, 100 = oracle), and
  correlated (Spearman) with the donation the real persuadee made. Three settings: the task
  default (``max_turns`` 10, later turns unheard), the dialogue's own length, and ``matched``: the
  dialogue's length against the stand-in ``dialgym data import p4g`` builds for the real persuadee
  (patient enough to stay, as they did; as inclined, within the ``test`` split, as their pre-task
  survey suggests). An open-loop replay cannot adapt to a simulated person it never talked to: the
  oracle's own dialogues, replayed against other ``test`` personas, score about 24 (see the README),
  so the first two settings understate any adaptive persuader; ``matched`` gives the replay the part
  of the real person that is known before the chat. Each setting also says how the replays ended
  (``real_ends``: the simulated person donated, refused, left or was still undecided) and how many of
  the dialogue's persuader turns were played before that: in the first two settings most ``test``
  personas (patience 5-9 turns) leave before a 10-turn real dialogue reaches its ask.
* **Paraphrase sets** (Instruction, Travel, Counseling: written by us, with a held-out part
  never tuned on): the share of items whose every expected act is heard, and of negatives
  (unrelated text, salads) heard as off-task, per split (``benchmarks/paraphrases/measure.py``).

Every corpus is also reported on two parts: ``fit`` and ``holdout`` (P4G dialogues whose
SHA-256 of the id is 0 mod 5; ESConv rows whose SHA-256 of the text is 0 mod 5). The Persuasion
intent model is fitted on the P4G ``fit`` part only (``benchmarks/fit_intent_model.py``), so its
``holdout`` numbers are out of sample; the dev numbers as a whole are partly in sample.

    python benchmarks/realdata.py [--data ../shared/realdata] [--replay-dialogues N] [--seed 0] [--out FILE]

Writes ``benchmarks/results/realdata.json`` and prints a summary.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np

import dialgym
from dialgym.agents import make_agent
from dialgym.agents.replay import HumanReplayAgent, clip_action
from dialgym.data.p4g import match_stand_in
from dialgym.rollout import play_episode
from dialgym.seeding import episode_seed
from dialgym.tasks import get_task
from dialgym.utils.progress import progress_bar

try:  # run as a script or as a module
    from benchmarks._common import write_result
except ImportError:  # pragma: no cover
    from _common import write_result  # type: ignore[no-redef]

HERE = Path(__file__).resolve().parent
PARAPHRASES = HERE / "paraphrases"

#: the strategies each corpus annotates (its label -> act mapping is in the data folder's README): the
#: tasks' strategies, less the small talk and requests that are not persuasion or support strategies
P4G_STRATEGIES: tuple[str, ...] = tuple(
    a for a in get_task("Persuasion-v0").act_repertoire if a not in ("greeting", "proposition_of_donation", "thanks")
)
ESCONV_STRATEGIES: tuple[str, ...] = tuple(a for a in get_task("Counseling-v0").acts if a not in ("others", "off_task"))
#: corpus file -> (env, result key, label, the key of the fixed holdout part, strategies)
CORPORA: dict[str, tuple[str, str, str, str, tuple[str, ...]]] = {
    "p4g_annotated_dev.jsonl": ("Persuasion-v0", "persuasion_recognition", "P4G", "dialogue_id", P4G_STRATEGIES),
    "esconv_supporter_dev.jsonl": ("Counseling-v0", "counseling_recognition", "ESConv", "text", ESCONV_STRATEGIES),
}
#: acts that carry no content: hearing only these is not hearing the strategy
FILLER_ACTS = frozenset({"off_task", "rapport", "others"})
PARAPHRASE_ENVS = {
    "instruction": "Instruction-v0",
    "travel": "TravelAgent-v0",
    "counseling": "Counseling-v0",
    "persuasion": "Persuasion-v0",
}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def holdout_part(key: str) -> bool:
    """The fixed 1-in-5 holdout part of a corpus (stable across processes and machines)."""
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest(), 16) % 5 == 0


def base_act(act: str) -> str:
    return act.partition(":")[0]


def hear(env_id: str, texts: Sequence[str], seed: int, desc: str) -> list[list[str]]:
    """The acts heard in each text, said alone as the first agent turn of a fresh episode."""
    env = gym.make(env_id, persona_split="test")
    out = []
    try:
        for i, text in enumerate(progress_bar(texts, total=len(texts), desc=desc)):
            env.reset(seed=episode_seed(seed, i))
            _, _, _, _, info = env.step(clip_action(text))
            out.append([base_act(a) for a in info["agent_acts"]])
    finally:
        env.close()
    return out


def recognition_scores(
    labels: Sequence[str | None], heard: Sequence[Sequence[str]], strategies: Sequence[str]
) -> dict[str, Any]:
    """Per-act precision/recall/F1, macro-F1 over ``strategies``, unheard and rapport shares."""
    per_act = {}
    for act in strategies:
        tp = sum(1 for lab, h in zip(labels, heard, strict=True) if lab == act and act in h)
        fp = sum(1 for lab, h in zip(labels, heard, strict=True) if lab != act and act in h)
        fn = sum(1 for lab, h in zip(labels, heard, strict=True) if lab == act and act not in h)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        per_act[act] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4), "n": tp + fn}
    strategic = [h for lab, h in zip(labels, heard, strict=True) if lab in strategies]
    rapport = [h for lab, h in zip(labels, heard, strict=True) if lab is None]
    unheard = sum(1 for h in strategic if set(h) <= FILLER_ACTS)
    no_strategy = sum(1 for h in strategic if not set(h) & set(strategies))
    rapport_off = sum(1 for h in rapport if h == ["off_task"])
    return {
        "macro_f1": round(float(np.mean([v["f1"] for v in per_act.values()])), 4),
        "unheard_share": round(unheard / max(1, len(strategic)), 4),
        "no_strategy_share": round(no_strategy / max(1, len(strategic)), 4),
        "rapport_heard_off_task": round(rapport_off / max(1, len(rapport)), 4) if rapport else None,
        "sentences": len(labels),
        "strategy_sentences": len(strategic),
        "per_act": per_act,
    }


def by_part(
    keys: Sequence[str], labels: Sequence[str | None], heard: Sequence[Sequence[str]], strategies: Sequence[str]
) -> dict[str, Any]:
    parts = {"all": [True] * len(keys), "fit": [not holdout_part(k) for k in keys]}
    parts["holdout"] = [not f for f in parts["fit"]]
    out = {}
    for name, mask in parts.items():
        sel = [i for i, m in enumerate(mask) if m]
        out[name] = recognition_scores([labels[i] for i in sel], [heard[i] for i in sel], strategies)
    return out


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rank correlation (average ranks for ties)."""

    def ranks(v: Sequence[float]) -> np.ndarray:
        a = np.asarray(v, dtype=float)
        order = a.argsort(kind="mergesort")
        r = np.empty(len(a))
        sorted_a = a[order]
        i = 0
        while i < len(a):
            j = i
            while j + 1 < len(a) and sorted_a[j + 1] == sorted_a[i]:
                j += 1
            r[order[i : j + 1]] = (i + j) / 2.0
            i = j + 1
        return r

    rx, ry = ranks(x), ranks(y)
    if rx.std() == 0 or ry.std() == 0:
        return 0.0
    return float(np.corrcoef(rx, ry)[0, 1])


def matched_persona(env: gym.Env, dialogue: dict[str, Any], seed: int, turns: Sequence[str]) -> dict[str, Any]:
    """The dialogue's stand-in as ``dialgym data import p4g`` builds it (:func:`dialgym.data.p4g.match_stand_in`),
    drawn by ``seed`` from the ``test`` split: patient enough to hear all the real persuader's ``turns``
    (they stayed) and as inclined, within the split, as their pre-task survey suggests."""
    env.reset(seed=seed)
    traits = dialogue.get("persuadee_traits") or {}
    persona, _ = match_stand_in(dict(env.unwrapped.persona), traits, turns, "test", seed)
    return persona


def replay(dialogues: Sequence[dict[str, Any]], seed: int, horizon: str) -> dict[str, Any]:
    """Replay the real persuaders and the reference agents on the same personas and horizons.

    ``horizon``: ``default`` (10 turns, ``test`` personas as drawn), ``dialogue`` (the dialogue's own
    length) or ``matched`` (the dialogue's length against its matched stand-in: :func:`matched_persona`).
    """
    sims: dict[str, list[float]] = {"real": [], "random": [], "oracle": [], "oracle_open_loop": []}
    oracle_turns: list[list[str]] = []
    settings: list[tuple[int, int, int, dict[str, Any] | None]] = []
    acts_heard: list[list[str]] = []
    real_donation = []
    # how each real replay ended (the user's decision) and how long it ran, against the dialogue's length
    ends: list[str] = []
    played: list[int] = []
    written: list[int] = []
    patience: list[int] = []
    envs: dict[tuple[int, bool], gym.Env] = {}

    def env_for(max_turns: int, privileged: bool) -> gym.Env:
        key = (max_turns, privileged)
        if key not in envs:
            envs[key] = gym.make("Persuasion-v0", persona_split="test", max_turns=max_turns, privileged=privileged)
        return envs[key]

    refs = {name: make_agent(name, "Persuasion-v0") for name in ("random", "oracle")}
    try:
        for i, d in enumerate(progress_bar(dialogues, total=len(dialogues), desc=f"replay ({horizon})")):
            turns = [m["content"] for m in d["messages"] if m["role"] == "assistant" and m["content"].strip()]
            max_turns = 10 if horizon == "default" else max(1, len(turns))
            s_env, s_agent = episode_seed(seed, i), episode_seed(seed, i, 1)
            options = None
            if horizon == "matched":
                options = {"persona": matched_persona(env_for(max_turns, False), d, s_env, turns)}
            # the same agent as `human-replay:PATH`, given this one dialogue (a short one ends politely)
            agent = HumanReplayAgent("Persuasion-v0", [turns])
            r = play_episode(env_for(max_turns, False), agent, s_env, s_agent, options=options)
            sims["real"].append(r.reward)
            acts_heard.extend(r.agent_acts)
            ends.append(str(r.outcome.get("decision", "unknown")))
            played.append(r.turns)
            written.append(len(turns))
            patience.append(int(r.persona.get("patience", 0)))
            for name, agent in refs.items():
                env = env_for(max_turns, agent.requires_privileged)
                ref = play_episode(env, agent, s_env, s_agent, options=options)
                sims[name].append(ref.reward)
                if name == "oracle":
                    oracle_turns.append([m["content"] for m in ref.messages if m["role"] == "assistant"])
            settings.append((max_turns, s_env, s_agent, options))
            # the task's range: a few real persuadees gave more than the $2 the task is about
            real_donation.append(min(2.0, max(0.0, float(d["persuadee_donation"]))))
        # the control: the oracle's own dialogues, each replayed open loop against the next setting's person
        # (what any transcript written for one person scores against another)
        for i, (max_turns, s_env, s_agent, options) in enumerate(settings):
            agent = HumanReplayAgent("Persuasion-v0", [oracle_turns[(i + 1) % len(settings)]])
            ctrl = play_episode(env_for(max_turns, False), agent, s_env, s_agent, options=options)
            sims["oracle_open_loop"].append(ctrl.reward)
    finally:
        for env in envs.values():
            env.close()
    mean = {k: float(np.mean(v)) for k, v in sims.items()}
    span = mean["oracle"] - mean["random"]
    turns_total = max(1, len(acts_heard))
    return {
        "dialogues": len(dialogues),
        "mean_donation": {k: round(v, 4) for k, v in mean.items()},
        "normalised": round(100 * (mean["real"] - mean["random"]) / span, 1) if span else None,
        "normalised_oracle_open_loop": (
            round(100 * (mean["oracle_open_loop"] - mean["random"]) / span, 1) if span else None
        ),
        "success_rate_real": round(float(np.mean([x > 0 for x in sims["real"]])), 4),
        "spearman_with_real_donation": round(spearman(sims["real"], real_donation), 4),
        # the survey model behind the matched stand-ins is fitted on the fit part: the holdout part is out of sample
        "spearman_by_part": {
            part: round(spearman([sims["real"][i] for i in idx], [real_donation[i] for i in idx]), 4)
            for part, idx in (
                ("fit", [i for i, d in enumerate(dialogues) if not holdout_part(d["dialogue_id"])]),
                ("holdout", [i for i, d in enumerate(dialogues) if holdout_part(d["dialogue_id"])]),
            )
        },
        "real_mean_donation": round(float(np.mean(real_donation)), 4),
        "real_success_rate": round(float(np.mean([x > 0 for x in real_donation])), 4),
        "turns_heard_off_task_only": round(sum(1 for a in acts_heard if a == ["off_task"]) / turns_total, 4),
        # why a replay scores what it scores: a simulated person who leaves before the real persuader's ask
        # (their patience is shorter than the dialogue) gives what their willingness is worth, not what was asked
        "real_ends": {k: round(ends.count(k) / max(1, len(ends)), 4) for k in sorted(set(ends))},
        "real_turns_played": round(float(np.mean(played)), 2) if played else None,
        "dialogue_turns": round(float(np.mean(written)), 2) if written else None,
        "persona_patience": round(float(np.mean(patience)), 2) if patience else None,
    }


def paraphrase_scores(task: str) -> dict[str, Any] | None:
    """``benchmarks/paraphrases/measure.py``'s scores for one task's paraphrase set (None if it has none)."""
    path = PARAPHRASES / f"{task}.jsonl"
    if not path.exists():
        return None
    if str(PARAPHRASES) not in sys.path:
        sys.path.insert(0, str(PARAPHRASES))
    import measure  # benchmarks/paraphrases/measure.py: one way to play and score a paraphrase set

    items = measure.load_items(path)
    env = gym.make(PARAPHRASE_ENVS[task])
    try:
        return measure.score(items, measure.hear(env, items))
    finally:
        env.close()


def summarize(name: str, scores: dict[str, Any]) -> Iterable[str]:
    for part, s in scores.items():
        yield (
            f"{name:28s} {part:8s} macro-F1 {s['macro_f1']:.3f}  unheard {s['unheard_share']:.1%}  "
            f"no strategy {s['no_strategy_share']:.1%}  ({s['strategy_sentences']} strategy sentences)"
        )


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(HERE.parent.parent / "shared" / "realdata"), help="the real-data folder")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--replay-dialogues", type=int, default=None, help="replay only the first N dialogues")
    ap.add_argument("--skip-replay", action="store_true")
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    data = Path(args.data)
    t0 = time.perf_counter()
    results: dict[str, Any] = {"config": {**vars(args), "dialgym": dialgym.__version__}}
    lines: list[str] = []

    missing = [name for name in (*CORPORA, "p4g_dialogues_dev.jsonl") if not (data / name).exists()]
    if missing:
        # said, not silent: a wrong --data would otherwise leave only the paraphrase lines
        print(f"not in {data}: {', '.join(missing)} (those measures are skipped; --data names the folder)")
    for name, (env_id, key, label, part_key, strategies) in CORPORA.items():
        if not (data / name).exists():
            continue
        rows = read_jsonl(data / name)
        heard = hear(env_id, [r["text"] for r in rows], args.seed, f"{label} sentences")
        scores = by_part([r[part_key] for r in rows], [r["act"] for r in rows], heard, strategies)
        results[key] = scores
        lines += summarize(f"{env_id} ({label})", scores)
    dialogues_path = data / "p4g_dialogues_dev.jsonl"
    if dialogues_path.exists() and not args.skip_replay:
        dialogues = read_jsonl(dialogues_path)[: args.replay_dialogues]
        results["persuasion_replay"] = {h: replay(dialogues, args.seed, h) for h in ("default", "dialogue", "matched")}
        for h, r in results["persuasion_replay"].items():
            lines.append(
                f"P4G persuaders replayed ({h:8s}): normalised {r['normalised']} (the oracle's own dialogues "
                f"replayed open loop: {r['normalised_oracle_open_loop']}), "
                f"Spearman with real donation {r['spearman_with_real_donation']:+.3f}, simulated mean "
                f"${r['mean_donation']['real']:.2f} (random ${r['mean_donation']['random']:.2f}, oracle "
                f"${r['mean_donation']['oracle']:.2f}; real ${r['real_mean_donation']:.2f}), "
                f"{r['turns_heard_off_task_only']:.1%} of turns off-task"
            )
            lines.append(
                f"  ends ({h}): "
                + ", ".join(f"{k} {v:.0%}" for k, v in r["real_ends"].items())
                + f"; {r['real_turns_played']} of the dialogue's {r['dialogue_turns']} persuader turns played "
                f"(persona patience {r['persona_patience']})"
            )
    results["paraphrases"] = {}
    for task in PARAPHRASE_ENVS:
        res = paraphrase_scores(task)
        if res is not None:
            results["paraphrases"][task] = res
            lines.append(
                f"paraphrases {task:12s} "
                + "  ".join(
                    f"{split} {v['recognised']:.1%} of {v['n_positive']} (negatives rejected "
                    f"{v['negatives_rejected'] or 0:.0%})"
                    for split, v in res.items()
                    if split != "all"
                )
            )
    results["seconds"] = round(time.perf_counter() - t0, 1)
    path = write_result("realdata", results, args.out)
    print("\n".join(lines))
    print(f"wrote {path} ({results['seconds']} s)")


if __name__ == "__main__":
    main()
