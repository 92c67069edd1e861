"""benchmarks/reproduce.py: the result assembly on hand-made rows, and the whole pipeline in --quick mode."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from benchmark_loader import load_benchmark

ROOT = Path(__file__).resolve().parents[2]




def row(split, agent, mean, lo, hi, n=10):
    return {"split": split, "agent": agent, "mean": mean, "ci95": [lo, hi], "success": 0.5, "episodes": n,
            "mean_turns": 5.0}  # fmt: skip


def test_assemble_normalizes_per_split_and_checks_the_claim():
    rp = load_benchmark("reproduce")
    specs = {"X-v0": rp._specs(Path("w"), "X-v0", 4.0)}
    s = specs["X-v0"]
    rows = []
    for split, shift in (("test", 0.0), ("hard", -1.0)):
        rows += [
            row(split, "random", 0.0 + shift, -0.1, 0.1),
            row(split, "oracle", 2.0 + shift, 1.9, 2.1),
            row(split, "behavior", 1.0 + shift, 0.9, 1.1),
            row(split, s["bc"], 0.8 + shift, 0.7, 0.9),
            row(split, s["fbc"], 0.9 + shift, 0.8, 1.0),
            row(split, s["ilql"], 1.5 + shift, 1.4, 1.6),
            row(split, s["ilql_hindsight"], 1.4 + shift, 1.3, 1.5),
            row(split, "prompt", 0.5 + shift, 0.3, 0.7, n=3),
        ]
    results = rp.assemble({"X-v0": rows}, specs)
    agents = results["X-v0"]
    assert list(agents) == list(rp.AGENT_KEYS)
    assert agents["random"]["normalized"] == pytest.approx(0.0)
    assert agents["oracle"]["normalized"] == pytest.approx(100.0)
    assert agents["ilql"]["normalized"] == pytest.approx(75.0)
    assert agents["ilql"]["hard"]["normalized"] == pytest.approx(75.0)  # normalised by the hard split's refs
    assert agents["prompt"]["episodes"] == 3
    assert set(agents["bc"]) >= {"mean", "ci95", "normalized", "success", "episodes", "hard"}
    verdict = rp.checks(results)
    assert verdict["tasks_ilql_above_bc_and_fbc"] == 1
    assert verdict["per_task"]["X-v0"]["hindsight_ilql_at_least_ilql"]  # 1.4 [1.3, 1.5] overlaps 1.5 [1.4, 1.6]
    # an ILQL whose CI touches filtered BC's does not count
    rows = [dict(r, ci95=[0.95, 1.6]) if r["agent"] == s["ilql"] else r for r in rows]
    assert rp.checks(rp.assemble({"X-v0": rows}, specs))["tasks_ilql_above_bc_and_fbc"] == 0
    assert "| ilql |" in rp.markdown(results)


def test_the_learners_defaults_are_the_published_recipe():
    """``dialgym train``'s defaults are the settings the committed reproduction ran (``reproduce_run.json``).

    The published run overrides nothing, so it trains with the defaults; reproduce.py keeps no copy of them.
    """
    from dataclasses import fields

    from dialgym.agents.config import TinyModelConfig
    from dialgym.train import LEARNERS

    rp = load_benchmark("reproduce")
    meta = json.loads((ROOT / "benchmarks" / "results" / "reproduce_run.json").read_text())
    assert meta["config"].get("train", {}) == {}
    # runs before the configs were the CLI recorded one flat config (its top_fraction is filtered BC's)
    published = meta.get("learners") or {algo: meta["config"] for algo in rp.TRAINED}
    cfg = rp.ReproduceConfig(seed=meta["config"]["seed"])
    for algo in rp.TRAINED:
        mine = cfg.learner(algo)
        shared = {k for k in published[algo] if k in mine and not (algo == "bc" and k == "top_fraction")}
        assert {k: mine[k] for k in shared} == {k: published[algo][k] for k in shared}, algo
        assert {"steps", "batch_size", "lr", "n_layer", "n_embd"} <= shared, algo
    assert {"top_fraction"} <= set(published["fbc"]) and cfg.learner("fbc")["top_fraction"] == 0.2
    assert {"polyak_alpha", "beta", "gamma", "tau", "cql_weight", "action_vocab"} <= set(published["ilql"])
    learner_fields = {f.name for c in (*LEARNERS.values(), TinyModelConfig) for f in fields(c)}
    assert {f.name for f in fields(rp.ReproduceConfig)} & learner_fields == {"seed"}  # no copies of the recipe


def test_train_overrides_reach_the_learners_that_have_them():
    rp = load_benchmark("reproduce")
    quick = rp.ReproduceConfig.quick(train={"action_vocab": "full"})
    assert quick.learner("ilql")["steps"] == 20 and quick.learner("ilql")["action_vocab"] == "full"
    assert quick.learner("ilql")["polyak_alpha"] == rp.ReproduceConfig().learner("ilql")["polyak_alpha"]
    cfg = rp.ReproduceConfig(seed=3, train={"top_fraction": 0.3, "n_embd": 64})
    assert cfg.train_settings("bc") == {"seed": 3, "n_embd": 64}  # plain BC stays plain
    assert cfg.learner("fbc")["top_fraction"] == 0.3 and cfg.learner("bc")["top_fraction"] == 1.0
    with pytest.raises(ValueError, match=r"train settings \['polyak'\] are no learner's"):
        rp.ReproduceConfig(train={"polyak": 0.1})
    with pytest.raises(ValueError, match=r"ILQLConfig\.tau=2 must be in \(0, 1\)"):
        rp.ReproduceConfig(train={"tau": 2})


@pytest.mark.slow
def test_quick_reproduction_runs_every_stage_and_resumes(tmp_path):
    work = tmp_path / "work"
    out = tmp_path / "results"
    script = ROOT / "benchmarks" / "reproduce.py"
    cmd = [sys.executable, str(script), "--quick", "--work", str(work), "--out", str(out), "--jobs", "2"]
    # timeouts are hang guards only: --quick takes about 2 minutes on quiet cores, 12 on busy ones
    first = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, timeout=3600)
    assert first.returncode == 0, first.stderr[-3000:]
    results = json.loads((out / "reproduce.json").read_text())
    assert len(results) == 4
    for env_id, agents in results.items():
        assert list(agents) == [
            "random", "behavior", "oracle", "prompt", "bc", "fbc", "ilql", "ilql_hindsight",
        ], env_id  # fmt: skip
        for key, rec in agents.items():
            assert {"mean", "ci95", "normalized", "success", "episodes", "hard"} <= set(rec), (env_id, key)
            lo, hi = rec["ci95"]
            assert lo <= rec["mean"] <= hi
            assert rec["episodes"] == (2 if key == "prompt" else 8)
    assert (out / "reproduce.png").stat().st_size > 0
    meta = json.loads((out / "reproduce_run.json").read_text())
    assert meta["checks"]["tasks"] == 4
    assert set(meta["seconds"]) >= {"data", "train", "eval", "eval_prompt", "total"}
    # a second run finds everything done: same numbers, nothing retrained
    second = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, timeout=3600)
    assert second.returncode == 0, second.stderr[-3000:]
    assert json.loads((out / "reproduce.json").read_text()) == results
    meta2 = json.loads((out / "reproduce_run.json").read_text())
    [steps] = {learner["steps"] for learner in meta["learners"].values()}  # what every learner trained with
    assert all(t["resumed_from"] == 0 for task in meta["training"].values() for t in task.values())
    assert all(t["resumed_from"] == steps for task in meta2["training"].values() for t in task.values())
    # other settings in the same work folder are refused
    third = subprocess.run([*cmd, "--steps", "3"], capture_output=True, text=True, cwd=tmp_path, timeout=1800)
    assert third.returncode != 0 and "other settings" in third.stderr
    assert "its scores say nothing about the claim" in first.stdout
    # your own agent joins a finished run: only it is evaluated; --prompt-episodes 0 skips the prompting agent
    mine = f"{ROOT / 'examples' / 'my_agent.py'}:MyAgent"
    assert "real human data: skipped (pass --human-data PATH" in first.stdout
    # ... and the real human data rows (the attributed 3-dialogue P4G sample) join it
    sample = ROOT / "tests" / "benchmarks" / "p4g_sample"
    fourth = subprocess.run(
        [*cmd, "--prompt-episodes", "0", "--agent", mine, "--human-data", str(sample)],
        capture_output=True, text=True, cwd=tmp_path, timeout=3600,
    )  # fmt: skip
    assert fourth.returncode == 0, fourth.stderr[-3000:]
    results4 = json.loads((out / "reproduce.json").read_text())
    for env_id, agents in results4.items():
        assert list(agents) == ["random", "behavior", "oracle", "bc", "fbc", "ilql", "ilql_hindsight", mine], env_id
        assert agents["ilql"] == results[env_id]["ilql"] and agents[mine]["episodes"] == 8
    report = (out / "reproduce.md").read_text()
    assert f"| {mine} |" in report and "**Real human data**" in report and "| human_replay |" in report
    human = json.loads((out / "human_data.json").read_text())
    assert human["data"]["episodes"]["human"] == 3  # the sample's three real dialogues
    assert {"bc_human", "ilql_human_hindsight", "bc_simulated"} <= set(human["table"]["test"])
