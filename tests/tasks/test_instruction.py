"""Instruction-v0: intent recognition, gradual revelation, learner dynamics, agent ordering."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest

import dialgym
from dialgym.agents import ScriptAgent
from dialgym.core.text import normalize_text
from dialgym.simulators.scripted import normalize_for_matching
from dialgym.tasks import instruction as task
from dialgym.tasks.instruction.language import RECOGNIZER, agent_utterance, read_hints, recognize_level
from dialgym.tasks.instruction.personas import sample_persona, validate_persona
from dialgym.tasks.instruction.user import TURN_COST, lesson_reward

ENV_ID = "Instruction-v0"


def persona(**kw):
    p = {
        "type": "curious_beginner",
        "concept": "compound_interest",
        "level": "novice",
        "claimed_level": "novice",
        "style": "examples",
        "overconfident": False,
        "patience": 5.0,
    }
    p.update(kw)
    return p


def make(p, **kwargs):
    env = gym.make(ENV_ID, **kwargs).unwrapped
    obs, info = env.reset(seed=0, options={"persona": p})
    return env, obs, info


def say(env, text):
    return env.step(text)


# ----------------------------------------------------------------------------- recognition
PARAPHRASES = {
    "greeting": [
        "Hi there!",
        "Hello, nice to meet you.",
        "Hey! Welcome.",
        "Good morning, glad to help you today.",
        "Howdy, happy to help.",
    ],
    "ask_background": [
        "What do you already know about compound interest?",
        "How familiar are you with recursion?",
        "Have you ever studied economics?",
        "Tell me what you know so far.",
        "Is this brand new to you, or have you come across it before?",
        "How much do you understand about photosynthesis right now?",
        "Any prior knowledge I should build on?",
    ],
    "ask_preference": [
        "How do you like to learn new things?",
        "Would you rather see an example or the formal version?",
        "What kind of explanation works for you?",
        "Do you prefer analogies or definitions?",
        "What's your learning style?",
        "How should I explain this so it sticks for you?",
    ],
    "explain_with_example": [
        "For example, if you save $100 at 5% you get $105 after a year.",
        "Here's a concrete case: a plant on your windowsill turning light into sugar.",
        "Let's say you want to compute 5 factorial.",
        "Suppose you buy a concert ticket when everyone wants one.",
        "Imagine you put $1000 in the bank at 3%.",
        "Consider a real example: the price of eggs after a shortage.",
    ],
    "explain_with_analogy": [
        "It's like a snowball rolling down a hill.",
        "Think of a leaf as a little solar panel.",
        "A good analogy is a set of nesting dolls.",
        "Prices work like a seesaw between buyers and sellers.",
        "This is similar to how a thermostat keeps a room warm.",
        "It's kind of like mirrors facing each other.",
    ],
    "explain_formally": [
        "Formally, A = P(1 + r)^n.",
        "The precise definition: a function that calls itself on a smaller input.",
        "By definition, equilibrium is where supply equals demand.",
        "Mathematically, the balance grows geometrically.",
        "Photosynthesis is defined as the conversion of light energy into chemical energy.",
        "The formula for the equilibrium price is Qd(p) = Qs(p).",
    ],
    "check_understanding": [
        "Quick question: what happens to the balance after two years?",
        "Can you explain it back to me in your own words?",
        "Let me check your understanding with a small quiz.",
        "Your turn: how would you compute 3 factorial?",
        "What would happen if the price of coffee doubled?",
        "See if you can predict what the plant does at night.",
    ],
    "summarize": [
        "To sum up, interest earns interest.",
        "In summary, recursion is a function calling itself with a base case.",
        "Quick recap: light plus water plus CO2 gives sugar.",
        "In a nutshell, price balances supply and demand.",
        "The key takeaway is that growth compounds.",
        "Putting it all together, that is the whole mechanism.",
    ],
    "encourage": [
        "You're doing great!",
        "Don't worry, this trips up lots of people.",
        "Hang in there, it'll click soon.",
        "Keep going, you've got this.",
        "Well done, you're making progress.",
        "It's totally normal to feel confused at first.",
    ],
}


@pytest.mark.parametrize("act", list(PARAPHRASES))
def test_paraphrases_are_recognized(act):
    for text in PARAPHRASES[act]:
        assert act in RECOGNIZER.recognize(text), f"{text!r} -> {RECOGNIZER.recognize(text)}"


@pytest.mark.parametrize(
    "text",
    [
        "Photosynthesis is a process that lets plants turn light into sugar.",
        "In computer science, recursion is when a function calls itself on a smaller input.",
        "Put another way, compound interest is the interest you earn on earlier interest.",
        "Supply and demand are the two forces that together set a price.",
    ],
)
def test_the_concept_as_the_subject_of_a_definition_is_a_formal_explanation(text):
    assert RECOGNIZER.recognize(text) == ["explain_formally"]


def test_talk_about_the_lesson_is_rapport_not_off_task():
    """A tutor asking what to cover or offering help is in the conversation (no cost), unlike unrelated text."""
    for text in ("What topic would you like to learn about?", "I'm here to help you understand it.",
                 "Feel free to ask me anything.", "Photosynthesis is amazing."):  # fmt: skip
        assert RECOGNIZER.recognize(text) == ["rapport"], text
    assert RECOGNIZER.recognize("I watched the football game last night.") == ["off_task"]


def test_several_intents_in_one_utterance():
    acts = RECOGNIZER.recognize("Hi! Before we start, what do you already know about it, and how do you like to learn?")
    assert acts == ["greeting", "ask_background", "ask_preference"]
    acts = RECOGNIZER.recognize("Don't worry! For example, say you save $100. Can you tell me what you get?")
    assert acts == ["encourage", "explain_with_example", "check_understanding"]
    # praise of a question is rapport, and is dropped beside a strategy
    acts = RECOGNIZER.recognize("Great question! For example, say you save $100. Can you tell me what you get?")
    assert acts == ["explain_with_example", "check_understanding"]


@pytest.mark.parametrize(
    "text",
    ["asdkj qwpo zxcmv lkqwe", "zzzz xxxx qqqq", "", "!!!", "I had pasta for lunch today.", "The weather is nice."],
)
def test_gibberish_and_unrelated_text_is_off_task(text):
    assert RECOGNIZER.recognize(text) == ["off_task"]


LLM_STYLE = [
    (
        "Great question! Compound interest refers to earning interest on your interest. For instance, if you "
        "invest $1,000 at 5% per year, after one year you have $1,050. Does that make sense?",
        ["explain_formally", "explain_with_example", "check_understanding"],
    ),
    (
        "Recursion is a programming technique in which a function calls itself on a smaller problem.",
        ["explain_formally"],
    ),
    (
        "Photosynthesis is the process by which plants turn light into chemical energy. Think of the leaf "
        "like a factory.",
        ["explain_formally", "explain_with_analogy"],
    ),
    (
        "Before I dive in, could you tell me a bit about what you already know about recursion, and whether "
        "you prefer examples or more formal explanations?",
        ["ask_background", "ask_preference"],
    ),
    (
        "Okay, so what would you expect to happen to prices if a drought cut the coffee harvest in half?",
        ["check_understanding"],
    ),
    (
        "I'm glad you asked! At its core, recursion just means solving a problem with smaller copies of itself.",
        ["explain_formally"],
    ),
]


@pytest.mark.parametrize(("text", "acts"), LLM_STYLE)
def test_llm_style_turns_are_recognized(text, acts):
    assert RECOGNIZER.recognize(text) == acts


def test_preference_question_is_not_an_explanation():
    for text in [
        "Do you prefer formal definitions, examples or analogies?",
        "Would you rather I use examples, analogies, or the formal version?",
    ]:
        assert RECOGNIZER.recognize(text) == ["ask_preference"]


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Let's start with the basics. For example, ...", "basic"),
        ("In simple terms, it's like a snowball.", "basic"),
        ("Without jargon: for example you save $100.", "basic"),
        ("Let's go deeper. Formally, ...", "advanced"),
        ("Here are the nuances: for example, ...", "advanced"),
        ("At an expert level, think of it as ...", "advanced"),
        ("For example, you save $100 at 10%.", "intermediate"),
    ],
)
def test_explanation_level_is_read_from_the_wording(text, level):
    assert recognize_level(normalize_for_matching(text)) == level


def test_every_repertoire_act_is_phrased_and_recognized_as_itself():
    for act in task.ACT_REPERTOIRE:
        base, _, level = act.partition(":")
        for concept in (None, *task.CONCEPTS):
            for seed in range(12):
                text = normalize_text(task.agent_utterance(act, np.random.default_rng(seed), concept=concept))
                assert RECOGNIZER.recognize(text) == [base], (act, text)
                if level:
                    assert recognize_level(normalize_for_matching(text)) == level, (act, text)
    with pytest.raises(ValueError, match="unknown act"):
        task.agent_utterance("lecture", np.random.default_rng(0))
    with pytest.raises(ValueError, match="level"):
        task.agent_utterance("explain_formally:expert", np.random.default_rng(0))


def test_agent_utterances_vary():
    texts = {task.agent_utterance("ask_background", np.random.default_rng(s)) for s in range(30)}
    assert len(texts) >= 4


# ----------------------------------------------------------------------------- personas
def test_persona_splits_and_validation():
    rng = np.random.default_rng(0)
    train = [sample_persona("train", rng) for _ in range(300)]
    hard = [sample_persona("hard", rng) for _ in range(300)]
    assert not any(p["overconfident"] for p in train)
    assert sum(p["overconfident"] for p in hard) > 150
    assert {p["level"] for p in train} == {"novice", "intermediate", "advanced"}
    assert {p["style"] for p in train} == {"examples", "analogies", "formal"}
    for p in train + hard:
        assert validate_persona(json.loads(json.dumps(p))) == p
    a = [sample_persona("test", np.random.default_rng(7)) for _ in range(3)]
    b = [sample_persona("test", np.random.default_rng(7)) for _ in range(3)]
    assert a == b
    with pytest.raises(ValueError, match="style"):
        validate_persona(persona(style="songs"))
    with pytest.raises(ValueError, match="claimed_level"):
        validate_persona(persona(claimed_level="advanced"))
    with pytest.raises(ValueError, match="missing keys"):
        validate_persona({"type": "x_y"})
    with pytest.raises(ValueError, match="patience"):
        validate_persona(persona(patience=-1))
    with pytest.raises(ValueError, match="concept"):
        gym.make(ENV_ID).reset(seed=0, options={"persona": persona(concept="knitting")})


def test_persona_card_describes_without_label():
    p = persona(type="overconfident_learner", overconfident=True, claimed_level="advanced")
    card = task.persona_card(p)
    assert "overconfident_learner" not in card and "compound interest" in card and "quiz" in card


# ----------------------------------------------------------------------------- revelation
def test_opening_names_the_concept_and_reveals_nothing_else():
    for seed in range(20):
        env = gym.make(ENV_ID).unwrapped
        obs, info = env.reset(seed=seed)
        opening = info["messages"][0]["content"]
        assert task.find_concept(opening) == env.persona["concept"]
        assert read_hints(opening) == []


def test_persona_revealed_only_when_asked_one_hint_at_a_time():
    env, _, _ = make(persona(level="intermediate", claimed_level="intermediate", style="analogies"))
    *_, info = say(env, "Hello!")
    assert read_hints(info["messages"][-1]["content"]) == []
    *_, info = say(env, "How familiar are you with compound interest?")
    hints = read_hints(info["messages"][-1]["content"])
    assert hints == ["level_intermediate"]
    *_, info = say(env, "What kind of explanation works for you?")
    assert read_hints(info["messages"][-1]["content"]) == ["style_analogies"]


def test_overconfident_learner_claims_advanced_until_quizzed_then_admits():
    p = persona(type="overconfident_learner", claimed_level="advanced", overconfident=True)
    env, _, _ = make(p)
    *_, info = say(env, "What do you already know about this?")
    assert "level_advanced" in read_hints(info["messages"][-1]["content"])
    *_, info = say(env, "Let me check your understanding: can you put it in your own words?")
    hints = read_hints(info["messages"][-1]["content"])
    assert "gap" in hints and "level_novice" in hints
    *_, info = say(env, "And how much do you know about it, honestly?")
    assert "level_novice" in read_hints(info["messages"][-1]["content"])


def test_overconfident_learner_leaves_early_unless_checked():
    p = persona(type="overconfident_learner", claimed_level="advanced", overconfident=True)
    basic_example = "Let's start with the basics. For example, say you put $100 in the bank at 10%."
    env, _, _ = make(p)
    _, reward, term, _, info = say(env, basic_example)
    assert term and reward == 0.0 and info["outcome"]["ended_by"] == "left_early"
    # a quiz first makes them honest; the same teaching then really lands
    env, _, _ = make(p)
    say(env, "Quick question to test yourself: what would happen if the rate doubled?")
    total, term = 0.0, False
    for _ in range(4):
        _, r, term, trunc, info = say(env, basic_example)
        total += r
        if term or trunc:
            break
    assert term and info["outcome"]["ended_by"] == "understood"
    assert total == lesson_reward(True, info["outcome"]["turns"]) > 0.5


def test_overconfident_learner_pretends_to_follow_advanced_explanations():
    p = persona(type="overconfident_learner", claimed_level="advanced", overconfident=True)
    env, _, _ = make(p)
    c0 = env.user_state()["state"]["comprehension"]
    *_, info = say(env, "Let's go deeper, into the nuances. For example, say you save $100 at 10% a year.")
    assert "too_hard" not in read_hints(info["messages"][-1]["content"])
    assert env.user_state()["state"]["comprehension"] == c0


# ----------------------------------------------------------------------------- dynamics
def gain(p, text):
    env, _, _ = make(p)
    s0 = env.user_state()["state"]
    *_, info = say(env, text)
    s1 = env.user_state()["state"]
    return s1["comprehension"] - s0["comprehension"], s1["patience"] - s0["patience"], info


BASIC_EXAMPLE = "Put simply: for example, say you save $100 at 10% a year."
BASIC_FORMAL = "Put simply: formally, the balance after t years is A = P(1 + r)^t."
ADVANCED_EXAMPLE = "Let's go deeper. For example, say you save $100 at 10% a year."


def test_right_style_at_right_level_beats_wrong_style_and_wrong_level():
    novice = persona(patience=10.0)
    good, dp_good, _ = gain(novice, BASIC_EXAMPLE)
    wrong_style, dp_style, _ = gain(novice, BASIC_FORMAL)
    too_hard, dp_hard, info = gain(novice, ADVANCED_EXAMPLE)
    assert good > 2 * wrong_style > 0 and too_hard == 0
    assert dp_good > dp_style > dp_hard  # formal loses a novice, advanced talk confuses them
    assert "too_hard" in read_hints(info["messages"][-1]["content"])
    expert = persona(type="advanced_student", level="advanced", claimed_level="advanced", patience=10.0)
    bored, dp_bored, info = gain(expert, BASIC_EXAMPLE)
    right, dp_right, _ = gain(expert, ADVANCED_EXAMPLE)
    assert right > 2 * bored and dp_right > dp_bored
    assert "too_easy" in read_hints(info["messages"][-1]["content"])


def test_repetition_has_diminishing_returns_and_off_task_costs_patience():
    env, _, _ = make(persona(patience=10.0, style="analogies"))
    gains = []
    text = "In simple terms, compound interest is like a snowball rolling downhill."
    for _ in range(3):
        c0 = env.user_state()["state"]["comprehension"]
        say(env, text)
        c1 = env.user_state()["state"]["comprehension"]
        gains.append((c1 - c0) / (1 - c0))
    assert gains[0] > gains[1] > gains[2] > 0
    _, dp, info = gain(persona(), "What's your favourite football team?")
    assert info["agent_acts"] == ["off_task"] and dp <= -1.0


def test_mixed_styles_serve_the_learner_but_diluted():
    p = persona(patience=10.0)
    single, _, _ = gain(p, BASIC_EXAMPLE)
    mixed, _, _ = gain(p, "Put simply: formally, the balance is A = P(1 + r)^t. For example, say you save $100 at 10%.")
    wrong, _, _ = gain(p, BASIC_FORMAL)
    assert single > mixed > wrong


def test_quiz_consolidates_only_what_is_understood():
    env, _, _ = make(persona(patience=10.0))
    c0 = env.user_state()["state"]["comprehension"]
    *_, info = say(env, "Quick quiz: what would happen after two years?")
    assert env.user_state()["state"]["comprehension"] == c0
    assert "quiz_fail" in read_hints(info["messages"][-1]["content"])
    env, _, _ = make(persona(patience=10.0))
    say(env, BASIC_EXAMPLE)
    say(env, BASIC_EXAMPLE)
    c0 = env.user_state()["state"]["comprehension"]
    *_, info = say(env, "Quick quiz: what would happen after two years?")
    assert env.user_state()["state"]["comprehension"] > c0
    assert "quiz_pass" in read_hints(info["messages"][-1]["content"])


def test_learner_gives_up_when_patience_runs_out():
    env, _, _ = make(persona(patience=2.0))
    for _ in range(8):
        _, r, term, trunc, info = say(
            env, "Let's go deeper, at an expert level. Formally, the balance is A = P(1 + r)^t."
        )
        if term or trunc:
            break
    assert term and r == 0.0 and info["outcome"]["ended_by"] == "gave_up" and not info["success"]


def test_truncation_gives_a_sensible_outcome():
    env, _, _ = make(persona(patience=20.0), max_turns=3)
    for _ in range(3):
        _, r, term, trunc, info = say(env, "Hi!")
    assert trunc and not term
    out = info["outcome"]
    assert out["ended_by"] == "truncated" and 0.0 <= out["comprehension"] < 0.8 and r == 0.0


def test_outcome_and_reward_range_over_random_play():
    env = gym.make(ENV_ID)
    agent = dialgym.agents.make_agent("random", ENV_ID, seed=0)
    for seed in range(60):
        obs, info = env.reset(seed=seed)
        while True:
            obs, r, term, trunc, info = env.step(agent.act(obs, info))
            if term or trunc:
                break
        out = info["outcome"]
        assert 0.0 <= out["comprehension"] <= 1.0
        assert out["turns"] == sum(1 for m in info["messages"] if m["role"] == "assistant")
        assert r == lesson_reward(out["understood"], out["turns"]) and (r > 0) == out["understood"] == info["success"]
        assert out["ended_by"] in ("understood", "left_early", "gave_up", "truncated")


def test_oracle_needs_privileged_info():
    agent = task.OracleAgent(ENV_ID, seed=0)
    env = gym.make(ENV_ID)
    obs, info = env.reset(seed=0)
    with pytest.raises(ValueError, match="privileged"):
        agent.act(obs, info)


# ----------------------------------------------------------------------------- ordering
def _eval(agent, split, episodes=100):
    return dialgym.evaluate(agent, ENV_ID, episodes=episodes, seed=0, persona_split=split)


@pytest.mark.parametrize("split", ["train", "test"])
def test_agent_ordering(split):
    rnd, beh, ada, ora = (_eval(a, split) for a in ("random", "behavior", "adaptive", "oracle"))
    assert ora.ci95[0] > beh.ci95[1] and beh.ci95[0] > rnd.ci95[1]
    norm = 100 * (beh.mean_return - rnd.mean_return) / (ora.mean_return - rnd.mean_return)
    assert 20 <= norm <= 70
    best_fixed = max(
        (
            _eval(ScriptAgent(ENV_ID, task.FIXED_SCRIPTS[name]), split)
            for name in ("hill_climbed_train", "hill_climbed_test")
        ),
        key=lambda r: r.mean_return,
    )
    assert ada.ci95[0] > best_fixed.ci95[1]


def test_hard_split_needs_the_quiz():
    ada = _eval("adaptive", "hard", episodes=80)
    beh = _eval("behavior", "hard", episodes=80)
    assert ada.mean_return > beh.mean_return + 0.3


# ----------------------------------------------------------------------------- real phrasing, rapport, gaming
PARAPHRASES_DIR = Path(__file__).resolve().parents[2] / "benchmarks" / "paraphrases"
PARAPHRASE_FILE = PARAPHRASES_DIR / "instruction.jsonl"


def _measure_module():
    spec = importlib.util.spec_from_file_location("paraphrase_measure", PARAPHRASES_DIR / "measure.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _paraphrase_scores():
    measure = _measure_module()
    items = measure.load_items(PARAPHRASE_FILE)
    env = gym.make(ENV_ID)
    try:
        heard = measure.hear(env, items)
    finally:
        env.close()
    return items, heard, measure.score(items, heard)


@pytest.fixture(scope="module")
def paraphrase_scores():
    return _paraphrase_scores()


@pytest.mark.parametrize("split", ["tune", "heldout"])
def test_paraphrase_set_is_recognized(paraphrase_scores, split):
    """A regression guard on phrasings written before the lexicon was read (a third never tuned on)."""
    _, _, scores = paraphrase_scores
    s = scores[split]
    assert s["recognised"] >= 0.85, s
    assert s["negatives_rejected"] >= 0.85, s
    for act in (
        "greeting",
        "ask_background",
        "ask_preference",
        "explain_with_example",
        "explain_with_analogy",
        "explain_formally",
        "check_understanding",
        "summarize",
        "encourage",
        "rapport",
    ):
        assert s["per_act"][act]["recall"] >= 0.7, (act, s["per_act"][act])


def test_paraphrase_set_covers_every_act_in_several_registers():
    measure = _measure_module()
    items = measure.load_items(PARAPHRASE_FILE)
    for act in [*task.ACTS]:
        mine = [it for it in items if act in it["acts"]]
        assert len(mine) >= 29, (act, len(mine))
        assert {it["split"] for it in mine} == {"tune", "heldout"}, act
    assert {it["register"] for it in items} >= {"casual", "formal", "typo", "indirect", "multi"}


@pytest.mark.parametrize(
    "text",
    [
        "Okay.",
        "Got it, thanks.",
        "Great question!",
        "Good point.",
        "Fair enough!",
        "Thanks for your time, have a great day.",
        "See you next time!",
        "Understood.",
        "thx, apreciate it",
        "Let's talk about compound interest.",
    ],
)
def test_rapport_is_heard_as_rapport_and_costs_only_the_turn(text):
    _, dp, info = gain(persona(), text)
    assert info["agent_acts"] == ["rapport"], info["agent_acts"]
    assert dp == pytest.approx(-TURN_COST)  # the turn, nothing more (off-task costs a full point)


SALAD = (
    "hello what do you already know how do you learn best for example it is like formally definition quiz "
    "in your own words to sum up you are doing great"
)


def test_keyword_salad_teaches_nothing():
    for level, claimed, over in (
        ("novice", "novice", False),
        ("advanced", "advanced", False),
        ("intermediate", "advanced", True),
    ):
        for text in (SALAD, "For example. It is like. Formally. To sum up. Quiz: in your own words."):
            env, _, _ = make(persona(level=level, claimed_level=claimed, overconfident=over, patience=20.0))
            c0 = env.user_state()["state"]["comprehension"]
            for _ in range(8):
                _, r, term, trunc, info = say(env, text)
                if term or trunc:
                    break
            assert env.user_state()["state"]["comprehension"] <= c0 + 1e-9, (level, text)
            assert r == 0.0 and "confident I've got it" not in info["messages"][-1]["content"]


def test_one_message_with_every_strategy_overwhelms():
    text = (
        "Hi! What do you already know? How do you like to learn? For example, say you save $100 at 10% a "
        "year. Compound interest is like a snowball. Formally, the balance is P(1 + r)^t. Can you put it in "
        "your own words? To sum up, interest earns interest. You're doing great!"
    )
    c, dp, info = gain(persona(patience=10.0), text)
    reply = info["messages"][-1]["content"].lower()
    assert c == 0.0 and dp < -0.5 and ("too much" in reply or "a lot" in reply or "everything" in reply), reply


@pytest.mark.parametrize(
    ("concept", "text"),
    [
        ("recursion", "For example, if you put $100 in a bank at 10% a year, after one year you have $110."),
        ("photosynthesis", "Recursion is like Russian nesting dolls, each holding a smaller one until the smallest."),
        ("supply_and_demand", "Formally, photosynthesis converts light energy into chemical energy stored in glucose."),
        ("compound_interest", "By definition, equilibrium is the price where supply equals demand."),
        ("compound_interest", "The Roman Empire is like a tree that grew too big for its roots."),
        ("photosynthesis", "For example, it is like, formally, to sum up."),
    ],
)
def test_explanations_of_another_concept_or_of_nothing_are_not_credited(concept, text):
    c, dp, info = gain(persona(concept=concept, patience=10.0), text)
    assert info["agent_acts"] == ["off_task"] and c == 0.0 and dp <= -1.0
    assert not task.about_concept(text, concept)


def test_explanations_must_carry_the_concept():
    assert task.about_concept("For example, say you save $100 at 10% a year.", "compound_interest")
    assert task.about_concept("Recursion is like nesting dolls, each holding a smaller one.", "recursion")
    assert not task.about_concept("For example, compound interest.", "compound_interest")  # the name alone
    for concept in task.CONCEPTS:
        for act in task.ACT_REPERTOIRE:
            if act.startswith("explain"):
                for seed in range(8):
                    assert task.about_concept(task.agent_utterance(act, np.random.default_rng(seed), concept), concept)


@pytest.mark.parametrize(
    "text",
    [
        "You are so smart and brilliant, I really admire you.",
        "Great, so now you understand it completely.",
        "Perfect, you've fully got it now, you understand it perfectly.",
        "So it makes complete sense to you now, you've mastered it.",
    ],
)
def test_flattery_and_claims_of_understanding_do_not_teach(text):
    for p in (
        persona(patience=10.0),
        persona(
            type="overconfident_learner",
            level="intermediate",
            claimed_level="advanced",
            overconfident=True,
            patience=10.0,
        ),
    ):
        env, _, _ = make(p)
        c0 = env.user_state()["state"]["comprehension"]
        for _ in range(8):
            _, r, term, trunc, info = say(env, text)
            if term or trunc:
                break
        assert env.user_state()["state"]["comprehension"] == c0 and r == 0.0
        assert info["outcome"]["ended_by"] != "understood"


def test_learner_may_misjudge_how_they_learn_and_reactions_show_it():
    """A learner who says formal definitions work for them but learns from examples: the stated style
    gets a lukewarm reaction (a hint the adaptive agent reads), the real one lands."""
    from dialgym.tasks.instruction.policies import AdaptiveAgent, read_history

    p = persona(style="examples", claimed_style="formal", patience=10.0)
    env, _, _ = make(p)
    *_, info = env.step("How do you like to learn things best?")
    assert "style_formal" in read_hints(info["messages"][-1]["content"])
    *_, info = env.step(agent_utterance("explain_formally:basic", np.random.default_rng(0), concept=p["concept"]))
    assert "wrong_style" in read_hints(info["messages"][-1]["content"])
    h = read_history(info["messages"])
    assert h.wrong_styles == ["formal"] and AdaptiveAgent.pick_style(h, "basic") == "examples"
    unsure = persona(claimed_style="unsure", patience=10.0)
    env, _, _ = make(unsure)
    *_, info = env.step("How do you like to learn things best?")
    assert read_hints(info["messages"][-1]["content"]) == ["style_unsure"]
    with pytest.raises(ValueError, match="claimed_style"):
        validate_persona(persona(claimed_style="osmosis"))


# ----------------------------------------------------------------------------- ordinary teaching, heard as teaching
# Why: an outsider's tutor teaches in plain English (an example introduced by "look at", an analogy that sets up
# a familiar scene, everyday words for the concept's ideas) and asks how the learner learns by listing the
# options. These sentences are written for these tests, not taken from any agent.


def test_a_list_of_styles_inside_a_preference_question_is_part_of_the_question():
    text = (
        "Which way suits you? I could walk you through a real case, compare it with something you know, "
        "or give you the exact formula."
    )
    c, dp, info = gain(persona(concept="recursion", patience=10.0), text)
    assert info["agent_acts"] == ["ask_preference"] and c == 0.0
    assert dp == pytest.approx(-TURN_COST)  # no off-concept cost
    # the same list with no preference question is no explanation either (no concept content): off-task
    assert not task.about_concept("I could walk you through a real case or give you the formula.", "recursion")


@pytest.mark.parametrize(
    ("concept", "text", "act"),
    [
        (
            "supply_and_demand",
            "Look at hotel rooms in a festival week. Crowds of visitors want a bed, the town has only a few, "
            "so the price triples.",
            "explain_with_example",
        ),
        (
            "supply_and_demand",
            "Think about avocados. When the harvest fails they get scarce and pricey; in a bumper year they are "
            "plentiful and cheap.",
            "explain_with_example",
        ),
        (
            "recursion",
            "Imagine lining up for a concert and wanting your place. You ask the person ahead, who does the very "
            "same thing, and so on until the first in line says one; then the answers pass back, each adding one.",
            "explain_with_analogy",
        ),
        (
            "compound_interest",
            "It is a bit like a rabbit colony: the young grow up and have young, so the growth speeds up, "
            "faster and faster each year.",
            "explain_with_analogy",
        ),
        (
            "photosynthesis",
            "Think of an oak tree in June: its leaves catch sunlight and turn water and air into sugar.",
            "explain_with_example",
        ),
        (
            "recursion",
            "Put precisely, a recursive definition refers to itself on a smaller input and has a base case.",
            "explain_formally",
        ),
    ],
)
def test_explanations_are_recognized_by_structure_and_everyday_words(concept, text, act):
    c, _, info = gain(persona(concept=concept, style=task.language.STYLE_OF[act], patience=10.0), text)
    assert info["agent_acts"] == [act] and c > 0.0, info["agent_acts"]


def test_a_pictured_scene_is_an_example_only_when_it_is_a_case_of_the_concept():
    scene = "Imagine a seesaw: buyers on one side, sellers on the other, and the price tips until they balance."
    assert not task.language.scene_is_instance(scene, "supply_and_demand")  # a seesaw stands for the market
    oak = "Think of an oak tree in June: its leaves catch sunlight and turn water and air into sugar."
    assert task.language.scene_is_instance(oak, "photosynthesis")
    assert not task.language.scene_is_instance("Think of an oak tree: it is like a factory.", "photosynthesis")


def test_a_formal_account_with_a_symbolic_instance_is_one_style():
    text = "Formally, f(n) = n * f(n - 1) with f(0) = 1. For example, f(3) = 3 * 2 * 1 = 6."
    assert RECOGNIZER.recognize(text) == ["explain_formally"]


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Let's skip the basics and look at the trade-offs.", "advanced"),
        ("Since you already know the basics, here is the finer detail.", "advanced"),
        ("I'll keep this really simple, no jargon.", "basic"),
        ("Let's start from the very beginning.", "basic"),
    ],
)
def test_level_markers_that_name_the_basics_only_to_leave_them(text, level):
    assert recognize_level(normalize_for_matching(text)) == level


@pytest.mark.parametrize(
    ("concept", "text"),
    [
        # everyday words of one concept do not teach another
        (
            "supply_and_demand",
            "Imagine standing in a queue; you ask the person ahead the same question until the "
            "first person answers, and the answers pass back.",
        ),
        ("recursion", "Look at strawberries: plentiful and cheap in summer, scarce and pricey in winter."),
        ("photosynthesis", "It is a bit like a snowball: the interest earns interest, faster and faster each year."),
    ],
)
def test_everyday_explanations_of_another_concept_still_do_not_teach(concept, text):
    c, dp, info = gain(persona(concept=concept, patience=10.0), text)
    assert info["agent_acts"] == ["off_task"] and c == 0.0 and dp <= -1.0


def test_a_lesson_is_worth_less_the_more_turns_it_takes():
    """Understanding is what counts (never below 0.5 when reached); among lessons that get there, the shorter wins."""
    assert lesson_reward(False, 1) == 0.0
    assert lesson_reward(True, 1) == 1.0 > lesson_reward(True, 2) == 0.98 > lesson_reward(True, 8) == 0.86
    assert lesson_reward(True, 40) == 0.5
