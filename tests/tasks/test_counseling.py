"""Counseling-v0: recognition, gradual disclosure, the support dynamics, outcomes, agent ordering."""

from __future__ import annotations

import json
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest

import dialgym
from dialgym.agents import ScriptAgent
from dialgym.simulators.scripted import normalize_for_matching
from dialgym.tasks import counseling as task
from dialgym.tasks.counseling.language import (
    RECOGNIZER,
    REPLIES,
    named_emotions,
    named_problems,
    named_suggestions,
    normalize,
    read_help,
    read_hints,
)
from dialgym.tasks.counseling.personas import sample_persona, validate_persona

ENV_ID = "Counseling-v0"


def persona(**overrides):
    p = {
        "type": "laid_off_worker",
        "problem": "job_crisis",
        "emotion": "anxiety",
        "secondary_emotion": None,
        "helpful_suggestion": "practical_plan",
        "initial_intensity": 5,
        "openness": 1,
        "guard": 0.3,
        "resilience": 1.0,
        "advice_sensitivity": 1.0,
        "understanding_needed": 1.0,
        "patience": 5,
    }
    p.update(overrides)
    return p


def make_env(p=None, seed=0, **kwargs):
    env = gym.make(ENV_ID, **kwargs).unwrapped
    env.reset(seed=seed, options={"persona": p or persona()})
    return env


def state(env):
    return env.user_state()["state"]


# --------------------------------------------------------------------------- recognition
PARAPHRASES = {
    "question": [
        "What's been going on for you lately?",
        "Can you tell me more about what happened?",
        "How are things at home these days?",
        "I'm curious what made today so hard",
        "Would you be willing to share what's on your mind?",
        "Tell me about it, if you like.",
        "Is there something in particular that set this off?",
    ],
    "restatement_or_paraphrasing": [
        "So you're saying the last few weeks have been a mess.",
        "If I understand you correctly, everything piled up at once.",
        "What I'm hearing is that nobody noticed how much you were carrying.",
        "In other words, it came out of nowhere.",
        "You mentioned that this started last month.",
        "Let me make sure I got this right: it all happened in one week.",
    ],
    "reflection_of_feelings": [
        "You seem really overwhelmed.",
        "It sounds like you're feeling quite hopeless right now.",
        "That must be incredibly painful.",
        "I can sense how much this hurts.",
        "You must be so frustrated.",
        "It makes sense to feel scared about that.",
        "I'm so sorry. That must be heartbreaking.",
        "You feel like nobody at work appreciates you.",
        "It seems like you're carrying a lot of guilt about this.",
    ],
    "self_disclosure": [
        "I went through a breakup myself a couple of years ago.",
        "When I was in college I failed a class too, so I know a bit of that.",
        "I've been there, honestly.",
        "Something similar happened to me once.",
        "In my experience, the first weeks were the worst.",
    ],
    "affirmation_and_reassurance": [
        "You're not alone in this.",
        "It's okay to feel this way.",
        "You will get through this, I really believe that.",
        "It took a lot of courage to talk about it. That takes strength.",
        "This is not your fault.",
        "I'm proud of you for reaching out.",
        "I'm here to listen.",
        "Your feelings make total sense.",
    ],
    "providing_suggestions": [
        "Maybe you could write down what's bothering you before bed.",
        "Have you tried going for a short walk each morning?",
        "It might help to call your sister and talk it through.",
        "I'd suggest making a small plan for tomorrow.",
        "You could try setting aside ten minutes a day just for yourself.",
        "What if you reached out to an old friend this weekend?",
        "Would it help to break your study schedule into smaller chunks?",
    ],
    "information": [
        "Research shows that talking about feelings actually lowers stress.",
        "It's very common to feel like this after a big loss.",
        "Losing a job is known to be one of the most stressful life events.",
        "According to psychologists, sleep problems often come with grief.",
        "Grief is a normal reaction to a breakup, and it usually eases with time.",
    ],
    "others": [
        "Hi there!",
        "Hello, good to meet you.",
        "Thanks for sharing that with me.",
        "Take care, and goodbye for now.",
        "Hey, how are you doing today?",
    ],
}


@pytest.mark.parametrize("strategy", list(PARAPHRASES))
def test_paraphrases_are_recognized(strategy):
    misses = [(t, RECOGNIZER.recognize(t)) for t in PARAPHRASES[strategy] if strategy not in RECOGNIZER.recognize(t)]
    assert not misses, misses


def test_several_strategies_in_one_utterance():
    acts = RECOGNIZER.recognize("It sounds like you're feeling really anxious. What happened at work?")
    assert acts[:2] == ["reflection_of_feelings", "question"]
    acts = RECOGNIZER.recognize("You're not alone. Maybe you could talk to a friend about it.")
    assert set(acts) >= {"affirmation_and_reassurance", "providing_suggestions"}
    acts = RECOGNIZER.recognize("Hi! Thank you for reaching out. Can you tell me what's going on?")
    assert acts[0] == "others" and "question" in acts


@pytest.mark.parametrize(
    "text",
    [
        "asdkj qwpoe zxcmv",
        "lorem ipsum dolor sit amet",
        "The weather is nice today, did you watch the football match?",
        "What's your favorite movie?",
        "Buy bitcoin now!",
        "",
        "!!! ???",
    ],
)
def test_gibberish_and_unrelated_text_is_off_task(text):
    assert RECOGNIZER.recognize(text) == ["off_task"]


def test_repertoire_is_phrased_as_its_strategy_with_its_argument():
    rng = np.random.default_rng(1)
    for act in task.ACT_REPERTOIRE:
        strategy, _, arg = act.partition(":")
        for _ in range(4):
            text = task.agent_utterance(act, rng)
            assert RECOGNIZER.recognize(text) == [strategy], (act, text)
            if strategy == "reflection_of_feelings":
                assert named_emotions(text) == ([arg] if arg else []), (act, text)
            if strategy == "restatement_or_paraphrasing":
                assert named_problems(text) == ([arg] if arg else []) and not named_emotions(text), (act, text)
            if strategy == "providing_suggestions":
                assert named_suggestions(text) == ([arg] if arg else []), (act, text)
    with pytest.raises(ValueError, match="unknown act"):
        task.agent_utterance("reflection_of_feelings:joy", rng)


def test_named_emotions_and_problems_in_free_text():
    assert named_emotions("You must feel so humiliated and furious.") == ["anger", "shame"]
    assert named_emotions("You are not scared, you seem sad") == ["sadness"]
    assert named_problems("So your boss fired you right after the exams?") == ["job_crisis", "academic_pressure"]
    assert named_problems("Your girlfriend broke up with you.") == ["breakup_with_partner"]


def test_generic_empathy_words_name_no_emotion():
    """'Stressful', 'overwhelming', 'that must hurt' are empathy, not a (possibly wrong) diagnosis."""
    for text in ["That sounds so stressful.", "You must be overwhelmed.", "That must really hurt.", "How frustrating."]:
        assert named_emotions(text) == [], text


def test_disclosures_name_exactly_their_content():
    for key, lines in REPLIES.items():
        arg = key[len("reveal_") :] if key.startswith("reveal_") else ""
        for line in lines:
            assert named_emotions(line) == ([arg] if arg in task.EMOTIONS else []), line
            assert named_problems(line) == ([arg] if arg in task.PROBLEMS else []), line
            assert read_help(line) == (arg if arg in task.SUGGESTION_TYPES else None), line
    assert "guarded" in read_hints(REPLIES["deflect_guarded"][0])
    assert "premature" in read_hints(REPLIES["sugg_premature"][1])


def test_fast_normalization_matches_the_engine():
    texts = ["It's OK, you're NOT alone!!", "I can't -- won't; let's see\n(ok)", "Café déjà vu, naïve?", "x" * 50]
    for t in texts:
        assert normalize(t) == normalize_for_matching(t)


def test_chat_spellings_are_spelled_out_before_matching():
    assert normalize("ur stronger than u think") == "you are stronger than you think"
    assert normalize("thx, idk what ur plan is") == "thanks, i do not know what your plan is"
    assert normalize("Youre doing fine, dont worry") == "you are doing fine, do not worry"


# --------------------------------------------------------------------------- paraphrase set (benchmarks/)
#: our own phrasings (never taken from a corpus), one act per line; a third of each act is held out of tuning
PARAPHRASE_FILE = Path(__file__).resolve().parents[2] / "benchmarks" / "paraphrases" / "counseling.jsonl"


def _paraphrases():
    return [json.loads(line) for line in PARAPHRASE_FILE.read_text().splitlines() if line.strip()]


def _heard(row):
    acts = RECOGNIZER.recognize(row["text"])
    want = row["acts"][0]
    return acts == ["off_task"] if want == "off_task" else want in acts


def test_paraphrase_set_is_well_formed():
    rows = _paraphrases()
    by_act = {}
    for r in rows:
        assert set(r) == {"text", "acts", "split", "register"}, r
        assert r["split"] in ("tune", "heldout") and r["acts"][0] in task.ACTS, r
        by_act.setdefault(r["acts"][0], []).append(r)
    for act in task.STRATEGIES:
        assert len(by_act[act]) >= 15, act
        assert sum(r["split"] == "heldout" for r in by_act[act]) >= 5, act
    assert {r["register"] for r in rows} >= {"casual", "formal", "typo", "multi"}


@pytest.mark.parametrize("split,floor", [("tune", 0.95), ("heldout", 0.8)])
@pytest.mark.parametrize("act", [*task.STRATEGIES, "off_task"])
def test_paraphrase_recall_per_act(act, split, floor):
    rows = [r for r in _paraphrases() if r["acts"][0] == act and r["split"] == split]
    misses = [(r["text"], RECOGNIZER.recognize(r["text"])) for r in rows if not _heard(r)]
    assert 1 - len(misses) / len(rows) >= floor, misses


def test_explain_shows_the_rule_behind_each_sentence():
    readings = RECOGNIZER.explain("Hi! Have you tried a short walk before bed?")
    assert [r.acts for r in readings] == [("others",), ("providing_suggestions",)]
    assert readings[1].evidence[0].source == "rule" and "have you tried" in readings[1].evidence[0].matched


# --------------------------------------------------------------------------- disclosure
Q = "Can you tell me a bit more about what's going on?"
AFFIRM = "You're not alone in this, and I'm glad you reached out."


def test_opening_is_vague_and_the_persona_comes_out_one_piece_per_question():
    env = gym.make(ENV_ID).unwrapped
    _, info = env.reset(seed=0, options={"persona": persona()})
    opening = info["messages"][0]["content"]
    assert info["messages"][0]["role"] == "user"
    assert not named_emotions(opening) and not named_problems(opening) and read_help(opening) is None
    # Non-questions never disclose anything.
    for text in [AFFIRM, "That sounds really hard to carry.", "I went through something similar once."]:
        *_, info = env.step(text)
        reply = info["messages"][-1]["content"]
        assert not named_emotions(reply) and not named_problems(reply) and read_help(reply) is None
    assert state(env)["n_revealed"] == 0
    found = []
    for _ in range(3):
        *_, info = env.step(Q)
        reply = info["messages"][-1]["content"]
        found.append((named_problems(reply), named_emotions(reply), read_help(reply)))
    assert found == [(["job_crisis"], [], None), ([], ["anxiety"], None), ([], [], "practical_plan")]
    *_, info = env.step(Q)
    assert "nothing_new" in read_hints(info["messages"][-1]["content"])


def test_two_strategies_in_one_turn_both_take_effect():
    env = make_env()
    env.step(Q)
    env.step(Q)  # problem and emotion disclosed
    before = state(env)
    env.step("It sounds like you're feeling really anxious. What usually helps you when it gets like this?")
    after = state(env)
    assert after["reflected"] == ["anxiety"] and after["help_revealed"] and not before["help_revealed"]


def test_guarded_and_slow_seekers_deflect_until_ready():
    env = make_env(persona(openness=2, guard=0.7))
    *_, info = env.step(Q)
    assert "guarded" in read_hints(info["messages"][-1]["content"])
    env.step(AFFIRM)  # trust 0.5 -> 0.75 >= 0.7
    *_, info = env.step(Q)  # second question, openness 2 reached
    assert named_problems(info["messages"][-1]["content"]) == ["job_crisis"]

    env = make_env(persona(openness=3))
    replies = [env.step(Q)[-1]["messages"][-1]["content"] for _ in range(3)]
    assert ["slow" in read_hints(r) for r in replies] == [True, True, False]
    assert named_problems(replies[2]) == ["job_crisis"]


def test_mixed_feelings_disclose_a_second_emotion():
    env = make_env(persona(secondary_emotion="shame"))
    replies = [env.step(Q)[-1]["messages"][-1]["content"] for _ in range(4)]
    assert named_emotions(replies[1]) == ["anxiety"] and named_emotions(replies[2]) == ["shame"]
    assert read_help(replies[3]) == "practical_plan"


# --------------------------------------------------------------------------- dynamics
REFLECT_ANXIETY = "It sounds like you're feeling really anxious."
REFLECT_ANGER = "It sounds like you're feeling really angry."
RESTATE_JOB = "So if I understand you correctly, losing your job has turned everything upside down."
PLAN = "It might help to make a simple plan: write down the next few steps and take them one at a time."
TALK = "Maybe you could reach out to a friend or someone you trust and talk it through."


def explored(p=None):
    env = make_env(p)
    env.step(Q)
    env.step(Q)
    return env


def test_premature_advice_backfires_and_the_same_advice_helps_later():
    env = make_env()
    d0 = state(env)["distress"]
    *_, info = env.step(PLAN)
    assert state(env)["distress"] > d0 and state(env)["trust"] < 0.5
    assert "premature" in read_hints(info["messages"][-1]["content"])

    env = explored()
    env.step(REFLECT_ANXIETY)
    env.step(RESTATE_JOB)
    s = state(env)
    assert s["understood"] >= 1.0
    env.step(PLAN)
    assert state(env)["distress"] <= s["distress"] - 1.0


def test_hard_personas_are_hurt_more_by_premature_advice():
    soft, touchy = make_env(persona(advice_sensitivity=1.0)), make_env(persona(advice_sensitivity=3.0))
    for env in (soft, touchy):
        env.step(PLAN)
    assert state(touchy)["distress"] > state(soft)["distress"]


def test_reflecting_a_feeling_works_only_once_it_was_said():
    early = make_env()
    early.step(REFLECT_ANXIETY)  # right feeling, not yet disclosed: a lucky guess
    env = explored()
    before = state(env)
    env.step(REFLECT_ANXIETY)
    after = state(env)
    gain_known = after["understood"] - before["understood"]
    assert gain_known >= 0.5 > state(early)["understood"]
    assert after["distress"] < before["distress"]


def test_naming_the_wrong_feeling_or_problem_costs_trust():
    env = explored()
    before = state(env)
    env.step(REFLECT_ANGER)
    after = state(env)
    assert after["trust"] < before["trust"] and after["distress"] > before["distress"]
    assert after["understood"] < before["understood"]
    env = explored()
    env.step("So if I understand you correctly, the breakup with your partner has hit you hard.")
    assert state(env)["trust"] < before["trust"]


def test_fitting_advice_beats_other_advice():
    def after(advice):
        env = explored()
        env.step(REFLECT_ANXIETY)
        env.step(RESTATE_JOB)
        d = state(env)["distress"]
        env.step(advice)
        return state(env)["distress"] - d

    assert after(PLAN) < -1.0 < 0 < after(TALK)


def test_repeating_a_strategy_has_diminishing_returns():
    env = explored()
    env.step(REFLECT_ANXIETY)
    gains = []
    for _ in range(3):
        u = state(env)["understood"]
        env.step(REFLECT_ANXIETY)
        gains.append(state(env)["understood"] - u)
    assert gains[0] > gains[1] > gains[2] > 0
    env = make_env()
    for _ in range(3):
        env.step(AFFIRM)
    p = state(env)["patience"]
    env.step(AFFIRM)  # fourth reassurance: hollow
    assert state(env)["patience"] < p


def test_advice_or_a_check_phrased_as_a_question_is_that_strategy():
    assert RECOGNIZER.recognize("Have you tried keeping a journal?") == ["providing_suggestions"]
    assert RECOGNIZER.recognize("So he moved out last week, is that right?") == ["restatement_or_paraphrasing"]
    assert RECOGNIZER.recognize("Who else knows what you are going through?")[0] == "question"
    # asked of a help-seeker, "how are you?" invites them to say how they are; chit-chat about the day stays small talk
    assert "question" in RECOGNIZER.recognize("Hello! How are you today?")
    assert "question" in RECOGNIZER.recognize("hey how are you")
    assert RECOGNIZER.recognize("How was your weekend?") == ["others"]


@pytest.mark.parametrize(
    "text, act",
    [
        # our own phrasings of moves real supporters make that the first lexicon missed (found by error analysis on
        # the ESConv dev split; no ESConv sentence is copied here)
        ("You've got a lot on your plate right now.", "reflection_of_feelings"),
        ("It sounds like you don't feel appreciated at home.", "reflection_of_feelings"),
        ("I can't even imagine how lonely that was.", "reflection_of_feelings"),
        ("It sounds like this winter has been brutal for you.", "restatement_or_paraphrasing"),
        ("Just to be sure I follow you correctly, your landlord raised the rent again.", "restatement_or_paraphrasing"),
        ("Any idea why she stopped answering", "question"),
        ("Could you meet up with them at the park instead?", "providing_suggestions"),
        ("What do you think about writing her a letter?", "providing_suggestions"),
        ("Your kids are lucky to have someone like you.", "affirmation_and_reassurance"),
        ("Both of those sound like solid plans!", "affirmation_and_reassurance"),
        ("I myself used to dread Sunday evenings.", "self_disclosure"),
        ("I know exactly what that is like.", "self_disclosure"),
        ("Melatonin is a fairly safe way to get some sleep.", "information"),
        ("Feeling numb is a common symptom of grief.", "information"),
        ("In most states you qualify for benefits after a layoff.", "information"),
        ("Roughly half a percent of people who catch it end up in hospital.", "information"),
        ("The recovery rate for this kind of injury is really good.", "information"),
        ("I can totally understand feeling so lost after a move.", "reflection_of_feelings"),
        ("It seems like the new job might be a bit daunting for you.", "reflection_of_feelings"),
        ("Sounds like you are feeling kind of like an outsider there.", "reflection_of_feelings"),
        ("have you talk to a therapist about it", "providing_suggestions"),  # typed without the -ed
        ("Head out to the lake this weekend and clear your head.", "providing_suggestions"),
        ("Its best to write it all down before the meeting.", "providing_suggestions"),  # "its" for "it's"
        ("Maybe there is a way to swap shifts with someone.", "providing_suggestions"),
        # feeling words beyond the first list, named of the person
        ("You must be feeling pretty disheartened after all those rejections.", "reflection_of_feelings"),
        ("you sound kind of bummed out about the move", "reflection_of_feelings"),
        ("It seems like you feel undervalued by your team.", "reflection_of_feelings"),
        # sympathy that says the situation back
        ("Sorry to hear your landlord has raised the rent again.", "restatement_or_paraphrasing"),
        ("I'm so sorry that your sister didn't show up for your birthday.", "restatement_or_paraphrasing"),
        # what a service offers, hearsay, general truths, effects
        ("The community centre offers evening classes in pottery.", "information"),
        ("Crisis counsellors are available around the clock by text.", "information"),
        ("Most public libraries lend laptops free of charge.", "information"),
        ("I read that people who keep a gratitude journal sleep a little better.", "information"),
        ("It's true that money worries put a strain on most couples.", "information"),
        ("Working from home has become a lot more common than it was ten years ago.", "information"),
        ("Poor sleep can have a big impact on your mood.", "information"),
        # a feeling named however it is called, and understanding said with an adverb
        ("It sounds like you're feeling a kind of restlessness lately.", "reflection_of_feelings"),
        ("Seems as though you have been experiencing a lot of dread before shifts.", "reflection_of_feelings"),
        ("I can honestly see why that would sting.", "reflection_of_feelings"),
        # praise of a step, nothing to be ashamed of, "you should be fine"
        ("Booking that first appointment was a really big step.", "affirmation_and_reassurance"),
        ("There is nothing to be embarrassed about here.", "affirmation_and_reassurance"),
        ("If you keep revising like this you should be just fine.", "affirmation_and_reassurance"),
        # proposals put as a question of worth or feasibility, or as a resource the person may have
        ("Would it be possible to ask your manager for a later start?", "providing_suggestions"),
        ("What about something low key, like a board game night?", "providing_suggestions"),
        ("Could you think of anything small that cheers you up on a bad day?", "providing_suggestions"),
        ("Do you have a notebook you could use to jot the worries down?", "providing_suggestions"),
        ("Maybe gently reminding him of the deadline would do it.", "providing_suggestions"),
        ("Swimming is a great stress reliever for a lot of people.", "providing_suggestions"),
        ("Sometimes it is for the best to step back for a week.", "providing_suggestions"),
        ("If he keeps texting late at night just ignore it until morning.", "providing_suggestions"),
        # the supporter's own past feelings, lessons and places; "... too" at the end of their own statement
        ("I have often felt invisible at family dinners.", "self_disclosure"),
        ("I learned the hard way that burnout creeps up slowly.", "self_disclosure"),
        ("I get nervous before presentations too.", "self_disclosure"),
        ("I was in the same boat after my second year of college.", "self_disclosure"),
        # what the person could not do, said back; understanding what it is like; what the supporter has seen
        ("So you couldn't even say goodbye to her.", "restatement_or_paraphrasing"),
        ("I totally get why it would feel that way.", "reflection_of_feelings"),
        ("From what I've seen, most landlords agree to a payment plan.", "information"),
        # a habit recommended by what it does
        ("Keeping a little notebook by the bed really helps.", "providing_suggestions"),
        ("It helps to write the questions down before the appointment.", "providing_suggestions"),
        # a compliment framed as an impression
        ("Sounds like you've been working really hard to keep the family afloat.", "affirmation_and_reassurance"),
        ("It seems like you are a very patient father.", "affirmation_and_reassurance"),
        ("Looks like you put a lot of thought into that letter.", "affirmation_and_reassurance"),
    ],
)
def test_real_supporter_moves_are_heard(text, act):
    assert act in RECOGNIZER.recognize(text), RECOGNIZER.explain(text)


@pytest.mark.parametrize(
    "text, not_act",
    [
        ("My uncle was diagnosed last spring.", "information"),  # a domain word mentioned is not a fact told
        ("Did they give you any severance?", "information"),
        ("I don't think that matters.", "self_disclosure"),  # an opinion is not news about the supporter's life
        ("I can't end the chat from my end.", "self_disclosure"),
        ("So you could not visit her at all?", "providing_suggestions"),  # "you could not" is not advice
        # a situation said of no one is not the person's feeling
        ("It is a bit daunting when the news gets worse every day.", "reflection_of_feelings"),
        ("I'm so sorry to hear that.", "restatement_or_paraphrasing"),  # sympathy that says nothing back
        ("Sorry about that, my connection dropped.", "restatement_or_paraphrasing"),
        ("I heard you.", "information"),  # hearing the person is not passing on a fact
        ("I'm available to chat for another ten minutes.", "information"),  # the supporter's time is no fact told
        # glad news, a possibility, the supporter's own plan, a question about anything else: no advice
        ("Oh, that is good to hear!", "providing_suggestions"),
        ("Tell me about whatever you might have on your mind.", "providing_suggestions"),
        ("You could have known that sooner, but it was not your fault.", "providing_suggestions"),
        ("I will definitely keep you in my thoughts.", "providing_suggestions"),
        ("Anything else I could help you with tonight?", "providing_suggestions"),
        ("I just wanted to say that you did well.", "providing_suggestions"),
        ("Thanks, I really like talking to you too.", "self_disclosure"),  # "... you too" returns a kind word
        ("Have you told your sister how you feel?", "restatement_or_paraphrasing"),  # asks whether they did
        ("Why haven't you mentioned it to your boss?", "restatement_or_paraphrasing"),
        ("Sounds like you have been working so hard.", "restatement_or_paraphrasing"),  # a compliment, not a recap
        ("Talking to you helps me too.", "providing_suggestions"),  # what helps the supporter is no advice
        ("Anything helps at this point.", "providing_suggestions"),
    ],
)
def test_lone_cues_are_not_strategies(text, not_act):
    assert not_act not in RECOGNIZER.recognize(text), RECOGNIZER.explain(text)


def test_unrelated_remark_is_off_task_per_sentence():
    """One stray remark does not erase the support in the rest of the turn (and alone it is off-task)."""
    assert RECOGNIZER.recognize("Did you watch the football match?") == ["off_task"]
    acts = RECOGNIZER.recognize("Did you watch the football match? Anyway, what happened at work?")
    assert acts == ["question"]
    assert RECOGNIZER.recognize("Maybe watch a funny movie to take your mind off it.") == ["providing_suggestions"]


def test_plain_english_support_is_heard():
    """Found by an agent written outside the project: this used to get 'What? I'm trying to talk about ...'."""
    acts = RECOGNIZER.recognize("You've been carrying a lot... That counts.")
    assert set(acts) >= {"affirmation_and_reassurance"} and "off_task" not in acts
    env = make_env()
    _, _, _, _, info = env.step("You've been carrying a lot... That counts.")
    assert info["messages"][-1]["content"] not in REPLIES["off_task"]


RAPPORT = ["Hi there!", "Thanks for telling me.", "Okay.", "I see.", "Take care, bye for now.", "No problem at all."]


@pytest.mark.parametrize("text", RAPPORT)
def test_rapport_is_heard_as_others_not_off_task(text):
    assert RECOGNIZER.recognize(text) == ["others"]


def test_rapport_costs_neither_trust_nor_patience_unlike_unrelated_text():
    rapport, unrelated = make_env(), make_env()
    for i in range(4):
        rapport.step(RAPPORT[i])
        unrelated.step("What's the capital of Australia?")
    r, u = state(rapport), state(unrelated)
    assert r["patience"] == persona()["patience"] and r["trust"] >= 0.5
    assert u["patience"] < r["patience"] and u["trust"] < r["trust"]
    # but a conversation of nothing but small talk does not help: the distress creeps back
    assert r["distress"] > persona()["initial_intensity"] - 1e-9


def test_rapport_next_to_a_strategy_takes_no_slot():
    env = make_env()
    _, _, _, _, info = env.step("Hi, thanks for reaching out. I'm sorry you're going through this. What happened?")
    assert "question" in info["agent_acts"] and state(env)["n_revealed"] == 1


def test_claiming_the_seeker_feels_better_backfires():
    env = make_env()
    p, t = state(env)["patience"], state(env)["trust"]
    _, _, _, _, info = env.step("I'm glad you're feeling much better now.")
    assert state(env)["patience"] < p and state(env)["trust"] < t
    assert info["messages"][-1]["content"] in REPLIES["false_claim"]


def test_reassurance_that_mentions_better_is_not_a_false_claim():
    for text in ("You're doing better than you think.", "You are handling this better than most people would."):
        env = make_env()
        p = state(env)["patience"]
        _, _, _, _, info = env.step(text)
        assert info["messages"][-1]["content"] not in REPLIES["false_claim"], text
        assert state(env)["patience"] == p


def test_a_restatement_need_not_say_so_you_are_saying():
    acts = RECOGNIZER.recognize("So what you're dealing with right now is a boss who never listens.")
    assert acts == ["restatement_or_paraphrasing"]


def test_parroting_the_seeker_is_not_listening():
    env = explored()
    last = state(env)["last_line"]  # the seeker's last reply (a disclosure)
    u, p = state(env)["understood"], state(env)["patience"]
    env.step("So you're saying: " + last)
    assert state(env)["understood"] == u and state(env)["patience"] < p
    assert state(env)["parroted"] == 1


def test_off_task_costs_patience_until_the_seeker_leaves():
    env = make_env(persona(patience=3))
    terms = []
    for _ in range(3):
        _, reward, term, _, info = env.step("Did you catch the football game last night?")
        assert info["agent_acts"] == ["off_task"]
        terms.append(term)
    assert terms == [False, False, True] and info["outcome"]["ended"] == "left"
    assert reward <= 0 and info["success"] is False


def test_a_good_session_ends_with_the_seeker_feeling_better():
    env = explored(persona(initial_intensity=4))
    for text in [REFLECT_ANXIETY, RESTATE_JOB, AFFIRM, PLAN, PLAN.replace("It might help", "Maybe it could help")]:
        _, reward, term, trunc, info = env.step(text)
        if term:
            break
    assert term and not trunc
    assert info["outcome"] == {
        "initial_intensity": 4,
        "final_intensity": 1,
        "intensity_drop": 3,
        "feels_understood": True,
        "helped": True,
        "stage": "action",
        "ended": "better",
    }
    assert reward == 3.0 and info["success"]


def test_truncated_outcome_is_sensible_and_rewards_stay_in_range():
    env = gym.make(ENV_ID, max_turns=3)
    env.reset(seed=4, options={"persona": persona(initial_intensity=4)})
    for _ in range(3):
        _, reward, term, trunc, info = env.step(Q)
    assert trunc and not term
    out = info["outcome"]
    assert out["ended"] == "truncated" and out["intensity_drop"] == reward == 4 - out["final_intensity"]
    for split in ("train", "test", "hard"):
        r = dialgym.evaluate("random", ENV_ID, episodes=30, seed=1, persona_split=split)
        assert all(-4 <= x <= 4 and float(x).is_integer() for x in r.returns)


# --------------------------------------------------------------------------- personas
def test_persona_splits_differ_and_validate():
    rng = np.random.default_rng(0)
    draws = {s: [sample_persona(s, rng) for _ in range(300)] for s in ("train", "test", "hard")}
    for ps in draws.values():
        for p in ps:
            assert validate_persona(p) is p and "_" in p["type"]
    assert {p["type"] for p in draws["train"]} == {p["type"] for p in draws["test"]}
    assert not {p["type"] for p in draws["hard"]} & {p["type"] for p in draws["train"]}
    combos = {s: {(p["problem"], p["emotion"]) for p in ps} for s, ps in draws.items()}
    assert combos["test"] - combos["train"]  # held-out combinations
    assert any(p["secondary_emotion"] for p in draws["hard"])
    assert not any(p["secondary_emotion"] for p in draws["train"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"emotion": "joy"}, "'emotion'"),
        ({"problem": "money"}, "'problem'"),
        ({"helpful_suggestion": "pray"}, "'helpful_suggestion'"),
        ({"initial_intensity": 7}, "'initial_intensity'"),
        ({"openness": 1.5}, "'openness'"),
        ({"secondary_emotion": "anxiety"}, "'secondary_emotion'"),
        ({"colour": "red"}, "unknown keys"),
    ],
)
def test_bad_personas_are_rejected_by_name(change, message):
    with pytest.raises(ValueError, match=message):
        gym.make(ENV_ID).reset(seed=0, options={"persona": persona(**change)})
    p = persona()
    del p["resilience"]
    with pytest.raises(ValueError, match="resilience"):
        validate_persona(p)


def test_persona_card_and_description_keep_the_label_out():
    p = sample_persona("hard", np.random.default_rng(3))
    card = task.persona_card(p)
    assert p["type"] not in card and p["problem"].replace("_", " ") in card
    for word in ("anxiety", "job", "plan", "guarded"):
        assert word not in task.CounselingEnv.description.lower()


# --------------------------------------------------------------------------- agents
def test_agent_ordering():
    n = 60
    scores = {a: dialgym.evaluate(a, ENV_ID, episodes=n, seed=0) for a in ("random", "behavior", "adaptive", "oracle")}
    best_script = max(
        (dialgym.evaluate(ScriptAgent(ENV_ID, s), ENV_ID, episodes=n, seed=0) for s in task.FIXED_SCRIPTS.values()),
        key=lambda r: r.mean_return,
    )
    assert scores["oracle"].ci95[0] > scores["behavior"].ci95[1]
    assert scores["behavior"].ci95[0] > scores["random"].ci95[1]
    assert scores["adaptive"].ci95[0] > best_script.ci95[1]
    norm = (
        100
        * (scores["behavior"].mean_return - scores["random"].mean_return)
        / (scores["oracle"].mean_return - scores["random"].mean_return)
    )
    assert 20 < norm < 70


def test_agents_are_markov_in_the_messages():
    """Acting twice on the same (observation, info) with the same seed gives the same utterance."""
    env = gym.make(ENV_ID, privileged=True)
    obs, info = env.reset(seed=2)
    for name in ("behavior", "adaptive", "oracle"):
        cls = getattr(task, f"{name.capitalize()}Agent")
        a, b = cls(ENV_ID, seed=5), cls(ENV_ID, seed=5)
        obs2, _, _, _, info2 = env.step(a.act(obs, info))
        b.act(obs, info)
        assert a.act(obs2, info2) == b.act(obs2, info2)


# --------------------------------------------------------------------------- learned backstop
def test_backstop_model_is_fitted_on_our_corpus_only_and_fills_gaps():
    """The shipped model names its provenance (our own templates, no ESConv), and hears plain statements
    the rules miss, as the strategies it may report, with the model named as the evidence."""
    from dialgym.tasks.counseling.language import BACKSTOP_ACTS

    model = RECOGNIZER.backstop
    assert model is not None and "no ESConv" in model.about["data"]
    text = "Food banks in most towns hand out groceries every week."  # ("for free" is a rule cue now)
    assert RECOGNIZER.recognize(text) == ["information"]
    (reading,) = RECOGNIZER.explain(text)
    assert [e.source for e in reading.evidence] == ["model"]
    assert BACKSTOP_ACTS <= set(model.classes) and "question" not in BACKSTOP_ACTS


@pytest.mark.parametrize(
    "text, heard",
    [
        ("how was your weekend", ["others"]),  # chit-chat about the day stays small talk
        ("thank you so much", ["others"]),
        ("the cat sat on the mat", ["off_task"]),
        ("asdf qwer zxcv", ["off_task"]),
        ("What's the weather like over there?", ["off_task"]),  # off-topic filter runs before the model
    ],
)
def test_backstop_does_not_hear_strategies_in_small_talk_or_nonsense(text, heard):
    assert RECOGNIZER.recognize(text) == heard


def test_rules_win_over_the_backstop():
    """A sentence a rule hears is never re-read by the model (the rule's act, with rule evidence)."""
    (reading,) = RECOGNIZER.explain("Maybe you could go for a walk after dinner.")
    assert reading.acts == ("providing_suggestions",)
    assert {e.source for e in reading.evidence} == {"rule"}


def test_feeling_named_inside_a_question_is_the_question():
    assert RECOGNIZER.recognize("Are you feeling anxious about going back to work?") == ["question"]
    assert "information" in RECOGNIZER.recognize("Did you know many colleges offer free counselling?")


def test_fit_script_regenerates_the_shipped_model(tmp_path):
    """The committed model is what benchmarks/fit_counseling_model.py makes from the committed corpus."""
    import importlib.util

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location(
        "fit_counseling_model", root / "benchmarks" / "fit_counseling_model.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = tmp_path / "model.json"
    mod.main(["--out", str(out)])
    shipped = json.loads((root / "dialgym" / "tasks" / "counseling" / "intent_model.json").read_text())
    assert json.loads(out.read_text()) == shipped


@pytest.mark.parametrize(
    "text, act",
    [
        ("Your landlord raised the rent twice this year. Is that a fair summary?", "restatement_or_paraphrasing"),
        ("So I gather you have not slept properly since the move.", "restatement_or_paraphrasing"),
        ("I wonder if you could email your tutor and ask for more time?", "providing_suggestions"),
    ],
)
def test_checks_and_hedged_advice_phrased_as_questions(text, act):
    heard = RECOGNIZER.recognize(text)
    assert act in heard and "question" not in heard, heard


def test_success_is_a_two_point_drop_or_one_point_to_calm(varied_rollouts):
    """info["success"] is what SUCCESS says; the return is the drop in distress."""
    calm_by_one = 0
    for r in varied_rollouts("Counseling-v0"):
        out = r.outcome
        drop, final = out["intensity_drop"], out["final_intensity"]
        assert drop == out["initial_intensity"] - final and r.reward == pytest.approx(drop)
        assert r.success == (drop >= 2 or (final <= 2 and drop >= 1)), out
        calm_by_one += drop == 1 and final <= 2
    assert calm_by_one  # the case that tells the second clause apart did occur


# round 3 of issue 12: rules narrowed where they heard a strategy in a sentence that makes another move
@pytest.mark.parametrize(
    "text, heard, not_heard",
    [
        # praise of the person's own idea is reassurance, not a proposal of the supporter's
        ("That is a great idea!", "affirmation_and_reassurance", "providing_suggestions"),
        (
            "Baking with your kids sounds like a good way to unwind.",
            "affirmation_and_reassurance",
            "providing_suggestions",
        ),
        # a feeling called normal or needless is reassurance, not a reflection
        (
            "It is natural to feel nervous before a big interview.",
            "affirmation_and_reassurance",
            "reflection_of_feelings",
        ),
        (
            "There is no reason to feel ashamed about asking for help.",
            "affirmation_and_reassurance",
            "reflection_of_feelings",
        ),
        # a feeling named inside advice is what the advice is for
        (
            "Maybe talk to your sister when your anxiety is at its worst.",
            "providing_suggestions",
            "reflection_of_feelings",
        ),
        ("You could tell him how hurt you feel when he cancels.", "providing_suggestions", "reflection_of_feelings"),
        # pointing at what was said is not saying it back
        ("I think I understand what you are saying.", None, "restatement_or_paraphrasing"),
    ],
)
def test_narrowed_rules_leave_the_other_move_alone(text, heard, not_heard):
    acts = RECOGNIZER.recognize(text)
    assert not_heard not in acts, acts
    assert heard is None or heard in acts, acts


@pytest.mark.parametrize(
    "text, act",
    [
        ("Another option is to ask your manager for a later shift.", "providing_suggestions"),
        ("A good first step might be calling the clinic tomorrow.", "providing_suggestions"),
        ("You must feel so nervous about the interview.", "reflection_of_feelings"),
        ("It makes sense that you would feel lonely after the move.", "reflection_of_feelings"),
        ("You mentioned your brother moved away last spring.", "restatement_or_paraphrasing"),
    ],
)
def test_narrowed_rules_still_hear_their_own_move(text, act):
    assert act in RECOGNIZER.recognize(text)


@pytest.mark.parametrize(
    "text, not_heard",
    [
        ("Keep a short list of questions for the meeting, if that makes sense.", "affirmation_and_reassurance"),
        ("Try to walk for at least twenty minutes a day.", "affirmation_and_reassurance"),  # a quantity
        ("Sometimes it is for the best to step back for a week.", "affirmation_and_reassurance"),  # advice
        ("If you feel that your sister could help, give her a call.", "reflection_of_feelings"),  # a condition
    ],
)
def test_hedges_quantities_and_conditions_are_not_reassurance_or_reflection(text, not_heard):
    acts = RECOGNIZER.recognize(text)
    assert not_heard not in acts and "providing_suggestions" in acts, acts


@pytest.mark.parametrize(
    "text, act",
    [
        ("That makes sense.", "affirmation_and_reassurance"),
        ("At least you found out before the wedding.", "affirmation_and_reassurance"),
        ("Losing that job may turn out to be for the best.", "affirmation_and_reassurance"),
        ("You feel like nobody at work notices the effort you put in.", "reflection_of_feelings"),
        # understanding said on its own feels with the person; beside another move it is only its lead-in
        ("I understand.", "reflection_of_feelings"),
        ("Oh, I totally get it!", "reflection_of_feelings"),
    ],
)
def test_consolation_and_understanding_still_heard(text, act):
    assert RECOGNIZER.recognize(text) == [act]


def test_understanding_beside_a_heard_move_is_only_its_lead_in():
    assert RECOGNIZER.recognize("I understand. I went through a divorce myself last year.") == ["self_disclosure"]
