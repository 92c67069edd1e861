"""benchmarks/realdata.py on a small attributed PersuasionForGood sample (no ../shared needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from benchmark_loader import load_benchmark

SAMPLE = Path(__file__).resolve().parent / "p4g_sample"




R = load_benchmark("realdata")


def test_recognition_scores_count_precision_recall_and_unheard():
    labels = ["logical_appeal", "logical_appeal", "emotion_appeal", None, None]
    heard = [["logical_appeal"], ["off_task"], ["logical_appeal"], ["rapport"], ["off_task"]]
    s = R.recognition_scores(labels, heard, ("logical_appeal", "emotion_appeal"))
    assert s["per_act"]["logical_appeal"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "n": 2}
    assert s["per_act"]["emotion_appeal"]["recall"] == 0.0
    assert s["macro_f1"] == 0.25
    assert s["unheard_share"] == pytest.approx(1 / 3, abs=1e-4)  # the off_task one of three strategy sentences
    assert s["rapport_heard_off_task"] == 0.5


def test_spearman_matches_rank_correlation_with_ties():
    assert R.spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert R.spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert R.spearman([1, 1, 2, 2], [1, 2, 3, 4]) == pytest.approx(0.8944, abs=1e-4)
    assert R.spearman([1, 1, 1], [1, 2, 3]) == 0.0


def test_holdout_part_is_stable_and_about_one_in_five():
    keys = [f"dialogue-{i}" for i in range(2000)]
    share = sum(R.holdout_part(k) for k in keys) / len(keys)
    assert 0.15 < share < 0.25
    assert [R.holdout_part(k) for k in keys[:50]] == [R.holdout_part(k) for k in keys[:50]]


def test_benchmark_runs_on_the_sample_and_writes_its_result(tmp_path, capsys):
    out = tmp_path / "realdata.json"
    R.main(["--data", str(SAMPLE), "--out", str(out)])
    res = json.loads(out.read_text())
    rec = res["persuasion_recognition"]["all"]
    assert rec["sentences"] == 16 and 0.0 <= rec["macro_f1"] <= 1.0
    assert "counseling_recognition" not in res  # no ESConv file in the sample
    for horizon in ("default", "dialogue", "matched"):
        rep = res["persuasion_replay"][horizon]
        assert rep["dialogues"] == 3
        assert rep["mean_donation"]["oracle"] > rep["mean_donation"]["random"]
        assert rep["real_mean_donation"] == pytest.approx(1 / 3, abs=1e-3)
        assert rep["normalised_oracle_open_loop"] is not None
        assert sum(rep["real_ends"].values()) == pytest.approx(1.0, abs=1e-3)
        assert set(rep["real_ends"]) <= {"donated", "refused", "left", "undecided"}
        assert 1 <= rep["real_turns_played"] <= rep["dialogue_turns"]
    # a matched stand-in stays for the whole dialogue, as the real persuadee did
    assert "left" not in res["persuasion_replay"]["matched"]["real_ends"]
    assert set(res["paraphrases"]) == {"instruction", "travel", "counseling", "persuasion"}
    assert "P4G persuaders replayed" in capsys.readouterr().out


def test_matched_stand_in_stays_for_the_dialogue_and_follows_the_survey():
    """The matched persona is the drawn test persona, patient enough to hear every real turn (whatever they
    cost) and no more, with the inclination the persuadee's survey places them at (a kinder survey, a more
    inclined stand-in)."""
    import gymnasium as gym

    from dialgym.data.p4g import split_inclination, stays_through, trait_quantile

    dialogue = R.read_jsonl(SAMPLE / "p4g_dialogues_dev.jsonl")[0]
    env = gym.make("Persuasion-v0", persona_split="test")
    env.reset(seed=7)
    drawn = dict(env.unwrapped.persona)
    turns = [m["content"] for m in dialogue["messages"] if m["role"] == "assistant"]
    # off-task turns cost a turn of patience on top of the turn itself
    costly = [f"My football team lost {n} matches in a row." for n in ("two", "three", "four")] + turns
    persona = R.matched_persona(env, dialogue, 7, turns=costly)
    assert persona["patience"] > len(costly) >= drawn["patience"]  # the turns alone would not have kept them
    assert stays_through(persona, costly, 7)
    assert not stays_through({**persona, "patience": persona["patience"] - 1}, costly, 7)  # and no more than needed
    assert persona["inclination"] == split_inclination("test", trait_quantile(dialogue["persuadee_traits"]))
    assert {k: v for k, v in persona.items() if k not in ("patience", "inclination")} == {
        k: v for k, v in drawn.items() if k not in ("patience", "inclination")
    }
    unsurveyed = R.matched_persona(env, {**dialogue, "persuadee_traits": {}}, 7, turns=turns[:2])
    assert unsurveyed["inclination"] == drawn["inclination"] and unsurveyed["patience"] == drawn["patience"]
