import numpy as np
import pytest

from dialgym.simulators import (
    OFF_TASK,
    IntentRecognizer,
    ReplyBank,
    looks_like_gibberish,
    looks_like_salad,
    normalize_for_matching,
)
from dialgym.simulators.scripted import split_sentences


def test_normalization_expands_contractions_and_folds_accents():
    assert normalize_for_matching("I don't KNOW, caf\u00e9!") == "i do not know, cafe!"
    assert normalize_for_matching("You're right; it's fine") == "you are right it is fine"


def test_normalization_writes_out_chat_shorthand_but_not_ordinary_words():
    assert normalize_for_matching("cud u give some of ur pay? thx!") == "could you give some of your pay? thanks!"
    assert normalize_for_matching("i dont know, im not sure") == "i do not know, i am not sure"
    # "its", "ill", "were", "well" are words too; "u.s." and "r&b" are not shorthand for anything
    assert normalize_for_matching("its fine, ill go. we were well") == "its fine, ill go. we were well"
    assert normalize_for_matching("the u.s. likes r&b") == "the u.s. likes r b"


def test_recognizer_orders_intents_by_appearance_and_finds_several():
    rec = IntentRecognizer({"greet": [r"\bhello\b", r"\bhi\b"], "ask": [r"\?"], "thank": [r"\bthank"]})
    assert rec.recognize("Thanks! Hi, how are you?") == ["thank", "greet", "ask"]
    assert rec.recognize("the weather is nice today") == [OFF_TASK]


def test_gibberish_is_off_task_even_with_keywords_inside():
    rec = IntentRecognizer({"greet": [r"hello"]})
    assert rec.recognize("xqzt hello brrrzk pffft kkkkk") == [OFF_TASK]
    assert looks_like_gibberish("qwrt zxcv bnmk")
    assert not looks_like_gibberish("hello there my friend")


def test_keyword_salads_are_off_task_where_the_task_asks_for_it():
    lexicon = {"give": [r"\bdonate\b"], "trust": [r"\btrust\b|\baudit\b"]}
    salad = "donate children charity trust audit imagine please"
    assert looks_like_salad(normalize_for_matching(salad))
    assert IntentRecognizer(lexicon, reject_salads=True).recognize(salad) == [OFF_TASK]
    assert IntentRecognizer(lexicon).recognize(salad) == ["give", "trust"]  # off by default
    # people's sentences have a grammatical word, terse ones are short, lists have commas
    for text in (
        "maybe like cents every bit helps",
        "research shows vaccines save lives cheaply",
        "education, poverty, healthcare, emergency response, schools, water",
        "please donate today, thanks so much",
    ):
        assert not looks_like_salad(normalize_for_matching(text)), text


def test_negation_sensitive_intents():
    rec = IntentRecognizer({"donate": [r"\bdonat"]}, negation_sensitive=["donate"])
    assert rec.recognize("would you donate today") == ["donate"]
    assert rec.recognize("i will not ask you to donate") == [OFF_TASK]


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


# --------------------------------------------------------------------------- sentences, rapport, salads, explain
def test_sentences_split_at_end_punctuation_but_not_inside_numbers():
    assert split_sentences("hi! it costs $0.50 a day. ok?") == ["hi!", "it costs $0.50 a day.", "ok?"]
    assert split_sentences("no punctuation at all") == ["no punctuation at all"]
    assert split_sentences("") == []


def test_each_sentence_is_read_on_its_own():
    rec = IntentRecognizer({"greet": [r"^hello\b"], "ask": [r"\?$"]})
    # "^" anchors each sentence start; the question mark ends only the second sentence
    assert rec.recognize("Well. Hello there. Is it?") == ["greet", "ask"]
    neg = IntentRecognizer({"donate": [r"\bdonate\b"]}, negation_sensitive=["donate"])
    # a negation reaches only within its own sentence
    assert neg.recognize("I will not lie. Would you donate?") == ["donate"]


def test_rapport_is_heard_apart_from_off_task_and_only_when_nothing_else_is():
    rec = IntentRecognizer({"ask": [r"\bhave you heard\b"]}, rapport_act="chat", topic=[r"\bcharity\b"])
    assert rec.recognize("Okay, that makes sense.") == ["chat"]
    assert rec.recognize("The charity is big.") == ["chat"]  # on the topic, no strategy
    assert rec.recognize("Great! Have you heard of it?") == ["ask"]  # rapport beside a strategy is not reported
    assert rec.recognize("My car needs new tires.") == [OFF_TASK]
    assert IntentRecognizer({"ask": [r"\?"]}).recognize("Okay, that makes sense.") == [OFF_TASK]  # no rapport_act


@pytest.mark.parametrize(
    "text",
    [
        # ordinary conversational moves real persuaders and fresh agents use (written for this test)
        "That makes sense.",
        "That is a really reasonable concern.",
        "I hope your day is going well.",
        "Thats fantastic.",
        "It is such a great thing to do.",
        "It really is.",
        "I do!",
        "I most definitely agree.",
        "I'm so glad you asked!",
        "You are extremely generous.",
        "Your welcome!",
        "You will be blessed.",
        "Sounds like you know a lot about it.",
        # agreeing, answering how one is, closing, praising (issue 12: what real persuaders say between strategies)
        "You're so right.",
        "I could not agree more.",
        "Yeah, for sure.",
        "Nope, that covers it.",
        "I think so.",
        "Im not really sure.",
        "I'm doing well, thanks for asking.",
        "That's okay.",
        "Enjoy the rest of your evening!",
        "I hope you have a relaxing weekend.",
        "What a lovely attitude.",
        "That is really thoughtful of you.",
        "You should feel proud of yourself.",
        "You have inspired me.",
    ],
)
def test_everyday_acknowledgements_are_rapport_not_off_task(text):
    rec = IntentRecognizer({"ask": [r"\bhave you heard\b"]}, rapport_act="chat")
    assert rec.recognize(text) == ["chat"], text


@pytest.mark.parametrize(
    "text",
    [
        "My car needs new tires.",
        "Let me tell you about my cat, she is very fluffy.",
        "The weather turned cold.",
        "The stock market closed higher on Friday.",
        "Penguins cannot fly but they swim well.",
    ],
)
def test_unrelated_statements_stay_off_task(text):
    assert IntentRecognizer({"ask": [r"\bhave you heard\b"]}, rapport_act="chat").recognize(text) == [OFF_TASK]


def test_a_sentence_naming_too_many_strategies_is_a_keyword_salad():
    lex = {a: [rf"\b{a}\b"] for a in ("alpha", "beta", "gamma", "delta")}
    rec = IntentRecognizer(lex, max_acts_per_sentence=3)
    assert rec.recognize("alpha beta gamma delta") == [OFF_TASK]
    assert rec.recognize("alpha beta gamma") == ["alpha", "beta", "gamma"]
    assert rec.recognize("alpha and beta. gamma and delta.") == ["alpha", "beta", "gamma", "delta"]
    (reading,) = rec.explain("alpha beta gamma delta")
    assert reading.evidence[0].source == "crammed"
    with pytest.raises(ValueError, match="max_acts_per_sentence=0"):
        IntentRecognizer(lex, max_acts_per_sentence=0)


def test_explain_names_the_pattern_and_the_words_behind_each_act():
    rec = IntentRecognizer({"greet": [r"\bhey\b", r"\bhello\b"], "ask": [r"\bhave you\b"]}, rapport_act="chat")
    readings = rec.explain("Hello! Have you tried it? Sounds good. Xkcd qwrt.")
    assert [r.acts for r in readings] == [("greet",), ("ask",), ("chat",), (OFF_TASK,)]
    assert readings[0].evidence[0].detail == r"\bhello\b" and readings[0].evidence[0].matched == "hello"
    assert readings[2].evidence[0].source == "rapport"
    assert readings[3].evidence[0].source == "gibberish"


class _FixedModel:
    """A stand-in classifier: names one act for sentences containing a word."""

    def __init__(self, word: str, act: str) -> None:
        self.word, self.act = word, act

    def predict(self, norm: str, explain: bool = False):
        return (self.act, f"'{self.word}'") if self.word in norm else None


def test_the_model_fills_only_sentences_the_rules_leave_without_a_strategy():
    rec = IntentRecognizer({"ask": [r"\?"]}, rapport_act="chat", model=_FixedModel("auditors", "cred"))
    assert rec.recognize("Outside auditors check them.") == ["cred"]
    assert rec.recognize("Do auditors check them?") == ["ask"]  # a rule fired: the model is not asked
    assert rec.recognize("Okay. Auditors check them.") == ["cred"]
    (reading,) = rec.explain("Outside auditors check them.")
    assert reading.evidence[0].source == "model"
