"""collect: exact, resumable, crash-safe, parallel; and its CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from dialgym.cli import main
from dialgym.data.collect import collect
from dialgym.data.io import EpisodeFileError, read_episodes

ENV = "Persuasion-v0"


def test_collect_writes_records_with_the_contract_fields(tmp_path):
    out = tmp_path / "b.jsonl"
    summary = collect(ENV, "behavior", episodes=12, seed=0, out=out, progress=False)
    assert summary.written == 12 and summary.episodes_per_s > 0
    eps = read_episodes(out)
    assert len({e.id for e in eps}) == 12
    rec = json.loads(out.read_text().splitlines()[0])
    for key in (
        "id",
        "task",
        "env_id",
        "seed",
        "persona",
        "messages",
        "reward",
        "outcome",
        "success",
        "source",
        "parent_id",
        "prefix_len",
        "policy",
        "created",
    ):
        assert key in rec
    assert rec["source"] == "rollout" and rec["policy"] == "behavior" and rec["env_id"] == ENV
    assert len(eps[0].agent_acts) == eps[0].turns


def test_workers_and_resume_give_the_same_episodes(tmp_path):
    one = tmp_path / "one.jsonl"
    collect(ENV, "behavior", episodes=20, seed=3, out=one, progress=False)
    two = tmp_path / "two.jsonl"
    collect(ENV, "behavior", episodes=8, seed=3, out=two, workers=2, progress=False)
    summary = collect(ENV, "behavior", episodes=20, seed=3, out=two, workers=2, progress=False)
    assert summary.already_there == 8 and summary.written == 12

    def key(e):
        return (e.id, e.messages, e.reward)

    assert sorted(map(key, read_episodes(one))) == sorted(map(key, read_episodes(two)))


def test_resume_refuses_a_different_configuration(tmp_path):
    out = tmp_path / "b.jsonl"
    collect(ENV, "behavior", episodes=2, seed=0, out=out, progress=False)
    with pytest.raises(EpisodeFileError, match="agent: file has 'behavior', this run has 'random'"):
        collect(ENV, "random", episodes=2, seed=0, out=out, progress=False)


def test_kill_9_then_rerun_gives_exactly_n_unique_episodes(tmp_path):
    out = tmp_path / "big.jsonl"
    n = 4000
    cmd = [
        sys.executable,
        "-m",
        "dialgym",
        "collect",
        ENV,
        "--agent",
        "behavior",
        "--episodes",
        str(n),
        "--seed",
        "7",
        "--out",
        str(out),
        "--workers",
        "2",
        "--quiet",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline and (not out.exists() or out.stat().st_size < 200_000):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the whole process group: the writer and its workers
    proc.wait()
    partial = len(out.read_text().splitlines())
    assert 0 < partial < n, "the kill must land mid-run for this test to mean anything"
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lines = out.read_text().splitlines()
    assert len(lines) == n
    ids = [json.loads(line)["id"] for line in lines]  # every line parses: no corrupt line
    assert len(set(ids)) == n
    assert "resumed" in done.stdout


def test_cli_collect_and_stats(tmp_path, capsys):
    out = tmp_path / "c.jsonl"
    assert main(["collect", ENV, "--agent", "random", "--episodes", "5", "--out", str(out), "--quiet"]) == 0
    assert "5/5 episodes" in capsys.readouterr().out
    assert main(["data", "stats", str(out)]) == 0
    text = capsys.readouterr().out
    assert "episodes        5" in text and "strategies" in text and "persona types" in text
    assert main(["data", "stats", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["episodes"] == 5


def test_cli_errors_are_clear(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{broken\n")
    assert main(["data", "stats", str(bad)]) == 2
    assert "bad.jsonl:1: not a valid episode" in capsys.readouterr().err
    assert main(["collect", "Nope-v0", "--agent", "random", "--episodes", "1", "--out", str(tmp_path / "x")]) == 2
    assert (
        main(
            [
                "collect",
                ENV,
                "--agent",
                "random",
                "--episodes",
                "1",
                "--out",
                str(tmp_path / "y"),
                "--env-kwargs",
                "[1]",
            ]
        )
        == 2
    )
    assert "JSON object" in capsys.readouterr().err


def test_batched_collection_equals_sequential(tmp_path):
    """Lockstep batches (the LLM path) give exactly the episodes of one-by-one collection."""
    seq = tmp_path / "seq.jsonl"
    collect(ENV, "behavior", episodes=10, seed=2, out=seq, progress=False)
    bat = tmp_path / "bat.jsonl"
    collect(ENV, "behavior", episodes=10, seed=2, out=bat, batch=4, progress=False)

    def key(e):
        return (e.id, e.messages, e.reward, e.agent_acts)

    assert sorted(map(key, read_episodes(seq))) == sorted(map(key, read_episodes(bat)))
    with pytest.raises(ValueError, match="not both"):
        collect(ENV, "behavior", episodes=2, seed=2, out=tmp_path / "x.jsonl", batch=2, workers=2)
