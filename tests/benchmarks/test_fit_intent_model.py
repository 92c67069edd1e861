"""benchmarks/fit_intent_model.py on a small annotation file of our own (no ../shared needed)."""

from __future__ import annotations

import json

from benchmark_loader import load_benchmark

from dialgym.simulators.intent_model import IntentModel

F = load_benchmark("fit_intent_model")

#: our own sentences (not PersuasionForGood's), one per strategy, said in a dozen made-up dialogues
SENTENCES = {
    "emotion_appeal": "Imagine a little girl going to bed hungry again tonight.",
    "logical_appeal": "A small amount goes a long way because supplies cost so little there.",
    "credibility_appeal": "They have been running schools and clinics for decades.",
    "donation_information": "The money comes straight out of your task payment.",
    "personal_related_inquiry": "Do you have any kids yourself?",
    None: "Haha, that is so true.",
}


def _corpus(path):
    with path.open("w") as f:
        for d in range(12):
            for turn, (act, text) in enumerate(SENTENCES.items()):
                row = {"dialogue_id": f"own-{d}", "turn": turn, "text": text, "p4g_label": "x", "act": act}
                f.write(json.dumps(row) + "\n")


def test_cross_validation_hears_through_the_tasks_rules():
    """What is cross-validated is the recogniser as it runs: the rules first, the fold's model as backstop."""
    heard = F.hear_with(None, ["have you heard of save the children?", "have you ever donated to a charity?"])
    assert heard == [["source_related_inquiry"], ["personal_related_inquiry"]]
    # one logical appeal of two found (precision 1, recall 1/2): F1 2/3 for it, 0 for the other nine strategies
    scores = F.recogniser_scores([["logical_appeal"], ["off_task"]], ["logical_appeal", "logical_appeal"])
    assert scores == (0.0667, 0.5)


def test_fitting_writes_a_documented_deterministic_model(tmp_path, capsys):
    _corpus(tmp_path / "p4g_annotated_dev.jsonl")
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    F.main(["--data", str(tmp_path), "--out", str(a), "--folds", "3"])
    out = capsys.readouterr().out
    assert out.count("cross-validated recogniser macro-F1") == 6  # l2 x stems
    model = IntentModel.load(a)
    assert "fit part only" in model.about["data"] and "Apache-2.0" in model.about["licence"]
    assert model.about["cv_macro_f1_recogniser"] > 0.3  # the same sentences recur in every dialogue
    assert json.loads(a.read_text())["stems"] == model.stems
    assert f"chose l2={model.about['l2']:.0e} stems={model.stems}" in out
    F.main(["--data", str(tmp_path), "--out", str(b), "--folds", "3"])
    assert a.read_bytes() == b.read_bytes()
