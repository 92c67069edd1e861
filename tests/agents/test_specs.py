import pytest

import dialgym
from dialgym.agents import AGENTS, RandomAgent, ScriptAgent, make_agent, parse_spec


def test_parse_spec():
    assert parse_spec("ilql:runs/a?beta=4&top_k=5") == ("ilql", "runs/a", {"beta": "4", "top_k": "5"})
    assert parse_spec("oracle") == ("oracle", None, {})
    with pytest.raises(ValueError, match="non-empty"):
        parse_spec("  ")


def test_unknown_agent_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown agent 'nope'.*'behavior'"):
        make_agent("nope", "Persuasion-v0")


def test_unknown_env_is_named():
    with pytest.raises(ValueError, match="unknown dialgym env id 'Nope-v0'"):
        make_agent("random", "Nope-v0")


@pytest.mark.parametrize("env_id", dialgym.env_ids())
def test_reference_agents_build_for_every_task(env_id):
    for name in ("random", "behavior", "oracle", "adaptive"):
        agent = make_agent(name, env_id, seed=0)
        assert agent.spec == name
    assert make_agent("oracle", env_id).requires_privileged
    assert not make_agent("behavior", env_id).requires_privileged
    assert set(AGENTS) >= {"random", "behavior", "oracle", "adaptive", "script"}


@pytest.mark.parametrize("env_id", dialgym.env_ids())
def test_random_agent_speaks_in_recognized_acts(env_id):
    import gymnasium as gym

    env = gym.make(env_id)
    agent = RandomAgent(env_id, seed=0)
    obs, info = env.reset(seed=0)
    recognized = 0
    for _ in range(5):
        obs, _, term, trunc, info = env.step(agent.act(obs, info))
        recognized += info["agent_acts"] != ["off_task"]
        if term or trunc:
            obs, info = env.reset()
    assert recognized >= 4


def test_script_agent_validates_acts():
    with pytest.raises(ValueError, match="not in Persuasion-v0's act repertoire"):
        ScriptAgent("Persuasion-v0", ["no_such_act"])
    with pytest.raises(ValueError, match="needs acts"):
        make_agent("script:", "Persuasion-v0")
    with pytest.raises(ValueError, match="at least one act"):
        ScriptAgent("Persuasion-v0", [])


def test_act_batch_matches_act():
    import gymnasium as gym

    env_id = "Persuasion-v0"
    env = gym.make(env_id)
    obs, info = env.reset(seed=1)
    a = make_agent("behavior", env_id, seed=3)
    b = make_agent("behavior", env_id, seed=3)
    assert a.act_batch([obs, obs], [info, info]) == [b.act(obs, info), b.act(obs, info)]
    with pytest.raises(ValueError, match="2 observations but 1 infos"):
        a.act_batch([obs, obs], [info])
