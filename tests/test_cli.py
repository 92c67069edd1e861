import json

from dialgym.cli import main


def test_eval_prints_a_table_and_writes_a_leaderboard(tmp_path, capsys):
    out = tmp_path / "lb"
    code = main(["eval", "Persuasion-v0", "--agent", "behavior", "--episodes", "6", "--quiet", "--out", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    for agent in ("random", "behavior", "oracle"):  # references are added for the normalised score
        assert agent in text
    board = json.loads((out / "leaderboard.json").read_text())
    rows = {r["agent"]: r for r in board["rows"]}
    assert rows["random"]["normalized"] == 0.0 and abs(rows["oracle"]["normalized"] - 100.0) < 1e-9
    assert rows["behavior"]["episodes"] == 6 and len(rows["behavior"]["ci95"]) == 2
    assert (out / "leaderboard.md").read_text().startswith("| env |")
    assert (out / "leaderboard.png").stat().st_size > 1000
    transcripts = out / "episodes" / "Persuasion-v0" / "test" / "behavior.jsonl"
    assert len(transcripts.read_text().splitlines()) == 6
    # resumable: a second run plays nothing new and reports the same numbers
    assert main(["eval", "Persuasion-v0", "--agent", "behavior", "--episodes", "6", "--quiet", "--out", str(out)]) == 0
    again = {r["agent"]: r for r in json.loads((out / "leaderboard.json").read_text())["rows"]}
    assert again["behavior"]["mean"] == rows["behavior"]["mean"]


def test_eval_per_split_and_reference_scores(tmp_path, capsys):
    refs = json.dumps({"Persuasion-v0": [0.1, 1.5]})
    code = main(
        [
            "eval",
            "Persuasion-v0",
            "--agent",
            "behavior",
            "--episodes",
            "4",
            "--split",
            "test",
            "--split",
            "hard",
            "--reference-scores",
            refs,
            "--quiet",
        ]
    )
    assert code == 0
    table = capsys.readouterr().out.split("\n\n")[0]
    assert "hard" in table and "oracle" not in table  # references given: not run


def test_eval_bad_input_is_a_clear_error(capsys):
    assert main(["eval", "Nope-v0", "--episodes", "2", "--quiet"]) == 2
    assert "unknown dialgym env id 'Nope-v0'" in capsys.readouterr().err


def test_explain_prints_the_acts_heard_per_sentence_with_evidence(capsys):
    from dialgym.cli import main

    assert main(["explain", "Persuasion-v0", "Hi there! Would you donate a dollar of your payment?"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "heard: greeting, proposition_of_donation"
    assert "sentence 2: 'would you donate a dollar of your payment?' -> proposition_of_donation" in out
    assert "<- rule matched 'would you donate'" in out


def test_explain_python_function_matches_what_the_env_reports():
    import gymnasium as gym

    import dialgym

    text = "Okay, makes sense. Xkcd qwrt zxcvb."
    acts, readings = dialgym.explain("Persuasion-v0", text)
    env = gym.make("Persuasion-v0")
    env.reset(seed=0)
    assert env.step(text)[-1]["agent_acts"] == acts == ["rapport"]
    assert [r.acts for r in readings] == [("rapport",), ("off_task",)]
    assert readings[1].evidence[0].source == "gibberish"


def test_explain_without_text_is_an_error(capsys):
    from dialgym.cli import main

    assert main(["explain", "Persuasion-v0", " "]) == 2
    assert "explain needs an utterance" in capsys.readouterr().err


def test_data_stats_into_a_closed_pipe_ends_quietly(tmp_path):
    """`dialgym data stats FILE | head -1`: the reader leaves early; no BrokenPipeError traceback, exit 0."""
    import subprocess
    import sys

    from dialgym.data.collect import collect

    data = tmp_path / "d.jsonl"
    collect("Persuasion-v0", "behavior", episodes=5, seed=0, out=data, progress=False)
    proc = subprocess.Popen(
        [sys.executable, "-m", "dialgym", "data", "stats", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # the reader is gone before the first line is written
    _, err = proc.communicate(timeout=600)  # hang guard only
    assert proc.returncode == 0, err.decode()
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err.decode()


def test_a_bug_keeps_its_traceback_and_bad_input_gets_one_line(monkeypatch, capsys):
    """One-line errors are for bad input and setup; an unexpected TypeError is a bug and must stay visible."""
    import pytest

    import dialgym.cli as cli

    def buggy(args):
        raise TypeError("unsupported operand type(s) for +: 'int' and 'str'")

    parser = cli.build_parser()
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    parser._subparsers._group_actions[0].choices["explain"].set_defaults(func=buggy)
    with pytest.raises(TypeError, match="unsupported operand"):
        cli.main(["explain", "Persuasion-v0", "hi"])
    assert cli.main(["eval", "Nope-v0"]) == 2  # bad input: one line
    assert "unknown dialgym env id 'Nope-v0'" in capsys.readouterr().err
    monkeypatch.setenv("DIALGYM_TRACEBACK", "1")
    with pytest.raises(ValueError, match="Nope-v0"):
        cli.main(["eval", "Nope-v0"])


def test_eval_human_reference_adds_real_persuaders_to_persuasion_only(tmp_path, capsys):
    """`--human-reference PATH`: the real persuaders replayed, a row of Persuasion's table and no other task's."""
    from pathlib import Path

    sample = Path(__file__).resolve().parent / "benchmarks" / "p4g_sample"  # attributed PersuasionForGood sample
    args = ["eval", "Persuasion-v0", "Instruction-v0", "--episodes", "6", "--quiet", "--out", str(tmp_path / "lb")]
    assert main([*args, "--human-reference", str(sample)]) == 0
    rows = json.loads((tmp_path / "lb" / "leaderboard.json").read_text())["rows"]
    replayed = [r for r in rows if r["agent"].startswith("human-replay:")]
    assert [r["env_id"] for r in replayed] == ["Persuasion-v0"] and replayed[0]["normalized"] is not None
    assert main(["eval", "Instruction-v0", "--episodes", "2", "--quiet", "--human-reference", str(sample)]) == 2
    assert "needs Persuasion-v0" in capsys.readouterr().err
