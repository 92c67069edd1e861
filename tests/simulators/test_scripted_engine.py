import numpy as np
import pytest

from dialgym.simulators import OFF_TASK, IntentRecognizer, ReplyBank, looks_like_gibberish, normalize_for_matching


def test_normalisation_expands_contractions_and_folds_accents():
    assert normalize_for_matching("I don't KNOW, caf\u00e9!") == "i do not know, cafe!"
    assert normalize_for_matching("You're right; it's fine") == "you are right it is fine"


def test_recogniser_orders_intents_by_appearance_and_finds_several():
    rec = IntentRecognizer({"greet": [r"\bhello\b", r"\bhi\b"], "ask": [r"\?"], "thank": [r"\bthank"]})
    assert rec.recognise("Thanks! Hi, how are you?") == ["thank", "greet", "ask"]
    assert rec.recognise("the weather is nice today") == [OFF_TASK]


def test_gibberish_is_off_task_even_with_keywords_inside():
    rec = IntentRecognizer({"greet": [r"hello"]})
    assert rec.recognise("xqzt hello brrrzk pffft kkkkk") == [OFF_TASK]
    assert looks_like_gibberish("qwrt zxcv bnmk")
    assert not looks_like_gibberish("hello there my friend")


def test_negation_sensitive_intents():
    rec = IntentRecognizer({"donate": [r"\bdonat"]}, negation_sensitive=["donate"])
    assert rec.recognise("would you donate today") == ["donate"]
    assert rec.recognise("i will not ask you to donate") == [OFF_TASK]


def test_reserved_off_task_name():
    with pytest.raises(ValueError, match="reserved"):
        IntentRecognizer({OFF_TASK: ["x"]})


def test_reply_bank_draws_with_the_rng_and_fills_slots():
    bank = ReplyBank({"kids": ["I have {n} kids", "{n} kids at home"]})
    a = [bank.say("kids", np.random.default_rng(3), n=2) for _ in range(3)]
    b = [bank.say("kids", np.random.default_rng(3), n=2) for _ in range(3)]
    assert a == b and all("2" in s for s in a)
    with pytest.raises(KeyError, match="no reply kind 'nope'"):
        bank.say("nope", np.random.default_rng(0))
    with pytest.raises(ValueError, match="no phrasing"):
        ReplyBank({"empty": []})
