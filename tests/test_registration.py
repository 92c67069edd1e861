"""dialgym.registration.dialogue_env: the typed way to reach a made env's DialogueEnv."""

from __future__ import annotations

import gymnasium as gym
import pytest

import dialgym  # noqa: F401  (registers the ids)
from dialgym.core.env import DialogueEnv
from dialgym.registration import dialogue_env
from dialgym.wrappers import make_act_env


def test_dialogue_env_unwraps_gym_make_and_dialgym_wrappers():
    env = gym.make("Persuasion-v0")
    try:
        base = dialogue_env(env)
        assert isinstance(base, DialogueEnv) and base is env.unwrapped
        assert base.max_turns == env.unwrapped.max_turns
    finally:
        env.close()
    act_env = make_act_env("Instruction-v0", max_turns=7)
    try:
        assert dialogue_env(act_env).max_turns == 7
    finally:
        act_env.close()


def test_dialogue_env_names_an_env_that_is_not_a_dialgym_one():
    env = gym.make("CartPole-v1")
    try:
        with pytest.raises(TypeError, match="CartPoleEnv, not a dialgym DialogueEnv"):
            dialogue_env(env)
    finally:
        env.close()
