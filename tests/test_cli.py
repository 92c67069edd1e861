import json

from dialgym.cli import main


def test_eval_prints_a_table_and_writes_json(tmp_path, capsys):
    out = tmp_path / "rows.json"
    code = main(["eval", "Persuasion-v0", "--episodes", "6", "--quiet", "--json", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    for agent in ("random", "behavior", "oracle"):
        assert agent in text
    rows = json.loads(out.read_text())
    assert [r["agent"] for r in rows] == ["random", "behavior", "oracle"]
    assert rows[0]["normalized"] == 0.0 and abs(rows[2]["normalized"] - 100.0) < 1e-9


def test_eval_bad_input_is_a_clear_error(capsys):
    assert main(["eval", "Nope-v0", "--episodes", "2", "--quiet"]) == 2
    assert "unknown dialgym env id 'Nope-v0'" in capsys.readouterr().err
