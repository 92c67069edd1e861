"""benchmarks/user_failures.py: a failed user episode never enters an agent's mean, and the faults are reproducible.

The benchmark's core runs tiny here, over the fault server with its role-play replies (no model), with a
garbage-judge rate high enough that some but not all episodes fail for good. The means are checked against
the transcripts the leaderboard wrote, not against the benchmark's own arithmetic.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from benchmark_loader import load_benchmark

from dialgym.data.io import read_episodes

B = load_benchmark("user_failures", "user_failures_benchmark")
RATES = B.FaultRates(p_429=0.1, p_500=0.1, p_stall=0.0, p_truncated=0.05, garbage_judge=0.3)
AGENTS = ["random", "behavior"]

def tiny(work: Path) -> dict:
    return B.run(["Persuasion-v0"], AGENTS, episodes=6, seed=0, replies="role-play", rates=RATES, work=work,
                 max_turns=2, timeout=5.0)  # fmt: skip


def test_no_failed_user_episode_enters_the_mean(tmp_path):
    record = tiny(tmp_path)
    assert 0 < record["user_failures"] < record["episodes"], "faults hit all or no episodes: the test proves nothing"
    assert record["server"]["requests_for_the_included_table"] == 0  # the second table re-reads the transcripts
    assert set(record["server"]["outcomes"]) - {"ok"}, "no HTTP fault was injected"
    rows = {r["agent"]: r for r in record["tasks"]["Persuasion-v0"]}
    assert set(AGENTS) <= set(rows)
    for agent, row in rows.items():
        eps = sorted(read_episodes(tmp_path / "episodes" / "Persuasion-v0" / "test" / f"{agent}.jsonl",
                                   include_user_failures=True), key=lambda e: e.id)  # fmt: skip
        failed = [e for e in eps if e.user_failure]
        scored = [e.reward for e in eps if not e.user_failure]
        assert row["episodes"] == len(eps) == 6
        assert row["user_failures"] == len(failed) and row["scored_episodes"] == len(scored)
        assert row["failed_episode_ids"] == [e.id for e in failed]
        assert row["failed_episodes"] == [i for i, e in enumerate(eps) if e.user_failure]
        assert sum(row["failure_reasons"].values()) == len(failed)
        assert row["mean_failures_as_0"] == pytest.approx(np.mean([e.reward for e in eps]))
        if scored:
            assert row["mean"] == pytest.approx(np.mean(scored))
        if failed:
            assert all(e.reward == 0 for e in failed)
            # the role-play judge gives every scored episode a positive donation: a counted failure would show
            assert row["mean"] > row["mean_failures_as_0"]
    reasons = {k for r in rows.values() for k in r["failure_reasons"]}
    assert "judge: LLMUserError" in reasons  # the garbage judge failed for good after its re-asks
    table = B.markdown(record)
    assert "| mean (scored) |" in table and "| mean, failures as 0 |" in table and "u-fail" in table


def test_faults_depend_on_content_not_arrival_order(tmp_path):
    """Two runs with concurrent requests fail the same episodes for the same reasons."""
    first, second = tiny(tmp_path / "a"), tiny(tmp_path / "b")
    for a, b in zip(first["tasks"]["Persuasion-v0"], second["tasks"]["Persuasion-v0"], strict=True):
        assert (a["failed_episodes"], a["failure_reasons"]) == (b["failed_episodes"], b["failure_reasons"])
    assert first["server"]["outcomes"] == second["server"]["outcomes"]


def test_fault_plan_draws_per_body_and_attempt():
    plan = B.FaultPlan(B.FaultRates(p_429=0.5, p_500=0.0, p_stall=0.0, p_truncated=0.0, garbage_judge=0.0), seed=0)
    bodies = [{"messages": [{"role": "user", "content": f"m{i}"}], "seed": i} for i in range(40)]
    forward = [[plan.fault(b) for _ in range(3)] for b in bodies]
    other = B.FaultPlan(plan.rates, seed=0)
    backward = [[other.fault(b) for _ in range(3)] for b in reversed(bodies)][::-1]
    assert forward == backward
    draws = [f for seq in forward for f in seq]
    assert 0 < draws.count("429") < len(draws) and set(draws) <= {"429", None}
    assert any(seq[0] != seq[1] for seq in forward), "a retry must redraw, or every transient fault would be final"
    with pytest.raises(ValueError, match="fault rates"):
        B.FaultRates(p_429=0.6, p_500=0.6)
