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
