"""dialgym play with piped standard input, both roles."""

from __future__ import annotations

import json
import subprocess
import sys


def run(args, stdin_text):
    return subprocess.run(
        [sys.executable, "-m", "dialgym", "play", *args], input=stdin_text, capture_output=True, text=True, timeout=120
    )


def test_play_as_agent_reveals_persona_and_outcome_at_the_end():
    lines = "\n".join(["Hi there!", "Do you have kids?", "Would you donate $1 to Save the Children?"] * 4)
    proc = run(["Persuasion-v0", "--seed", "3"], lines + "\n/quit\n")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "User: " in out and "-- episode over" in out and "hidden persona was" in out
    assert out.rstrip().endswith("-- bye")


def test_play_restart_and_end_of_input():
    proc = run(["TravelAgent-v0", "--seed", "1"], "Hello!\n/restart\nWhat do you enjoy?\n")  # EOF quits
    assert proc.returncode == 0, proc.stderr
    assert "-- restarting" in proc.stdout and proc.stdout.rstrip().endswith("-- bye")


def test_play_as_user_saves_the_questionnaire(tmp_path):
    out = tmp_path / "q.jsonl"
    answers = "I'm not doing great.\nMy job.\n/end\n7\n4\n3\n5\n/quit\n"
    proc = run(["Counseling-v0", "--as", "user", "--agent", "adaptive", "--seed", "0", "--out", str(out)], answers)
    assert proc.returncode == 0, proc.stderr
    assert "You play this person" in proc.stdout and "please answer with a number from 1 to 5" in proc.stdout
    record = json.loads(out.read_text().splitlines()[0])
    assert record["ratings"] == {"task_success": 4, "naturalness": 3, "helpfulness": 5}
    assert record["messages"][0] == {"role": "user", "content": "I'm not doing great."}
    assert record["agent"] == "adaptive" and "type" in record["persona"]


def test_play_as_user_refuses_a_privileged_agent(tmp_path):
    proc = run(["Persuasion-v0", "--as", "user", "--agent", "oracle", "--out", str(tmp_path / "q.jsonl")], "")
    assert proc.returncode == 2 and "reads the persona" in proc.stderr


def test_a_line_too_long_is_refused_and_the_dialogue_goes_on():
    long_line = "so " * 2000  # 6,000 characters: over the env's 1,000-character action limit
    proc = run(["Persuasion-v0", "--seed", "3"], f"Hi there!\n{long_line}\nDo you have kids?\n/quit\n")
    assert proc.returncode == 0, proc.stderr
    assert "(not sent:" in proc.stdout and "1000" in proc.stdout
    assert proc.stdout.count("User: ") == 2  # both short messages were answered, in the same episode
    assert "-- restarting" not in proc.stdout and proc.stdout.rstrip().endswith("-- bye")


def test_play_as_user_refuses_a_line_too_long_and_documents_end(tmp_path):
    out = tmp_path / "q.jsonl"
    answers = "I'm not doing great.\n" + "x" * 5000 + "\nMy job.\n/end\n4\n3\n5\n/quit\n"
    proc = run(["Counseling-v0", "--as", "user", "--agent", "adaptive", "--seed", "0", "--out", str(out)], answers)
    assert proc.returncode == 0, proc.stderr
    assert "/end ends the conversation" in proc.stdout and "(not sent: 5000 characters" in proc.stdout
    record = json.loads(out.read_text().splitlines()[0])
    assert [m["content"] for m in record["messages"] if m["role"] == "user"] == ["I'm not doing great.", "My job."]


def test_play_as_user_against_your_own_agent_gives_it_the_horizon(tmp_path):
    """`--agent file.py:Class` works in play too, and the agent gets info["max_turns"] as in the env."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "q.jsonl"
    answers = "I'm good thanks.\nI have two kids.\n/end\n3\n4\n5\n/quit\n"
    proc = run(
        ["Persuasion-v0", "--as", "user", "--agent", f"{root / 'examples' / 'my_agent.py'}:MyAgent", "--seed", "0",
         "--out", str(out)], answers,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    record = json.loads(out.read_text().splitlines()[0])
    assert record["agent"].endswith("my_agent.py:MyAgent") and record["messages"][0]["role"] == "assistant"
