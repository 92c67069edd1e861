"""The learned sentence classifier behind the scripted users' rules."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dialgym.simulators.intent_model import NONE, IntentModel, features, fit, stem
from dialgym.simulators.scripted import normalize_for_matching
from dialgym.tasks.persuasion.user import INTENT_MODEL_PATH

# our own toy sentences: three acts and sentences that carry none
DATA = [
    ("would you give a dollar today?", "ask"),
    ("could you spare some money for them?", "ask"),
    ("would you like to chip in a little?", "ask"),
    ("can you donate part of your pay?", "ask"),
    ("they feed hungry kids in poor countries.", "facts"),
    ("the group runs schools and clinics.", "facts"),
    ("they work in over a hundred countries.", "facts"),
    ("the charity builds wells and schools.", "facts"),
    ("i gave two dollars myself.", "self"),
    ("i donate to them every month.", "self"),
    ("i gave my whole bonus last time.", "self"),
    ("i myself donate a bit each year.", "self"),
    ("okay.", NONE),
    ("that is nice.", NONE),
    ("sure thing.", NONE),
    ("haha yes.", NONE),
]


def _fit(**kw):
    texts, labels = zip(*DATA, strict=True)
    return fit(list(texts), list(labels), l2=1e-3, steps=300, **kw)


def test_features_are_word_ngrams_with_a_start_marker_and_numbers_folded():
    f = features("would you give 2 dollars?")
    assert {"would", "<num>", "<s> would", "give <num> dollars", "?"} <= set(f)
    assert len(f) == len(set(f))
    assert any(x.startswith("#") for x in features("donations", chars=4))


def test_stems_let_inflections_share_evidence():
    assert {stem(w) for w in ("donate", "donated", "donating", "donation", "donations")} == {"donat"}
    assert stem("charities") == stem("charity") == "charity"
    assert stem("kids") == "kids" and stem("2019") == "2019" and stem("does") == "does"  # short words, numbers kept
    f = features("they donated to charities", content_unigrams=True, stems=True)
    assert {"~donat", "~charity"} <= set(f) and "~they" not in f  # function words get no stem either
    assert "~?" not in features("do you give?", stems=True) and "~<num>" not in features("give 2", stems=True)
    assert not any(x.startswith("~") for x in features("they donated to charities"))
    # the setting travels with the model's file (files from before it existed have no stems)
    m = _fit(stems=True)
    assert m.stems and IntentModel.from_dict(m.to_dict()).stems
    assert any(f.startswith("~") for f in m.to_dict()["weights"])
    act, detail = m.predict(normalize_for_matching("They donated to schools."), explain=True)
    assert "'~school'" in detail and "(~ marks a word's stem)" in detail  # an explanation says what "~" means
    assert "marks" not in _fit().predict("they feed kids and run schools.", explain=True)[1]  # no stems, no note
    old = {k: v for k, v in m.to_dict().items() if k != "stems"}
    assert not IntentModel.from_dict(old).stems


def test_fit_learns_the_acts_and_abstains_on_filler():
    m = _fit(threshold=0.4)
    assert m.predict("would you give some money?")[0] == "ask"
    assert m.predict("they feed kids and run schools.")[0] == "facts"
    assert m.predict("i gave a dollar myself.")[0] == "self"
    assert m.predict("okay, nice.") is None
    act, detail = m.predict("would you give some money?", explain=True)
    assert act == "ask" and detail.startswith("p=") and "'would'" in detail


def test_fitting_is_deterministic_and_a_saved_model_predicts_the_same(tmp_path):
    a, b = _fit(), _fit()
    s = "could you give a little?"
    assert a.probabilities(s) == b.probabilities(s)
    path = tmp_path / "m.json"
    a.save(path)
    c = IntentModel.load(path)
    pa, pc = a.probabilities(s), c.probabilities(s)
    assert pa.keys() == pc.keys()
    assert max(abs(pa[k] - pc[k]) for k in pa) < 0.02  # weights are rounded and tiny ones dropped in the file


def test_balanced_classes_raise_a_rare_class():
    texts = ["would you give?"] * 20 + ["they run schools."] * 2 + ["okay."] * 20
    labels = ["ask"] * 20 + ["facts"] * 2 + [NONE] * 20
    plain = fit(texts, labels, l2=1e-2, steps=200)
    balanced = fit(texts, labels, l2=1e-2, steps=200, balanced=True)
    s = "they run schools."
    assert balanced.probabilities(s)["facts"] > plain.probabilities(s)["facts"]


def test_bad_inputs_name_what_was_wrong(tmp_path):
    with pytest.raises(ValueError, match="3 sentences but 2 labels"):
        fit(["a", "b", "c"], ["x", "y"])
    with pytest.raises(ValueError, match="no sentences to fit on"):
        fit([], [])
    with pytest.raises(ValueError, match=r"threshold=1\.5"):
        IntentModel(["a", NONE], {}, [0.0, 0.0], threshold=1.5)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "something else"}))
    with pytest.raises(ValueError, match="not a dialgym intent model"):
        IntentModel.load(bad)


def test_the_shipped_persuasion_model_is_documented_and_hears_new_phrasings():
    m = IntentModel.load(INTENT_MODEL_PATH)
    assert "Apache-2.0" in m.about["licence"] and "fit part only" in m.about["data"]
    assert set(m.classes) >= {"credibility_appeal", "donation_information", "personal_story", NONE}
    # sentences of our own, in words the task's lexicon does not contain
    heard = {
        "credibility_appeal": "They have been rated highly for how they spend donations.",
        "proposition_of_donation": "So how much of your bonus are you thinking of giving?",
        "personal_related_inquiry": "Do you have any kids of your own?",
    }
    for act, text in heard.items():
        p = m.probabilities(normalize_for_matching(text))
        assert max(p, key=p.get) == act, (text, sorted(p.items(), key=lambda kv: -kv[1])[:3])
    assert np.isclose(sum(m.probabilities("hello there").values()), 1.0)
