"""Turn-mode imagination: the rule critic (echo, parrot, repetition), the turn loop with an in-process fake model,
metadata, labels, resume, the CLI over a local OpenAI-compatible server, and one run of the real SmolLM2."""

from __future__ import annotations

import hashlib
import itertools
import json
import sys
from pathlib import Path

import pytest

from dialgym import get_task
from dialgym.cli import main
from dialgym.data.imagine import imagine, replay_label, resolve_mode
from dialgym.data.imagine_turns import (
    FIRST_TRY_TEMPERATURE,
    SOCIAL_ACTS,
    TEMPLATES,
    TurnEpisode,
    TurnPrompts,
    TurnSettings,
    clean_utterance,
    critique,
    does_task_work,
    is_echo,
    join_prefill,
    lead_words,
    ngram_overlap,
    self_repetition,
    template_hashes,
)
from dialgym.data.io import meta_path, read_episodes
from dialgym.explanation import explain, recognizer_for

SYSTEM = (
    "You are chatting with a crowd worker who has just earned $2 for a task. Your goal is to persuade them to donate "
    "part of that payment to Save the Children, a charity that helps children worldwide."
)


# ----------------------------------------------------------------------------- the critic's rules
def test_echo_is_trigram_overlap_with_the_prompt_above_a_threshold():
    copied = "Your goal is to persuade them to donate part of that payment."
    assert ngram_overlap(copied, SYSTEM) == 1.0 and is_echo(copied, SYSTEM)
    own = "Hi! Have you heard of Save the Children? They run schools for kids in need."
    assert ngram_overlap(own, SYSTEM) < 0.5 and not is_echo(own, SYSTEM)
    # half copied, half new: the threshold decides
    half = "Your goal is to persuade them, my friend, so tell me what you care about most"
    assert 0.2 < ngram_overlap(half, SYSTEM) < 0.5 and not is_echo(half, SYSTEM) and is_echo(half, SYSTEM, 0.2)
    # case and punctuation do not hide a copy; fewer than three words are never an echo
    assert is_echo("YOUR GOAL -- is to persuade them to DONATE part!", SYSTEM)
    assert not is_echo("Save the", SYSTEM) and ngram_overlap("", SYSTEM) == 0.0


def test_degenerate_repetition_inside_one_utterance():
    assert self_repetition("I'm not ready to donate. I'm not ready to donate.")
    assert self_repetition("I am here to help you and I am here to help you and I am here to help you and so on")
    assert not self_repetition("I'm not ready to donate yet. Tell me more about the charity first.")


def test_critique_names_the_first_broken_rule():
    history = [
        {"role": "assistant", "content": "Hi! Do you have children yourself?"},
        {"role": "user", "content": "Yes, two little girls, and money is tight this month."},
    ]

    def recognize(text):
        return ["off_task"] if "weather" in text else ["emotion_appeal"]

    def check(text, role="assistant"):
        return critique(text, role, SYSTEM, history, recognize)

    assert check("Kids like yours are why Save the Children exists; even 50 cents helps.") is None
    assert check("  ...  ") == "empty"
    assert check("word " * 200) == "too_long"
    assert check("Your goal is to persuade them to donate part of that payment.") == "echo_prompt"
    assert check("Hi! Do you have children yourself?") == "repetition"  # the agent's own earlier line
    assert check("Yes, two little girls, and money is tight this month.") == "parrot"  # the partner's words
    assert check("Nice weather today, isn't it?") == "off_task"
    assert check("Nice weather today, isn't it?", role="user") is None  # only agent turns must hear a task act


def test_clean_utterance_strips_labels_and_the_other_speakers_lines():
    text, cut = clean_utterance('Assistant: "Hello there! How are you?"\nUser: fine\nAssistant: more', 400)
    assert (text, cut) == ("Hello there! How are you?", True)
    text, cut = clean_utterance("One. Two. Three. Four. Five.", 400, max_sentences=3)
    assert (text, cut) == ("One. Two. Three.", True)
    assert clean_utterance("Plain reply.", 400) == ("Plain reply.", False)
    text, _ = clean_utterance("A long sentence here. " * 10, 50)
    assert len(text) <= 50 and text.endswith(".")


def test_a_prefill_is_the_moves_own_opening_past_any_lead_in():
    example = "In plain terms, from scratch. A good analogy: think of a line of people asking the one in front."
    assert lead_words(example, 3) == "A good analogy:"
    assert lead_words("Which sounds better to you: a food tour or a spa day?", 3) == "Which sounds better"
    assert lead_words("Hi!", 3) == "Hi!" and lead_words("", 3) == "" and lead_words(example, 0) == ""
    assert join_prefill("Which sounds better", "to you: hiking?") == "Which sounds better to you: hiking?"
    assert join_prefill("A good analogy", ": a ladder.") == "A good analogy: a ladder."
    assert join_prefill("", "Hello.") == "Hello."


def test_each_speaker_sees_its_own_opening_line():
    """The agent's second turn shows its first message (after the cue that opened the chat); a window
    cut mid-dialogue starts at the other side's message, as chat templates want."""
    import numpy as np

    prompts = TurnPrompts("Persuade.", "You are a worker.", "say hi", {}, history=4)
    ep = TurnEpisode(0, {}, "card", {}, np.random.default_rng(0))
    ep.messages = [{"role": "assistant", "content": "A1"}, {"role": "user", "content": "U1"}]
    conv, _ = prompts.agent(ep, None)
    assert [(m["role"], m["content"]) for m in conv[1:]] == [
        ("user", TEMPLATES["agent_open"]),
        ("assistant", "A1"),
        ("user", "U1"),
    ]
    conv, _ = prompts.user(ep)  # roles swapped: the agent's line is what the user model answers
    assert [(m["role"], m["content"]) for m in conv[1:]] == [("user", "A1"), ("assistant", "U1")]
    ep.messages += [
        {"role": "assistant", "content": "A2"},
        {"role": "user", "content": "U2"},
        {"role": "assistant", "content": "A3"},
    ]
    conv, _ = prompts.agent(ep, None)  # last 4 = U1 A2 U2 A3: starts at the user's message
    assert [m["content"] for m in conv[1:]] == ["U1", "A2", "U2", "A3"]
    conv, _ = prompts.user(ep)  # swapped, the window's first (U1) is the model's own: it starts at A2
    assert [m["content"] for m in conv[1:]] == ["A2", "U2", "A3"]


def test_auto_mode_rule():
    assert resolve_mode("auto", {"backend": "hf", "model": "smollm2-135m"}) == "turns"
    assert resolve_mode("auto", {"backend": "openai", "model": "HuggingFaceTB/SmolLM2-360M-Instruct"}) == "turns"
    assert resolve_mode("auto", {"backend": "openai", "model": "gpt-4o"}) == "whole"
    assert resolve_mode("whole", {"backend": "hf", "model": "smollm2-135m"}) == "whole"
    with pytest.raises(ValueError, match="mode='sideways'"):
        resolve_mode("sideways", {})


# ----------------------------------------------------------------------------- the turn loop, with a fake model
AGENT_LINES = [
    "Hi! Could you tell me a little about yourself?",
    "Save the Children runs schools and clinics for kids in need.",
    "Even fifty cents buys a child a meal. Would you give a dollar?",
    "Thank you so much for listening to me today.",
]
USER_LINES = ["Sure, I have two kids.", "That sounds good to me.", "Maybe, let me think.", "OK, I'll give a dollar."]


class FakeModel:
    """Answers by role and turn; episode ``i % 4`` picks a fault: 0 none, 1 an echo fixed by one revision,
    2 a user who parrots the agent from turn 2 on (kept, ended early), 3 an agent who echoes forever (dropped)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int]] = []  # (role, attempt, batch size)
        self.notes: list[str] = []

    def generate(self, batch, sample_ids=None, **params):
        out = []
        for conv, sid in zip(batch, sample_ids, strict=True):
            _, i, turn, role, attempt = sid
            system = conv[0]["content"]
            assert conv[0]["role"] == "system" and conv[1]["role"] == "user"  # chat templates want a user turn first
            if "revise" in system or "rejected" in system:
                self.notes.append(system.rsplit("\n", 1)[-1])
            if role == "assistant":
                if (i % 4 == 1 and turn == 0 and attempt == 0) or i % 4 == 3:
                    out.append("Assistant: " + system.split(". ")[1] + ".")  # copies the task description
                else:
                    out.append(f"Assistant: {AGENT_LINES[turn % 4]}")
            elif i % 4 == 2 and turn >= 2:
                out.append(conv[-1]["content"])  # repeats what the agent just said
            else:
                out.append(USER_LINES[turn % 4] + "\nAssistant: I should not write this line")
            self.calls.append((role, attempt, len(batch)))
        return out


def test_turn_mode_builds_alternating_chats_and_accounts_for_every_generation(tmp_path):
    out = tmp_path / "im.jsonl"
    fake = FakeModel()
    llm = {"backend": "hf", "model": "fake-135m"}
    summary = imagine("Persuasion-v0", llm, n=8, seed=0, out=out, batch=8, model=fake, progress=False)
    assert summary.mode == "turns"  # auto: an hf model
    # 0 and 4 clean; 1 and 5 revised once; 2 and 6 end early at turn 2 (two agent turns kept); 3 and 7 dropped
    assert (summary.written, summary.dropped, summary.dropped_by_reason) == (6, 2, {"echo_prompt": 2})
    assert summary.truncated == 2 and summary.revised == 2 and summary.usable_rate == 0.75
    assert "echo_prompt 2" in str(summary) and "75% usable" in str(summary)
    eps = {int(e.id.rsplit("-", 1)[1]): e for e in read_episodes(out)}
    assert sorted(eps) == [0, 1, 2, 4, 5, 6]
    for e in eps.values():
        roles = [m["role"] for m in e.messages]
        assert roles[0] == "assistant" and all(a != b for a, b in itertools.pairwise(roles))
        assert all("Assistant:" not in m["content"] and "\n" not in m["content"] for m in e.messages)
        meta = e.outcome["imagination"]
        assert meta["mode"] == "turns" and meta["model"] == "fake-135m" and meta["prompts"] == template_hashes()
        assert len(meta["moves"]) == e.turns and len(e.agent_acts) == e.turns
        assert e.policy == "imagination:turns(fake-135m)" and e.source == "imagination"
        # the default label in turn mode: the scripted user's outcome for these agent turns
        assert e.outcome["label"] == "replay" and e.reward == e.outcome["replay"]["reward"]
        assert 0.0 <= e.outcome["target"]["donation"] <= 2.0
    assert [len(eps[i].messages) for i in (0, 1, 2)] == [8, 8, 5]
    assert eps[2].outcome["imagination"]["stopped"] == "parrot" and eps[0].outcome["imagination"]["stopped"] is None
    assert eps[1].outcome["imagination"]["revisions"] == 1
    # one batch per role and turn: first attempts go out for every live episode at once
    first = [size for role, attempt, size in fake.calls if attempt == 0]
    assert max(first) == 8 and len(set(first)) <= 3
    assert any("copied the instructions" in note for note in fake.notes)  # the revision says what was wrong
    meta_file = json.loads(meta_path(out).read_text())
    assert json.dumps(TEMPLATES["agent_system"]) in json.dumps(meta_file)  # the templates themselves


def test_turn_mode_resumes_to_exactly_the_requested_episodes(tmp_path):
    out = tmp_path / "im.jsonl"
    args = dict(llm={"backend": "hf", "model": "fake"}, seed=3, out=out, batch=3, progress=False)
    first = imagine("Persuasion-v0", n=4, model=FakeModel(), **args)
    again = imagine("Persuasion-v0", n=4, model=FakeModel(), **args)
    # a rerun keeps what was written; a dropped index is tried again (with this deterministic fake: dropped again)
    assert again.written == 0 and again.dropped == first.dropped and again.already_there == first.written
    more = imagine("Persuasion-v0", n=8, model=FakeModel(), **args)
    eps = read_episodes(out)
    assert len(eps) == len({e.id for e in eps}) == first.written + more.written
    # the same seed gives the same file: a fresh run into another path writes the same episodes
    other = tmp_path / "again.jsonl"
    imagine("Persuasion-v0", n=8, model=FakeModel(), **{**args, "out": other})
    strip = [{k: v for k, v in e.to_dict().items() if k != "created"} for e in read_episodes(other)]
    assert sorted(strip, key=lambda d: d["id"]) == sorted(
        ({k: v for k, v in e.to_dict().items() if k != "created"} for e in eps), key=lambda d: d["id"]
    )
    # another mode is another configuration: refused, not mixed into the file
    with pytest.raises(ValueError):
        imagine("Persuasion-v0", n=8, model=FakeModel(), mode="whole", **args)


def test_user_first_task_and_target_label(tmp_path):
    out = tmp_path / "c.jsonl"
    summary = imagine("Counseling-v0", {"backend": "hf", "model": "fake"}, n=4, seed=1, out=out, model=FakeModel(),
                      progress=False, label="target", turns=3)  # fmt: skip
    eps = read_episodes(out)
    spec = get_task("Counseling-v0").llm_user_spec()
    assert summary.written == len(eps) > 0
    for e in eps:
        assert e.messages[0]["role"] == "user" and e.turns <= 3
        assert e.outcome["label"] == "target" and "replay" in e.outcome
        wanted = spec.to_outcome(e.outcome["target"], e.persona, False)
        assert (e.reward, e.success) == (wanted.reward, wanted.success)  # the reward is the target's


def test_replay_label_plays_the_agent_turns_against_the_scripted_user():
    import gymnasium as gym
    import numpy as np

    env = gym.make("Persuasion-v0").unwrapped
    persona = env.sample_persona("train", np.random.default_rng(0))
    messages = []
    for a, u in zip(AGENT_LINES, USER_LINES, strict=True):
        messages += [{"role": "assistant", "content": a}, {"role": "user", "content": u}]
    first = replay_label("Persuasion-v0", persona, messages, seed=5)
    assert first == replay_label("Persuasion-v0", persona, messages, seed=5)  # deterministic
    assert 1 <= first["turns_played"] <= 4 and 0.0 <= first["reward"] <= 2.0 and "donation" in first["outcome"]


def test_cli_turn_mode_over_a_local_server(tmp_path, capsys):
    """A real OpenAI-compatible server: a model that echoes its instructions exits 1 with one line that counts
    the drops by reason; a model that talks exits 0."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "llm"))
    from fake_openai_server import FakeOpenAIServer

    agent_lines = [*AGENT_LINES, "Do you follow any charities?", "Kids in Yemen need food now.",
                   "Ninety cents of each dollar go to programs for kids.", "Would fifty cents be okay?"]  # fmt: skip
    user_lines = [*USER_LINES, "Not really, no.", "That is sad to hear.", "Good to know that.", "Fine by me."]

    def reply(messages, body):
        # the line depends on the request only (requests run concurrently, so a call counter would be flaky)
        system = messages[0]["content"]
        if body.get("model") == "ECHO":
            return system
        said = {m["content"] for m in messages}  # a talker does not say a line of the chat again
        lines = [x for x in (agent_lines if "persuade" in system else user_lines) if x not in said]
        return lines[int(hashlib.sha256(json.dumps(messages).encode()).hexdigest(), 16) % len(lines)]

    for model, code in (("talker", 0), ("ECHO", 1)):
        with FakeOpenAIServer(reply) as server:
            llm = {"backend": "openai", "model": model, "base_url": server.base_url, "api_key": "x", "max_retries": 0}
            args = ["imagine", "Persuasion-v0", "--llm", json.dumps(llm), "--n", "3", "--turns", "2"]
            out = str(tmp_path / f"{model}.jsonl")
            assert main([*args, "--mode", "turns", "--out", out, "--quiet"]) == code
        err = capsys.readouterr().err
        if code:
            lines = [ln for ln in err.splitlines() if ln.startswith("dialgym imagine:")]
            assert len(lines) == 1 and "only 0 of 3" in lines[0] and "3 dropped (echo_prompt 3)" in lines[0]
        else:
            assert "dialgym imagine:" not in err and len(read_episodes(out)) == 3


# ----------------------------------------------------------------------------- the real bundled model
@pytest.mark.slow
def test_turn_mode_on_smollm2(tmp_path):
    """The real SmolLM2-135M, 2 episodes x 2 turns: whatever it says, every written episode alternates roles,
    starts with the agent, holds only utterances the critic accepts, and every generation is accounted for."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("gguf")
    from dialgym.llm import smollm2_gguf

    try:
        smollm2_gguf()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    cfg = {"backend": "hf", "model": "smollm2-135m", "max_tokens": 24, "temperature": 0.7, "seed": 0, "threads": 1}
    out = tmp_path / "im.jsonl"
    summary = imagine("Persuasion-v0", cfg, n=2, seed=0, out=out, turns=2, batch=2, revisions=1, progress=False)
    assert summary.mode == "turns" and summary.written + summary.dropped == 2
    eps = read_episodes(out) if out.exists() else []
    assert len(eps) == summary.written
    for e in eps:
        roles = [m["role"] for m in e.messages]
        assert roles[0] == "assistant" and all(a != b for a, b in itertools.pairwise(roles))
        assert 2 <= e.turns <= 2 and all(m["content"].strip() for m in e.messages)
        assert e.outcome["imagination"]["model"] == "smollm2-135m"


def test_a_dialogue_of_small_talk_does_no_task_work():
    recognize = recognizer_for("Persuasion-v0").recognize
    small_talk = [
        {"role": "assistant", "content": "Hello there!"},
        {"role": "user", "content": "Hi."},
        {"role": "assistant", "content": "Thank you so much!"},
    ]
    assert set(recognize("Hello there!")) | set(recognize("Thank you so much!")) <= {"greeting", "thanks", "rapport"}
    assert not does_task_work(small_talk, recognize)
    work = [*small_talk, {"role": "user", "content": "Sure."}, {"role": "assistant", "content": AGENT_LINES[1]}]
    assert does_task_work(work, recognize) and does_task_work(small_talk, None)


def test_counselings_small_talk_does_no_task_work_either():
    """Counseling's rapport act is "others" (ESConv's name): a dialogue of only that did no counselling."""
    recognize = recognizer_for("Counseling-v0").recognize
    chat = [
        {"role": "assistant", "content": "Hi there, nice to meet you."},
        {"role": "user", "content": "Hi."},
        {"role": "assistant", "content": "Okay."},
    ]
    assert {a for m in chat if m["role"] == "assistant" for a in recognize(m["content"])} <= {"others"}
    assert not does_task_work(chat, recognize)
    question = {"role": "assistant", "content": "What has been weighing on you lately?"}
    assert does_task_work([*chat, {"role": "user", "content": "Sure."}, question], recognize)


def test_the_agent_sees_the_tasks_own_phrasing_of_its_move_as_an_example():
    """With the task's phrase function, the agent's instructions hold an example of the move in the task's words
    (here naming the concept the learner asked about); the example is instruction text, so a copy is an echo."""
    import numpy as np

    task = get_task("Instruction-v0")
    spec = task.llm_user_spec()
    prompts = TurnPrompts("Teach.", spec.role, spec.opening, {}, phrase=task.phrase)
    ep = TurnEpisode(0, {}, "card", {}, np.random.default_rng(0))
    ep.messages = [{"role": "user", "content": "Can you explain photosynthesis to me?"}]
    example = prompts.example(ep, "explain_with_example:basic")
    again = prompts.example(TurnEpisode(0, {}, "card", {}, np.random.default_rng(0), list(ep.messages)),
                            "explain_with_example:basic")  # fmt: skip
    assert example == again  # drawn with the episode's RNG
    assert any(w in example.lower() for w in ("photosynthe", "sunlight", "leaf", "leaves", "plant"))  # on the topic
    # the task's phrasing, which its recogniser hears as that move
    assert "explain_with_example" in explain("Instruction-v0", example)[0]
    conv, instructions = prompts.agent(ep, "explain_with_example:basic", example=example)
    assert example in conv[0]["content"] and example in instructions
    assert critique(example, "assistant", instructions, ep.messages) == "echo_prompt"
    # without a phrase function (or a move) there is no example and the prompt is as before
    bare = TurnPrompts("Teach.", spec.role, spec.opening, {})
    assert bare.example(ep, "explain_with_example:basic") == "" and prompts.example(ep, "") == ""
    assert "example of such a message" not in bare.agent(ep, "explain_with_example:basic")[0][0]["content"]


def test_a_user_who_opens_sees_the_scripted_opening_as_an_example(tmp_path):
    """The user model's opening cue asks for the first message and shows the task's scripted opening for this
    persona (what env.reset shows an agent); a copy of it is an echo, and only the opening turn carries it."""
    import gymnasium as gym
    import numpy as np

    from dialgym.data.imagine import scripted_opening
    from dialgym.registration import dialogue_env

    task = get_task("Instruction-v0")
    spec = task.llm_user_spec()
    env = dialogue_env(gym.make("Instruction-v0"))
    persona = env.sample_persona("train", np.random.default_rng(0))
    opening = scripted_opening(env, persona, seed=7)
    assert opening == scripted_opening(env, persona, seed=7)  # seeded
    assert task.llm_user_spec().opens and persona["concept"].split("_")[0] in opening.lower().replace(" ", "_")
    prompts = TurnPrompts("Teach.", spec.role, spec.opening, {})
    ep = TurnEpisode(0, persona, "card", {}, np.random.default_rng(0), opening_example=opening)
    conv, instructions = prompts.user(ep)
    assert [m["role"] for m in conv] == ["system", "user"]
    assert spec.opening in conv[1]["content"] and f'"{opening}"' in conv[1]["content"]
    assert critique(opening, "user", instructions, []) == "echo_prompt"
    ep.opening_example = ""  # without an example: the cue alone
    assert prompts.user(ep)[0][1]["content"] == TEMPLATES["user_open"].format(opening=spec.opening)
    # an agent-first task has no scripted opening
    p4g = dialogue_env(gym.make("Persuasion-v0"))
    assert scripted_opening(p4g, p4g.sample_persona("train", np.random.default_rng(0)), seed=7) == ""
    # imagine shows each user-first episode its persona's scripted opening, and records it
    fake = Recorder()
    imagine("Instruction-v0", {"backend": "hf", "model": "fake"}, n=2, seed=0, out=tmp_path / "i.jsonl", turns=2,
            model=fake, progress=False, label="target")  # fmt: skip
    cues = list(fake.openings.values())
    assert len(cues) == 2 and all(spec.opening in cue and 'For example: "' in cue for cue in cues)
    eps = read_episodes(tmp_path / "i.jsonl")
    assert len(eps) == 2
    for e in eps:
        shown = e.outcome["imagination"]["opening_example"]
        assert shown and f'"{shown}"' in fake.openings[int(e.id.rsplit("-", 1)[1])]


class Recorder:
    """A tutor and learner that keep the user model's opening cue per episode (first try of turn 0)."""

    TUTOR = ("For example, say you put $100 in a bank at 5% a year.", "Does that make sense so far?")
    LEARNER = ("Can you explain compound interest to me?", "Okay, I think so.", "Yes, it does.")

    def __init__(self) -> None:
        self.openings: dict[int, str] = {}

    def generate(self, batch, sample_ids=None, **params):
        out = []
        for conv, (_, i, turn, role, attempt) in zip(batch, sample_ids, strict=True):
            if role == "user" and turn == 0 and attempt == 0:
                self.openings[i] = conv[1]["content"]
            out.append(self.TUTOR[turn] if role == "assistant" else self.LEARNER[turn])
        return out


class SmallTalker:
    """An agent that only makes small talk unless told it was only small talk (the last-turn revision)."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    def generate(self, batch, sample_ids=None, **params):
        out = []
        for conv, (_, _i, turn, role, _attempt) in zip(batch, sample_ids, strict=True):
            system = conv[0]["content"]
            if role == "user":
                out.append(USER_LINES[turn % 4])
            elif "only small talk" in system:
                self.notes.append(system.rsplit("\n", 1)[-1])
                out.append("Save the Children runs schools and clinics for kids in need.")
            else:
                out.append(("Hello there, nice to meet you!", "Thank you so much.", "Have a good day!")[turn])
        return out


def test_the_last_agent_turn_is_revised_when_no_earlier_one_did_the_task(tmp_path):
    """Small talk on every turn would drop the dialogue (no_task_act); the last agent message is resampled with a
    note instead, and the dialogue is kept when the revision does the task (counted as revised)."""
    fake = SmallTalker()
    out = tmp_path / "s.jsonl"
    summary = imagine("Persuasion-v0", {"backend": "hf", "model": "fake"}, n=2, seed=0, out=out, turns=3,
                      model=fake, progress=False)  # fmt: skip
    assert (summary.written, summary.dropped, summary.revised) == (2, 0, 2)
    assert fake.notes and all("only small talk" in n for n in fake.notes)
    for e in read_episodes(out):
        assert e.messages[-2]["content"].startswith("Save the Children") and e.outcome["imagination"]["revisions"] == 1
    # with no revisions allowed the same dialogues are dropped, by that reason
    none = imagine("Persuasion-v0", {"backend": "hf", "model": "fake"}, n=2, seed=0, out=tmp_path / "n.jsonl",
                   turns=3, model=SmallTalker(), progress=False, revisions=0)  # fmt: skip
    assert (none.written, none.dropped_by_reason) == (0, {"no_task_act": 2})


#: pleasantries that share no three words, so no try is a repetition or a parrot of another
SMALL_TALK = ("Hello there!", "Thank you so much.", "Have a good day!", "Nice to meet you.", "Thanks a lot!",
              "Good morning to you.", "Cheers, friend.", "Great chatting today.", "Hi again!", "Take care now.",
              "Lovely weather here.", "Goodbye for now.", "Nice talking with you.", "Many thanks.")  # fmt: skip


class StubbornSmallTalker:
    """An agent that makes small talk until its ``patience``-th regeneration; records each call's temperature."""

    def __init__(self, patience: int) -> None:
        self.patience = patience
        self.temperatures: list[tuple[str, int, float | None]] = []  # (role, attempt, temperature)
        self.retry_windows: list[list[str]] = []  # the roles a last-message retry was shown

    def generate(self, batch, sample_ids=None, **params):
        out = []
        for conv, (_, _i, turn, role, attempt) in zip(batch, sample_ids, strict=True):
            self.temperatures.append((role, attempt, params.get("temperature")))
            if role == "assistant" and attempt > 0:
                self.retry_windows.append([m["role"] for m in conv])
            if role == "user":
                out.append(USER_LINES[turn % 4])
            elif attempt >= self.patience:
                out.append("Save the Children runs schools and clinics for kids in need.")
            else:
                out.append(SMALL_TALK[(3 * turn + attempt) % len(SMALL_TALK)])
        return out


def test_the_last_agent_message_gets_more_tries_than_other_utterances(tmp_path):
    """That message decides whether the whole dialogue is kept: it may be regenerated up to max(revisions, 8)
    times, other utterances ``revisions`` times; with ``revisions=0`` nothing is regenerated."""
    fake = StubbornSmallTalker(patience=6)
    summary = imagine("Persuasion-v0", {"backend": "hf", "model": "fake"}, n=2, seed=0, out=tmp_path / "a.jsonl",
                      turns=3, model=fake, progress=False, revisions=3)  # fmt: skip
    assert (summary.written, summary.dropped) == (2, 0)
    assert max(a for role, a, _ in fake.temperatures if role == "assistant") == 6
    for e in read_episodes(tmp_path / "a.jsonl"):  # each retry was told a fresh move that does the task's work
        assert e.outcome["imagination"]["moves"][-1].partition(":")[0] not in SOCIAL_ACTS
    # ... and shown only the partner's last line (with the system prompt), not the small talk so far
    assert fake.retry_windows and all(w == ["system", "user"] for w in fake.retry_windows)
    late = StubbornSmallTalker(patience=9)  # one try more than the last message gets
    summary = imagine("Persuasion-v0", {"backend": "hf", "model": "fake"}, n=2, seed=0, out=tmp_path / "b.jsonl",
                      turns=3, model=late, progress=False, revisions=3)  # fmt: skip
    assert (summary.written, summary.dropped_by_reason) == (0, {"no_task_act": 2})
    assert max(a for role, a, _ in late.temperatures if role == "assistant") == 8
    # a larger revisions budget also raises the last message's
    summary = imagine("Persuasion-v0", {"backend": "hf", "model": "fake"}, n=2, seed=0, out=tmp_path / "c.jsonl",
                      turns=3, model=StubbornSmallTalker(patience=9), progress=False, revisions=9)  # fmt: skip
    assert summary.written == 2


class EchoingSmallTalker(StubbornSmallTalker):
    """Small talk first, then copies of its instructions (echoes) until its ``patience``-th regeneration."""

    def generate(self, batch, sample_ids=None, **params):
        out = super().generate(batch, sample_ids, **params)
        for k, (conv, (_, _i, _turn, role, attempt)) in enumerate(zip(batch, sample_ids, strict=True)):
            if role == "assistant" and 0 < attempt < self.patience:
                out[k] = conv[0]["content"].split("\n")[0][:300]
        return out


def test_the_last_message_keeps_its_larger_budget_whatever_a_retry_is_rejected_for(tmp_path):
    """Once a dialogue's last message must do the task's work, a retry rejected for another reason (here an echo
    of its instructions) does not end the dialogue after ``revisions`` tries: it keeps max(revisions, 8)."""
    fake = EchoingSmallTalker(patience=6)
    summary = imagine("Persuasion-v0", {"backend": "hf", "model": "fake"}, n=2, seed=0, out=tmp_path / "e.jsonl",
                      turns=3, model=fake, progress=False, revisions=3)  # fmt: skip
    assert (summary.written, summary.dropped) == (2, 0)
    assert max(a for role, a, _ in fake.temperatures if role == "assistant") == 6


def test_first_tries_sample_at_the_measured_temperature_unless_the_config_names_one(tmp_path):
    """First tries and fresh-move retries sample at FIRST_TRY_TEMPERATURE (or the config's own), a regeneration
    of the same request hotter, so that it differs from the rejected try."""

    class Recording(FakeModel):
        def __init__(self) -> None:
            super().__init__()
            self.temperatures: list[tuple[int, float | None]] = []  # (attempt, temperature)

        def generate(self, batch, sample_ids=None, **params):
            self.temperatures += [(sid[-1], params.get("temperature")) for sid in sample_ids]
            return super().generate(batch, sample_ids, **params)

    fake = Recording()  # episode 1 echoes the prompt on its first turn: one regeneration of the same request
    imagine("Persuasion-v0", {"backend": "hf", "model": "fake"}, n=2, seed=0, out=tmp_path / "a.jsonl", turns=2,
            model=fake, progress=False)  # fmt: skip
    assert {t for a, t in fake.temperatures if a == 0} == {FIRST_TRY_TEMPERATURE}
    assert {t for a, t in fake.temperatures if a > 0} == {TurnSettings().revise_temperature}
    talker = StubbornSmallTalker(patience=2)  # no task work: the last message is retried with fresh moves
    imagine("Persuasion-v0", {"backend": "hf", "model": "fake"}, n=1, seed=0, out=tmp_path / "b.jsonl", turns=2,
            model=talker, progress=False)  # fmt: skip
    assert {t for role, a, t in talker.temperatures if role == "assistant" and a > 0} == {FIRST_TRY_TEMPERATURE}
    chosen = Recording()
    imagine("Persuasion-v0", {"backend": "hf", "model": "fake", "temperature": 1.1}, n=1, seed=0,
            out=tmp_path / "c.jsonl", turns=2, model=chosen, progress=False)  # fmt: skip
    assert {t for a, t in chosen.temperatures if a == 0} == {None}  # the model's own (the config's) temperature


class ContinuingSmallTalker(StubbornSmallTalker):
    """A model that continues a message it is handed (a prefill) and otherwise only makes small talk."""

    continues_final_message = True

    def __init__(self) -> None:
        super().__init__(patience=99)
        self.prefills: list[str] = []

    def generate(self, batch, sample_ids=None, **params):
        out = super().generate(batch, sample_ids, **params)
        for k, conv in enumerate(batch):
            if conv[-1]["role"] == "assistant":  # handed the start of its message: it goes on from there
                self.prefills.append(conv[-1]["content"])
                out[k] = "the charity's schools and clinics keep kids in need safe and learning."
        return out


def test_a_model_that_continues_a_message_is_handed_the_moves_opening_on_the_last_tries(tmp_path):
    """Small talk on every try would drop the dialogue; a model that can continue a message starts the last
    message's fresh-move retries with the first words of the move's example, the episode records them, and the
    file's settings say prefill was on. A model that cannot is never handed one (see the test above)."""
    fake = ContinuingSmallTalker()
    out = tmp_path / "p.jsonl"
    summary = imagine("Persuasion-v0", {"backend": "hf", "model": "fake"}, n=2, seed=0, out=out, turns=3,
                      model=fake, progress=False)  # fmt: skip
    assert (summary.written, summary.dropped) == (2, 0)
    assert fake.prefills and all(1 <= len(p.split()) <= TurnSettings.prefill_words for p in fake.prefills)
    for e in read_episodes(out):
        lead = e.outcome["imagination"]["prefill"]
        last = [m["content"] for m in e.messages if m["role"] == "assistant"][-1]
        assert lead in fake.prefills and last.startswith(lead + " the charity's schools")
    assert json.loads(meta_path(out).read_text())["settings"]["prefill_words"] == TurnSettings.prefill_words
    plain = StubbornSmallTalker(patience=99)  # no continues_final_message: no prefill, and the file says 0
    imagine("Persuasion-v0", {"backend": "hf", "model": "fake"}, n=1, seed=0, out=tmp_path / "q.jsonl", turns=3,
            model=plain, progress=False)  # fmt: skip
    assert json.loads(meta_path(tmp_path / "q.jsonl").read_text())["settings"]["prefill_words"] == 0


class TerseContinuer(ContinuingSmallTalker):
    """Continues a prefill with two words: enough to complete a recogniser's cue, nothing of its own."""

    def generate(self, batch, sample_ids=None, **params):
        out = super().generate(batch, sample_ids, **params)
        return ["for kids." if conv[-1]["role"] == "assistant" else text for conv, text in zip(batch, out, strict=True)]


def test_a_prefilled_message_must_say_something_of_its_own(tmp_path):
    """The model must add ``min_continuation_words`` words to the words it was given (else ``too_short``), so a
    prefill cannot make a message usable by itself."""
    fake = TerseContinuer()
    summary = imagine("Persuasion-v0", {"backend": "hf", "model": "fake"}, n=1, seed=0, out=tmp_path / "t.jsonl",
                      turns=3, model=fake, progress=False)  # fmt: skip
    assert (summary.written, summary.dropped_by_reason) == (0, {"no_task_act": 1})
    assert len(fake.prefills) == TurnSettings.final_revisions  # every fresh-move retry was prefilled, none passed
