"""The DialogueEnv base class, exercised through a minimal task defined here."""

from __future__ import annotations

import numpy as np
import pytest

from dialgym.core import DialogueEnv, Outcome, UserSimulator, UserTurn
from dialgym.core.env import MAX_ACTION_CHARS


class CountingUser(UserSimulator):
    """Says "ok N" each turn; ends when the agent says 'bye'; reward = number of turns."""

    def reset(self, persona, rng):
        self.persona, self.rng, self.n = persona, rng, 0
        return "hello" if persona.get("opens") else None

    def respond(self, agent_text):
        self.n += 1
        return UserTurn(text=f"ok {self.n} {int(self.rng.integers(100))}", acts=["x"], done="bye" in agent_text)

    def outcome(self, truncated):
        return Outcome(reward=float(self.n), success=not truncated, details={"turns": self.n})

    def state_dict(self):
        return {"n": self.n}


class ToyEnv(DialogueEnv):
    task_id = "toy"
    description = "Talk to the user."
    default_max_turns = 3

    def sample_persona(self, split, rng):
        return {"type": "toy_person", "opens": bool(rng.integers(2)), "split": split}

    def make_scripted_user(self):
        return CountingUser()


def test_reset_step_and_truncation():
    env = ToyEnv()
    obs, info = env.reset(seed=1)
    assert obs.startswith("Talk to the user.")
    assert info["turn"] == 0 and "persona" not in info
    for k in range(3):
        obs, r, term, trunc, info = env.step(f"turn {k}")
    assert trunc and not term and r == 3.0
    assert info["outcome"] == {"turns": 3} and info["success"] is False
    assert env.observation_space.contains(obs)
    with pytest.raises(RuntimeError, match="finished episode"):
        env.step("again")


def test_termination_by_user():
    env = ToyEnv()
    env.reset(seed=0)
    _, r, term, trunc, info = env.step("bye now")
    assert term and not trunc and r == 1.0 and info["success"] is True


@pytest.mark.parametrize("bad", [None, 3, b"hi", ["hi"]])
def test_non_string_action_rejected_and_state_unchanged(bad):
    env = ToyEnv()
    env.reset(seed=0)
    before = env.messages
    with pytest.raises(TypeError, match="action must be a str"):
        env.step(bad)
    assert env.messages == before
    env.step("still fine")


def test_overlong_action_rejected_with_lengths():
    env = ToyEnv()
    env.reset(seed=0)
    with pytest.raises(ValueError, match=f"{MAX_ACTION_CHARS + 1} characters.*at most {MAX_ACTION_CHARS}"):
        env.step("a" * (MAX_ACTION_CHARS + 1))
    env.step("a" * MAX_ACTION_CHARS)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"persona_split": "bogus"}, r"'train', 'test', 'hard'"),
        ({"user": "robot"}, r"'scripted'"),
        ({"max_turns": 0}, "positive integer"),
        ({"llm": object()}, "plain dict"),
        ({"render_mode": "rgb_array"}, "ansi"),
    ],
)
def test_bad_kwargs_fail_at_construction(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        ToyEnv(**kwargs)


def test_privileged_info_carries_persona_never_the_observation():
    env = ToyEnv(privileged=True)
    obs, info = env.reset(seed=0)
    assert info["persona"]["type"] == "toy_person"
    assert "toy_person" not in obs


def test_persona_and_prefix_options_replay_the_user_state():
    env = ToyEnv(max_turns=5)
    persona = {"type": "toy_person", "opens": True}
    prefix = [
        {"role": "user", "content": "hello"},
        {"role": "assistant", "content": "hi"},
        {"role": "user", "content": "recorded reply"},
        {"role": "assistant", "content": "how are you"},
    ]
    _, info = env.reset(seed=0, options={"persona": persona, "prefix": prefix})
    assert env.user_state() == {"n": 2}
    assert info["turn"] == 2
    assert [m["content"] for m in info["messages"][:4]] == ["hello", "hi", "recorded reply", "how are you"]
    assert info["messages"][4]["role"] == "user"  # the reply to the last agent turn was generated


def test_prefix_errors_are_clear():
    env = ToyEnv(max_turns=5)
    with pytest.raises(ValueError, match=r"prefix'\]\[1\] has role 'assistant'"):
        env.reset(seed=0, options={"prefix": [{"role": "assistant", "content": "a"}] * 2})
    with pytest.raises(ValueError, match="not a message"):
        env.reset(seed=0, options={"prefix": [{"role": "system", "content": "a"}]})
    with pytest.raises(ValueError, match="ends the episode"):
        env.reset(seed=0, options={"prefix": [{"role": "assistant", "content": "bye"}]})
    with pytest.raises(ValueError, match="unknown reset options"):
        env.reset(seed=0, options={"persnoa": {}})


def test_unicode_action_is_normalized_into_the_observation_space():
    env = ToyEnv()
    env.reset(seed=0)
    obs, *_, info = env.step("h\u00e9llo \U0001f600 \u4f60\u597d \u201cquoted\u201d")
    assert env.observation_space.contains(obs)
    assert info["messages"][-2]["content"] == 'h\u00e9llo "quoted"'


def test_render_modes():
    env = ToyEnv(render_mode="ansi")
    obs, _ = env.reset(seed=0)
    assert env.render() == obs


def test_info_messages_are_copies():
    env = ToyEnv()
    _, info = env.reset(seed=0)
    _, *_, info = env.step("hi")
    info["messages"][0]["content"] = "tampered"
    assert env.messages[0]["content"] != "tampered"


def test_same_seed_same_episode_and_rng_flows_from_seed():
    def run(seed):
        env = ToyEnv()
        obs, _ = env.reset(seed=seed)
        out = [obs]
        for _ in range(3):
            out.append(env.step("x")[0])
        return out

    assert run(7) == run(7)
    assert run(7) != run(8)
    assert isinstance(ToyEnv().np_random, np.random.Generator)


def test_expanding_normalization_cannot_push_the_observation_out_of_bounds():
    env = ToyEnv(max_turns=3)
    env.reset(seed=0)
    for _ in range(3):
        obs, *_ = env.step("\u2026" * MAX_ACTION_CHARS)  # each becomes "..." when normalised
    assert env.observation_space.contains(obs)
    assert len(env.messages[-2]["content"]) == MAX_ACTION_CHARS
