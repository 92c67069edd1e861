"""Task tests for Persuasion-v0: recognition, gradual revelation, dynamics, reward, agent ordering."""

from __future__ import annotations

import json
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest

import dialgym
from dialgym.agents import ScriptAgent
from dialgym.tasks import persuasion
from dialgym.tasks.persuasion import personas
from dialgym.tasks.persuasion.language import AGENT_PHRASES, REPLIES
from dialgym.tasks.persuasion.user import EARLY_ASK_LOSS, PersuasionUser, donation_for

ENV_ID = "Persuasion-v0"
#: the least share of the held-out paraphrases heard (0.79 when measured at the end of the lexicon work, 0.64 before)
HELDOUT_LEAST = 0.75
RECOGNIZE = PersuasionUser.recognizer.recognize

# Paraphrases written for the tests (not copied from the lexicon or the agent phrase bank).
PARAPHRASES: dict[str, list[str]] = {
    "greeting": [
        "Hey! How's your day going?",
        "Hello there, nice to meet you :)",
        "Good evening, hope you're doing well.",
        "hi how are u doing",
        "Greetings! How are things?",
    ],
    "thanks": [
        "Thanks a lot!",
        "I really appreciate your time today.",
        "Thank you, that means a lot.",
        "Much appreciated, friend.",
        "Cheers for listening to me.",
    ],
    "proposition_of_donation": [
        "Would you consider giving a dollar of your bonus to the kids?",
        "How much are you willing to donate today?",
        "Could you maybe chip in something from your earnings?",
        "So what do you say, are you ready to make a donation to them?",
        "Why not donate half of your payment to this cause?",
        "Can I count on you for a small gift to Save the Children?",
    ],
    "self_modeling": [
        "I've donated to them myself every year.",
        "I'm giving my entire bonus to this cause.",
        "Personally, I donate 10% of my earnings to charity.",
        "My own contribution was a dollar this morning.",
        "I'm a monthly donor to Save the Children.",
        "Lots of people in this study have given something today.",
        "Many people in this very study have already chipped in; you would be in good company.",
    ],
    "personal_story": [
        "When I was a kid my family was poor and a charity bought my school uniform.",
        "My brother once needed surgery, and a charity paid for it.",
        "I volunteered at a refugee camp last summer and met so many children.",
        "I still remember seeing kids in Haiti with no shoes.",
        "Let me share something that happened to me a few years ago.",
    ],
    "emotion_appeal": [
        "Picture a child too hungry to fall asleep.",
        "It breaks my heart that children are dying of hunger.",
        "Those little ones in Syria lost everything, they need our help.",
        "How would you feel if it were your kid out there alone?",
        "So many innocent babies are starving right now.",
    ],
    "logical_appeal": [
        "Studies show early nutrition has huge long-term benefits.",
        "It simply makes sense to help where a dollar goes furthest.",
        "The numbers say vaccines prevent millions of deaths each year.",
        "If all of us gave a bit, we could fund thousands of schools.",
        "Healthy kids become productive adults who grow their economies.",
        # what a sum buys, with the currency sign that normalisation drops
        "About $2 pays for a week of school meals for one child in need.",
        "Your $1 could provide clean water to a family for a month.",
    ],
    "credibility_appeal": [
        "They're a highly rated, fully audited organization.",
        "The charity has a long track record going back over 100 years.",
        "About 85 percent of the funds go directly to programs.",
        "It's transparent: you can look up their financial reports online.",
        "Save the Children works with UNICEF and is well-respected worldwide.",
        # facts about the organisation count as credibility (PersuasionForGood's provide-org-facts)
        "Save the Children provides food and healthcare to kids in poor countries.",
        "It is a global nonprofit organization for children's rights.",
        "They run education programs in more than 100 countries.",
        "Governments and the UN work with them directly.",
    ],
    "foot_in_the_door": [
        "Even 5 cents would be great.",
        "Any amount counts, really.",
        "It doesn't have to be much, whatever you can spare.",
        "Maybe start with a tiny gift, just a few cents?",
        "A small contribution is totally okay.",
    ],
    "donation_information": [
        # how giving works (PersuasionForGood's provide-donation-procedure)
        "The money is taken straight from your task payment.",
        "You can pick any amount between $0 and $2.",
        "The research team will send your donation to the charity for you.",
        "Just tell me the amount and it comes out of your bonus at the end.",
        "Your donation goes directly to Save the Children after the task.",
    ],
    "source_related_inquiry": [
        "Have you heard about Save the Children before?",
        "Are you aware of this organization?",
        "What do you think of Save the Children?",
        "Do you know what the charity does?",
        "Do you trust charities in general?",
    ],
    "task_related_inquiry": [
        "How do you feel about donating in general?",
        "What do you think about this cause?",
        "What's your opinion on charitable giving?",
        "Is there a cause you care about a lot?",
        "How are you finding this task so far?",
    ],
    "personal_related_inquiry": [
        # their own giving is personal-related, as PersuasionForGood labels it
        "Do you ever give money to charity?",
        "Have you ever volunteered for a cause?",
        "So, what do you do for work?",
        "Do you have kids of your own?",
        "Tell me more about yourself!",
        "What motivates you in life?",
        "Are you a student?",
    ],
}

GIBBERISH = ["asdkjh qwpoe zzxcv", "xkcd blorp 12345 qqqq", "!!!???", "", "   ", "hjkl hjkl hjkl"]
UNRELATED = ["The weather is nice today.", "I like pizza with pineapple.", "My car needs new tires."]


# --------------------------------------------------------------------------- recognition
@pytest.mark.parametrize("act", sorted(PARAPHRASES))
def test_paraphrases_are_recognized(act):
    assert len(PARAPHRASES[act]) >= 5
    for text in PARAPHRASES[act]:
        assert act in RECOGNIZE(text), (text, RECOGNIZE(text))


def test_agent_phrases_map_to_exactly_their_act():
    for act, phrases in AGENT_PHRASES.items():
        assert act in persuasion.ACT_REPERTOIRE
        assert len(phrases) >= 4
        for text in phrases:
            assert RECOGNIZE(text) == [act], (text, RECOGNIZE(text))


def test_several_intents_in_one_utterance_in_order():
    text = (
        "Hi there! Have you heard of Save the Children? They provide food and medicine to kids. "
        "Would you donate a dollar?"
    )
    assert RECOGNIZE(text) == [
        "greeting",
        "source_related_inquiry",
        "credibility_appeal",  # facts about the organisation (PersuasionForGood's provide-org-facts)
        "proposition_of_donation",
    ]
    assert RECOGNIZE("Imagine a hungry child. I donated myself, so even a few cents helps!") == [
        "emotion_appeal",
        "self_modeling",
        "foot_in_the_door",
    ]


@pytest.mark.parametrize("text", GIBBERISH + UNRELATED)
def test_gibberish_and_unrelated_text_is_off_task(text):
    assert RECOGNIZE(text) == ["off_task"]


def test_where_the_money_goes_is_a_fact_about_the_charity_and_how_it_gets_there_is_procedure():
    # what a gift pays for, or what share reaches the work, is a claim about the organisation (credibility)
    for text in (
        "About 90% of the money raised goes straight to their programs.",
        "Nearly all of the funds are used on the kids themselves, not on salaries.",
        "Your gift would go towards meals and school supplies.",
    ):
        heard = RECOGNIZE(text)
        assert "donation_information" not in heard, (text, heard)
    assert "credibility_appeal" in RECOGNIZE("Something like 85 percent of donations reach the children directly.")
    # how the money travels to the charity is how giving works here (donation information)
    for text in (
        "Any contribution you make gets sent to the charity by the people running this study.",
        "The money goes straight to Save the Children after the HIT ends.",
    ):
        assert "donation_information" in RECOGNIZE(text), (text, RECOGNIZE(text))


def test_a_difference_in_a_childs_life_is_not_by_itself_an_emotion_appeal():
    # an impact claim ("makes a difference in a child's life") is not a picture of suffering
    assert "emotion_appeal" not in RECOGNIZE("Honestly, a single dollar makes a real difference in a kid's future.")
    assert "emotion_appeal" in RECOGNIZE("Picture a kid's eyes lighting up when she gets her first school book.")


@pytest.mark.parametrize(
    "text",
    [
        "I'd really like you to give a dollar to them.",
        "We encourage you to contribute whatever you can.",
        "I was hoping you might donate part of your bonus.",
        "Are you planning to donate anything today?",
        "So do you intend on giving some of it?",
        "You wanna chip in with me?",
        "What amount would you feel good about?",
        "Could you spare fifty cents of it?",
        "Can the children rely on your support?",
        "Is this something you'd be open to?",
        "How about a dollar then?",
    ],
)
def test_asking_in_other_words_is_a_proposition(text):
    """Requests, intentions and commitments asked for in words the first lexicon lacked (real persuaders'
    asks were heard as inquiries or appeals, so the simulated person never answered them)."""
    assert "proposition_of_donation" in RECOGNIZE(text), RECOGNIZE(text)


@pytest.mark.parametrize(
    "text",
    [
        "I want you to know they publish audited accounts.",
        "Do you want to hear what they do?",
        "How about you, what keeps you busy?",
        "Are you going to be around this weekend?",
        "I know I can count on you to listen.",
        "Do you want to know how giving works?",
        "Here you can donate to them directly at the end of the task.",
    ],
)
def test_wanting_knowing_and_counting_on_are_not_asks_by_themselves(text):
    """The new ask forms need a gift in them: wanting, planning or counting on something else is no ask."""
    assert "proposition_of_donation" not in RECOGNIZE(text), RECOGNIZE(text)


def test_negated_request_is_not_a_proposition():
    assert "proposition_of_donation" not in RECOGNIZE("I am not asking you to donate anything yet.")


def test_acts_reach_info():
    env = gym.make(ENV_ID)
    env.reset(seed=0)
    _, _, _, _, info = env.step("Hello! Do you have kids?")
    assert info["agent_acts"] == ["greeting", "personal_related_inquiry"]
    assert set(persuasion.ACTS) >= set(info["agent_acts"])


# --------------------------------------------------------------------------- personas
@pytest.mark.parametrize("split", ["train", "test", "hard"])
def test_personas_valid_and_deterministic(split):
    a = [personas.sample_persona(split, np.random.default_rng(s)) for s in range(50)]
    b = [personas.sample_persona(split, np.random.default_rng(s)) for s in range(50)]
    assert a == b
    for p in a:
        personas.validate_persona(p)
        assert "_" in p["type"]
        assert isinstance(persuasion.persona_card(p), str)


def test_hard_split_is_held_out():
    train_types = {personas.sample_persona("train", np.random.default_rng(s))["type"] for s in range(200)}
    hard_types = {personas.sample_persona("hard", np.random.default_rng(s))["type"] for s in range(200)}
    assert not train_types & hard_types
    assert len(hard_types) == 4


@pytest.mark.parametrize(
    "bad, match",
    [
        ({"moved_by": "money"}, "moved_by"),
        ({"inclination": 1.5}, "inclination"),
        ({"patience": 0}, "patience"),
        ({"budget": "huge"}, "budget"),
        ({"knows_charity": "yes"}, "knows_charity"),
        ({"type": "Parent"}, "type"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_validate_persona_names_bad_key(bad, match):
    p = personas.sample_persona("train", np.random.default_rng(0))
    p.update(bad)
    env = gym.make(ENV_ID)
    with pytest.raises(ValueError, match=match):
        env.reset(seed=0, options={"persona": p})


def test_type_label_never_in_replies():
    for phrases in REPLIES.values():
        for text in phrases:
            assert "_" not in text
    env = gym.make(ENV_ID, persona_split="hard")
    rng = np.random.default_rng(0)
    for seed in range(20):
        obs, _ = env.reset(seed=seed)
        label = env.unwrapped.persona["type"]
        done = False
        while not done:
            act = persuasion.ACT_REPERTOIRE[int(rng.integers(len(persuasion.ACT_REPERTOIRE)))]
            obs, _, term, trunc, _ = env.step(persuasion.agent_utterance(act, rng))
            done = term or trunc
        assert label not in obs and label.replace("_", " ") not in obs.lower()


# --------------------------------------------------------------------------- user behaviour
def _persona(**kw):
    p = {
        "type": "caring_parent",
        "moved_by": "emotion",
        "inclination": 0.2,
        "knows_charity": True,
        "budget": "moderate",
        "patience": 10,
        "openness": 1.0,
        **kw,
    }
    return personas.validate_persona(p)


def _play(persona, texts, seed=0):
    env = gym.make(ENV_ID, max_turns=20)
    env.reset(seed=seed, options={"persona": persona})
    out = []
    for t in texts:
        _obs, r, term, trunc, info = env.step(t)
        out.append((info["messages"][-1]["content"], r, term, trunc, info))
        if term or trunc:
            break
    return env, out


def _w(env):
    return env.unwrapped.user_state()["state"]["willingness"]


def test_agent_speaks_first():
    env = gym.make(ENV_ID)
    obs, info = env.reset(seed=0)
    assert info["messages"] == []
    assert obs.endswith("\n\n")


def test_persona_revealed_gradually_and_only_when_asked():
    p = _persona()
    _, out = _play(p, ["Save the Children helps kids with food and schooling."])
    assert "kids at home" not in out[0][0] and "mom" not in out[0][0].lower()
    _env, out = _play(p, ["What do you do for a living?"] * 3)
    replies = [o[0] for o in out]
    assert any(x in replies[0] for x in ("kids", "mom", "dad", "kindergarten", "little girl"))  # what moves them
    assert replies[1] in REPLIES["hint_budget_moderate"]  # one new hint per question
    assert replies[2] in REPLIES["hint_filler"]
    for r in replies:
        assert "moved_by" not in r and "emotion" not in r.lower()


def test_a_question_about_motives_is_answered_with_what_moves_them():
    """Asked what makes a cause worth it, a person says what moves them, not only whether they give."""
    p = _persona(type="data_analyst", moved_by="logic")
    _env, out = _play(p, ["When you give to a cause, what makes you decide it's worth it?", "Do you have kids?"])
    assert out[0][0] in REPLIES["hint_logic"]
    assert out[1][0] in REPLIES["hint_budget_moderate"]  # the motive was told: the next personal hint follows
    _env, out = _play(p, ["Have you ever donated to a charity before?"])
    assert out[0][0] in REPLIES["hint_inclined"]  # a question about their giving history is answered with it
    # a skeptic's motive is the worry: voiced first, as before
    _env, out = _play(_persona(type="wary_skeptic", moved_by="credibility"), ["What makes a charity worth it to you?"])
    assert out[0][0] in REPLIES["concern"]


def test_a_question_about_their_giving_is_personal_but_answered_with_their_giving():
    """PersuasionForGood labels "have you ever donated?" personal-related; the person still answers about giving."""
    for text in ("Have you ever donated to a charity before?", "Do you make donations?", "What charities do you like?"):
        env, out = _play(_persona(inclination=0.1), [text])
        assert out[0][4]["agent_acts"] == ["personal_related_inquiry"], text
        assert out[0][0] in REPLIES["hint_disinclined"], (text, out[0][0])
    # a question about the person's life still gets the personal hints, also beside a question about giving
    _env, out = _play(_persona(), ["Do you have kids?"])
    assert out[0][0] in REPLIES["hint_emotion"]
    _env, out = _play(_persona(inclination=0.1), ["Do you have kids? Have you ever donated to a charity?"])
    assert out[0][4]["agent_acts"] == ["personal_related_inquiry"]
    assert any(r in out[0][0] for r in REPLIES["hint_disinclined"]), out[0][0]
    assert any(r in out[0][0] for r in REPLIES["hint_emotion"]), out[0][0]


def test_closed_people_deflect():
    p = _persona(openness=0.0)
    _env, out = _play(p, ["Tell me about yourself.", "Do you have children?"])
    assert all(o[0] in REPLIES["deflect"] for o in out)


def test_skeptic_needs_concern_before_credibility_works():
    p = _persona(type="wary_skeptic", moved_by="credibility")
    cred = "Save the Children is highly rated by Charity Navigator and audited every year."
    env, _ = _play(p, [cred])
    cold = _w(env) - 0.2
    env, out = _play(p, ["What do you think about donating to charities?", cred])
    assert out[0][0] in REPLIES["concern"]
    warm = _w(env) - 0.2 - 0.02  # the first inquiry earns a little rapport
    assert cold < 0.05 < 0.25 < warm


def test_matching_appeal_beats_mismatched_and_mismatch_costs():
    story = "My sister volunteered in a refugee camp and told me about the kids she met."
    for moved_by, sign in (("emotion", 1), ("logic", -1), ("credibility", -1)):
        env, _ = _play(_persona(moved_by=moved_by), [story])
        assert np.sign(_w(env) - 0.2) == sign


def test_new_arguments_of_one_kind_diminish_and_saying_the_same_again_costs():
    p = _persona(moved_by="logic")
    arguments = [
        "Research shows vaccines save lives cheaply.",
        "The numbers are clear: treating malnutrition early is very cost effective.",
        "If everyone gave a little, it would add up to millions for schools.",
    ]
    ws = [_w(_play(p, arguments[:k])[0]) for k in range(1, 4)]
    gains = np.diff([0.2, *ws])
    assert gains[0] > gains[1] > gains[2] > 0  # each new argument of the kind lands half as well
    env, out = _play(p, [arguments[0], arguments[0]])
    assert _w(env) < ws[0]  # the same argument again is repeating yourself
    assert any(r in out[-1][0] for r in REPLIES["repeat"])


def test_asking_too_early_costs_willingness():
    p = _persona()
    story = "I remember visiting a school in Kenya that had no roof."
    ask = "Would you donate some of your payment?"
    env_early, out = _play(p, [ask, story, "Imagine children sleeping on the street.", ask])
    assert out[0][0] in REPLIES["too_early"]
    env_late, _ = _play(p, [story, "Imagine children sleeping on the street."])
    assert _w(env_early) <= _w(env_late) - EARLY_ASK_LOSS + 1e-9


def test_off_task_costs_willingness_and_patience():
    p = _persona()
    env, _ = _play(p, ["My car needs new tires before the weekend."])
    st = env.unwrapped.user_state()["state"]
    assert st["willingness"] < 0.2 and st["patience"] == 10 - 2


def test_proposition_decides_when_willing():
    p = _persona(inclination=0.6, budget="comfortable")
    _env, out = _play(p, ["Could you give some of your $2 to Save the Children?"])
    text, r, term, _, info = out[-1]
    assert term and info["outcome"]["decision"] == "donated"
    assert r == info["outcome"]["donation"] == donation_for(0.6, 2.0) > 0
    assert f"${r:.2f}" in text


def test_counter_then_forced_decision_on_third_ask():
    p = _persona(inclination=0.1)
    ask = "Would you like to donate?"
    _env, out = _play(p, [ask, ask, ask])
    assert not out[0][2] and not out[1][2] and out[2][2]
    assert out[2][4]["outcome"]["decision"] in ("refused", "donated")


def test_foot_in_the_door_depends_on_budget():
    foot = "Even a few cents would help."
    story = "My dad grew up in a refugee camp and a charity paid for his books."
    tight, _ = _play(_persona(budget="tight"), [foot, story])
    assert _w(tight) > 0.2 + 0.25 + 0.1
    rich, _ = _play(_persona(budget="comfortable"), [foot])
    assert rich.unwrapped.user_state()["state"]["cap"] < 2.0  # anchored low


def test_user_leaves_when_patience_runs_out():
    p = _persona(patience=3)
    _env, out = _play(p, ["blah blah weather", "nice shoes", "random stuff", "more"])
    assert out[-1][2] and out[-1][4]["outcome"]["decision"] == "left"
    assert len(out) <= 3


def test_truncation_outcome_follows_willingness_halved_without_ask():
    p = _persona(inclination=0.8, patience=20)
    env = gym.make(ENV_ID, max_turns=2)
    env.reset(seed=0, options={"persona": p})
    env.step("I remember the kids I met in Nepal.")
    _, r, term, trunc, info = env.step("Thanks for chatting!")
    assert trunc and not term
    full = donation_for(_w(env), 1.4)
    assert r == pytest.approx(round(full * 0.5, 1))
    assert info["outcome"]["decision"] == "undecided"


def test_an_undecided_gift_is_halved_only_when_nobody_asked():
    p = _persona(inclination=0.05, patience=20)
    story = "I remember the kids I met in Nepal."
    for texts, factor in (
        ([story, "Imagine a hungry child.", "Thanks!"], 0.5),  # never asked: halved
        (["Would you donate?", story, story], 1.0),  # asked early: the person knows what is wanted
        ([story, "Would you donate?", "Thanks!"], 1.0),
    ):
        env = gym.make(ENV_ID, max_turns=len(texts))
        env.reset(seed=0, options={"persona": p})
        for t in texts:
            _, r, term, trunc, _ = env.step(t)
        assert trunc and not term
        assert r == pytest.approx(round(donation_for(_w(env), 1.4) * factor, 1))


def test_reward_range_and_determinism():
    a = dialgym.evaluate("random", ENV_ID, episodes=60, seed=3)
    b = dialgym.evaluate("random", ENV_ID, episodes=60, seed=3)
    assert a.returns == b.returns
    assert all(0.0 <= r <= 2.0 for r in a.returns)
    o = dialgym.evaluate("oracle", ENV_ID, episodes=30, seed=3, persona_split="hard")
    assert all(0.0 <= r <= 2.0 for r in o.returns)


def test_same_seed_same_episode_text():
    def run():
        env = gym.make(ENV_ID)
        env.reset(seed=11)
        rng = np.random.default_rng(5)
        obs = ""
        for _ in range(10):
            act = persuasion.ACT_REPERTOIRE[int(rng.integers(len(persuasion.ACT_REPERTOIRE)))]
            obs, _, term, trunc, _ = env.step(persuasion.agent_utterance(act, rng))
            if term or trunc:
                break
        return obs

    assert run() == run()


def test_prefix_replay_reproduces_state():
    env = gym.make(ENV_ID, privileged=True)
    _, info = env.reset(seed=4)
    for text in ["Hi!", "Do you have kids?", "Imagine a hungry child."]:
        _, _, term, _, info = env.step(text)
        assert not term, "this seed's user must stay for the whole prefix"
    state = env.unwrapped.user_state()["state"]
    env2 = gym.make(ENV_ID)
    env2.reset(seed=9, options={"persona": info["persona"], "prefix": info["messages"]})
    assert env2.unwrapped.user_state()["state"]["willingness"] == state["willingness"]


# --------------------------------------------------------------------------- agents
def _ci(spec, split="train", n=120):
    return dialgym.evaluate(spec, ENV_ID, episodes=n, seed=0, persona_split=split)


def test_agents_are_deterministic_given_seed():
    for spec in ("behavior", "adaptive"):
        assert _ci(spec, n=20).returns == _ci(spec, n=20).returns


def _check_ordering(split: str, n: int, n_oracle: int) -> None:
    rand, beh, ada = (_ci(s, split, n) for s in ("random", "behavior", "adaptive"))
    orc = _ci("oracle", split, n_oracle)
    assert orc.ci95[0] > beh.ci95[1]
    assert beh.ci95[0] > rand.ci95[1]
    norm = 100 * (beh.mean_return - rand.mean_return) / (orc.mean_return - rand.mean_return)
    assert 20 < norm < 70
    best_script = max(
        (
            dialgym.evaluate(ScriptAgent(ENV_ID, s), ENV_ID, episodes=n, seed=0, persona_split=split)
            for s in persuasion.FIXED_SCRIPTS.values()
        ),
        key=lambda r: r.mean_return,
    )
    assert ada.ci95[0] > best_script.ci95[1]
    if n_oracle == n:  # same episodes: the oracle is the upper bound
        assert orc.mean_return > ada.mean_return


def test_agent_ordering_quick():
    """oracle > behavior > random, adaptive > every fixed script (train, few episodes)."""
    _check_ordering("train", n=200, n_oracle=100)


@pytest.mark.slow
@pytest.mark.parametrize("split", ["train", "test"])
def test_agent_ordering_full(split):
    """The numbers the task promises, on 200 episodes per agent."""
    _check_ordering(split, n=200, n_oracle=200)


def test_adaptive_reads_the_hints():
    from dialgym.tasks.persuasion.policies import ask_then_adapt, read_dialogue

    for moved_by, first_appeals in (
        ("emotion", {"personal_story", "emotion_appeal"}),
        ("logic", {"logical_appeal", "donation_information"}),
        ("social", {"self_modeling"}),
        ("credibility", {"task_related_inquiry", "source_related_inquiry", "credibility_appeal"}),
    ):
        p = _persona(moved_by=moved_by, type="test_person", budget="moderate")
        _, out = _play(p, ["Hi!", "What do you do for a living?"])
        r = read_dialogue(out[-1][4]["messages"])
        assert r.kind == moved_by
        assert ask_then_adapt(r, 10) in first_appeals


def test_fixed_scripts_are_valid():
    assert persuasion.FIXED_SCRIPTS
    for script in persuasion.FIXED_SCRIPTS.values():
        assert set(script) <= set(persuasion.ACT_REPERTOIRE)


def test_behavior_is_diverse():
    env = gym.make(ENV_ID)
    agent = persuasion.BehaviorAgent(ENV_ID, seed=0)
    firsts = set()
    for seed in range(30):
        obs, info = env.reset(seed=seed)
        agent.reset(seed=seed)
        acts = []
        for _ in range(3):
            obs, _, term, trunc, info = env.step(agent.act(obs, info))
            acts.append(tuple(info["agent_acts"]))
            if term or trunc:
                break
        firsts.add(tuple(acts))
    assert len(firsts) > 15


def test_oracle_needs_privileged_info():
    agent = persuasion.OracleAgent(ENV_ID)
    assert agent.requires_privileged
    with pytest.raises(ValueError, match="privileged"):
        agent.act("", {"messages": [], "turn": 0})


def test_success_is_any_donation_and_a_refusal_is_not(varied_rollouts):
    """info["success"] is what SUCCESS says: donation > $0; the return is the donation."""
    refusals = donations = 0
    for r in varied_rollouts("Persuasion-v0"):
        donation = r.outcome["donation"]
        assert r.reward == pytest.approx(donation)
        assert r.success == (donation > 0), r.outcome
        refusals += donation == 0
        donations += donation > 0
    assert refusals and donations  # both sides of the rule occurred


# ------------------------------------------------------------------ paraphrase set (benchmarks/paraphrases)
PARAPHRASE_FILE = Path(__file__).resolve().parents[2] / "benchmarks" / "paraphrases" / "persuasion.jsonl"


def _paraphrases(split):
    items = [json.loads(line) for line in PARAPHRASE_FILE.read_text().splitlines() if line.strip()]
    return [it for it in items if it["split"] == split]


@pytest.mark.parametrize("split, least", [("tune", 0.95), ("heldout", HELDOUT_LEAST)])
def test_paraphrase_recall_per_split(split, least):
    """Regression guard: plain-English persuader turns written blind (never looking at the lexicon) stay heard.

    Each item is the first turn of a fresh env; it counts when every expected act is heard. ``heldout`` was
    never tuned on (``benchmarks/paraphrases/measure.py`` lists misses of ``tune`` only).
    """
    env = gym.make(ENV_ID)
    items = [it for it in _paraphrases(split) if it["acts"] != ["off_task"]]
    hits = 0
    for i, item in enumerate(items):
        env.reset(seed=i)
        heard = set(env.step(item["text"])[4]["agent_acts"])
        hits += set(item["acts"]) <= heard
    assert len(items) >= 150
    assert hits / len(items) >= least, (split, hits, len(items))


def test_paraphrase_negatives_are_mostly_off_task():
    """Unrelated text, gibberish and keyword salads are off-task (an unrelated *question* can still be heard as
    an inquiry by the learned backstop: it weighs the question mark)."""
    items = [it for split in ("tune", "heldout") for it in _paraphrases(split) if it["acts"] == ["off_task"]]
    rejected = sum(RECOGNIZE(it["text"]) == ["off_task"] for it in items)
    assert len(items) >= 30 and rejected / len(items) >= 0.8, (rejected, len(items))
    for it in items:
        if it["register"] in ("gibberish", "salad"):
            assert RECOGNIZE(it["text"]) == ["off_task"], it


@pytest.mark.parametrize(
    "text",
    [
        "Outside auditors check their books every year.",  # the example, heard as off-task before
        "Independent evaluators rate them highly.",
        "Their accounts are checked by an external auditor.",
        "Charity watchdogs give them top marks.",
        "They publish their finances online for anyone to see.",
    ],
)
def test_accountability_is_a_credibility_appeal(text):
    assert "credibility_appeal" in RECOGNIZE(text), RECOGNIZE(text)
