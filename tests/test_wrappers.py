"""Dialogue-act wrappers: SB3/Gymnasium API conformance, determinism, no persona in features."""

from __future__ import annotations

import json
import warnings

import gymnasium as gym
import numpy as np
import pytest

import dialgym
from dialgym.tasks import get_task
from dialgym.wrappers import (
    FEATURE_VERSION,
    DialogueActActions,
    DialogueFeatures,
    FeatureSpec,
    derive_vocabulary,
    dialogue_features,
    make_act_env,
)

ENV_IDS = dialgym.env_ids()


def _play(env: gym.Env, seed: int, actions: list[int]) -> list[tuple]:
    obs, info = env.reset(seed=seed)
    trace = [(obs.tobytes(), None, None, None)]
    for a in actions:
        obs, reward, terminated, truncated, info = env.step(a)
        trace.append((obs.tobytes(), float(reward), info["utterance"], info["messages"][-1]["content"]))
        if terminated or truncated:
            break
    return trace


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_sb3_and_gymnasium_check_env_pass(env_id):
    sb3_checker = pytest.importorskip("stable_baselines3.common.env_checker")
    from gymnasium.utils.env_checker import check_env

    env = make_act_env(env_id)
    with warnings.catch_warnings():
        # Gymnasium notes that a wrapped env is checked; wrapping is the point here.
        warnings.filterwarnings("ignore", message=".*different from the unwrapped version.*")
        sb3_checker.check_env(env, warn=True)
        check_env(env, skip_render_check=True)
    task = get_task(env_id)
    assert env.action_space == gym.spaces.Discrete(len(task.act_repertoire))
    assert env.observation_space.dtype == np.float32
    assert env.observation_space.shape == (env.feature_spec.dim,)
    # The spec of a wrapped env stays plain data (Minari and vector envs need that).
    json.loads(env.spec.to_json())


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_same_seed_same_episode_and_observations_in_space(env_id):
    rng = np.random.default_rng(1)
    n = len(get_task(env_id).act_repertoire)
    actions = [int(a) for a in rng.integers(n, size=30)]
    a, b = make_act_env(env_id), make_act_env(env_id)
    first = _play(a, 7, actions)
    assert first == _play(b, 7, actions)
    assert first == _play(a, 7, actions)  # a second reset with the same seed replays it
    obs, _ = a.reset(seed=3)
    for act in actions:
        assert a.observation_space.contains(obs)
        obs, _, terminated, truncated, info = a.step(act)
        assert "episode" not in info or isinstance(info["episode"], dict)  # SB3's Monitor owns that key
        if terminated or truncated:
            break
    assert a.observation_space.contains(obs)


def test_unseeded_reset_continues_the_phrasing_stream():
    a, b = make_act_env("Persuasion-v0"), make_act_env("Persuasion-v0")
    a.reset(seed=11)
    b.reset(seed=11)
    texts = []
    for env in (a, b):
        env.reset()
        texts.append([env.step(0)[4]["utterance"] for _ in range(3)])
    assert texts[0] == texts[1]


def test_phrasing_depends_on_the_seed():
    env = make_act_env("Persuasion-v0")
    seen = set()
    for seed in range(12):
        env.reset(seed=seed)
        seen.add(env.step(0)[4]["utterance"])
    assert len(seen) > 1


def test_bad_actions_are_named():
    env = make_act_env("Persuasion-v0")
    env.reset(seed=0)
    n = env.action_space.n
    with pytest.raises(ValueError, match=rf"action {n} is out of range; expected an act index in \[0, {n}\)"):
        env.step(n)
    with pytest.raises(TypeError, match="integer act index"):
        env.step("hello")
    with pytest.raises(TypeError, match="integer act index"):
        env.step(1.5)
    obs, *_ = env.step(np.int64(1))  # numpy integers (what SB3 passes) are fine
    assert obs.shape == env.observation_space.shape


def test_features_ignore_the_persona_given_the_same_transcript():
    base = gym.make("Persuasion-v0", privileged=True)
    personas = []
    for seed in range(40):
        _, info = base.reset(seed=seed)
        if not personas or info["persona"] != personas[0]:
            personas.append(info["persona"])
        if len(personas) == 2:
            break
    assert len(personas) == 2
    prefix = [
        {"role": "assistant", "content": "Hi! How are you today?"},
        {"role": "user", "content": "Good, thanks. I'm an accountant, so I like numbers."},
        {"role": "assistant", "content": "What do you do for a living?"},
        {"role": "user", "content": "Money's really tight for me right now, honestly."},
    ]
    feats = []
    for persona in personas:
        env = make_act_env("Persuasion-v0", privileged=True)
        obs, info = env.reset(seed=5, options={"persona": persona, "prefix": prefix})
        assert info["persona"] == persona  # the persona is right there in info ...
        feats.append(obs)
    np.testing.assert_array_equal(feats[0], feats[1])  # ... and still does not reach the features


def test_privileged_info_does_not_change_features():
    rng = np.random.default_rng(0)
    actions = [int(a) for a in rng.integers(13, size=10)]
    plain = _play(make_act_env("Persuasion-v0"), 4, actions)
    privileged = _play(make_act_env("Persuasion-v0", privileged=True), 4, actions)
    assert plain == privileged


def test_features_are_a_function_of_the_transcript():
    spec = FeatureSpec.for_task("Persuasion-v0", 10)
    messages = [
        {"role": "assistant", "content": "Hello there!"},
        {"role": "user", "content": "Hi. I am an accountant; show me the numbers and the facts."},
    ]
    v = dialogue_features(spec, messages, [["greeting"]], [spec.actions.index("greeting")])
    lay = spec.layout()
    assert v.dtype == np.float32 and v.shape == (spec.dim,)
    assert v[0] == pytest.approx(0.1)  # one agent turn of ten
    assert v[lay["act_counts"][0] + spec.acts.index("greeting")] == pytest.approx(0.1)
    assert v[lay["last_acts"][0] + spec.acts.index("greeting")] == 1.0
    assert v[lay["last_action"][0] + spec.actions.index("greeting")] == 1.0
    lit = {spec.vocabulary[i] for i in np.flatnonzero(v[slice(*lay["words_last_reply"])])}
    assert "accountant" in lit
    assert v[lay["last_reply_meta"][0]] == 1.0
    # Unknown earlier turns (a replayed prefix) are skipped, not mis-attributed.
    w = dialogue_features(spec, messages, [None], [None])
    assert w[slice(*lay["act_counts"])].sum() == 0 and w[slice(*lay["action_counts"])].sum() == 0


def test_feature_spec_round_trips_and_rejects_other_versions():
    spec = FeatureSpec.for_task("TravelAgent-v0", 10)
    data = json.loads(json.dumps(spec.to_dict()))
    assert FeatureSpec.from_dict(data) == spec
    with pytest.raises(ValueError, match=f"version 0 is not supported.*version {FEATURE_VERSION}"):
        FeatureSpec.from_dict({**data, "version": 0})
    env = make_act_env("TravelAgent-v0", spec=spec)
    assert env.feature_spec == spec
    with pytest.raises(ValueError, match="feature spec is for 'TravelAgent-v0', but the env is 'Persuasion-v0'"):
        make_act_env("Persuasion-v0", spec=spec)


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_every_task_gets_a_vocabulary_with_its_hint_words(env_id):
    spec = FeatureSpec.for_task(env_id, 10)
    assert 20 <= len(spec.vocabulary) <= 192
    assert len(set(spec.vocabulary)) == len(spec.vocabulary)
    assert spec == FeatureSpec.for_task(env_id, 10)  # deterministic


def test_derive_vocabulary_covers_each_reply_kind():
    bank = {
        "parent": ["I have two kids at home.", "As a parent, kids matter to me."],
        "analyst": ["I am an accountant; numbers first.", "Show me the numbers."],
        "greeting": ["Hi! Nice to meet you.", "Hello, nice to meet you too."],
        "other": ["Okay {name}.", "Fine."],
    }
    vocab = derive_vocabulary(bank)
    assert {"kids", "numbers"} <= set(vocab)
    assert {"meet", "nice"} & set(vocab)  # one word covering both greetings (ties break alphabetically)
    assert "name" not in vocab  # template slots are not words
    assert derive_vocabulary(bank) == vocab


def test_hashed_bag_of_words_when_no_vocabulary():
    spec = FeatureSpec.for_task("Persuasion-v0", 10)
    hashed = FeatureSpec(spec.env_id, spec.max_turns, spec.acts, spec.actions, vocabulary=())
    assert hashed.n_words == hashed.hash_buckets
    v = dialogue_features(hashed, [{"role": "user", "content": "tight budget"}], [], [])
    assert v.shape == (hashed.dim,) and v.sum() > 0


def test_features_wrapper_works_on_text_actions():
    env = DialogueFeatures(gym.make("Counseling-v0"))
    obs, info = env.reset(seed=0)
    obs, *_ = env.step("That sounds really hard. What happened?")
    lay = env.feature_spec.layout()
    assert obs[slice(*lay["action_counts"])].sum() == 0  # no act index with free text
    assert obs[slice(*lay["act_counts"])].sum() > 0  # the user's recognition still counts


def test_act_wrapper_rejects_non_dialgym_envs():
    with pytest.raises(ValueError, match="is not a registered dialgym env"):
        DialogueActActions(gym.make("CartPole-v1"))
