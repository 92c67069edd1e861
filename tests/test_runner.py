"""dialgym.runner: the one episode loop gives the same episodes however it is run (one by one, in lockstep
batches, in worker processes), in the order asked, and reports what went wrong where it went wrong."""

from __future__ import annotations

import os
import signal

import gymnasium as gym
import pytest

import dialgym  # noqa: F401
from dialgym.evaluation import evaluate
from dialgym.rollout import play_episode
from dialgym.runner import EpisodeSpec, Reset, paired_episodes, run_episodes, step_envs
from dialgym.seeding import episode_seeds

ENV = "Persuasion-v0"


def _summary(results):
    return [(s.index, s.seed, r.reward, r.messages, r.agent_acts, r.terminated, r.truncated) for s, r in results]


def test_batches_and_workers_give_the_episodes_of_the_sequential_loop():
    specs = paired_episodes(5, range(12))
    one = _summary(run_episodes(ENV, "behavior", specs))
    assert [s[0] for s in one] == list(range(12)) and len({str(s[3]) for s in one}) > 6
    batched = _summary(run_episodes(ENV, "behavior", specs, batch=5))
    assert sorted(batched, key=lambda s: s[0]) == one  # lockstep hands episodes out as they end
    assert _summary(run_episodes(ENV, "behavior", specs, workers=2)) == one  # workers: in the order asked


def test_play_episode_is_the_runner_with_one_slot_on_any_env():
    """A wrapped env (gym.make's checkers) plays plainly; the runner's unwrapped env through generators."""
    from dialgym.agents import make_agent

    env = gym.make(ENV, privileged=True)
    agent = make_agent("oracle", ENV)
    for i in range(4):
        seed, agent_seed = episode_seeds(2, i)
        mine = play_episode(env, agent, seed, agent_seed)
        [(_, theirs)] = run_episodes(ENV, "oracle", [EpisodeSpec(i, seed, agent_seed)])
        assert (mine.reward, mine.messages, mine.persona) == (theirs.reward, theirs.messages, theirs.persona)


def test_evaluate_in_lockstep_batches_scores_the_same_episodes():
    one = evaluate("adaptive", "Counseling-v0", episodes=9, seed=4)
    many = evaluate("adaptive", "Counseling-v0", episodes=9, seed=4, batch=4)
    assert (one.returns, one.turns, one.persona_types) == (many.returns, many.turns, many.persona_types)


class Boom:
    """An agent that fails on its third turn of episode 2."""

    def reset(self, seed=None):
        self.turn = 0
        self.seed = seed

    def act(self, observation, info):
        self.turn += 1
        if self.turn == 3 and self.seed == episode_seeds(0, 2)[1]:
            raise RuntimeError("boom in episode 2")
        return "Hello! Would you like to donate to Save the Children?"


@pytest.mark.parametrize("how", [{}, {"batch": 3}, {"workers": 2}])
def test_an_agent_error_reaches_the_caller_whichever_way_episodes_run(how):
    with pytest.raises(RuntimeError, match="boom in episode 2"):
        list(run_episodes(ENV, Boom(), paired_episodes(0, range(6)), **how))


class Dies:
    """An agent whose worker process is killed (as the kernel's OOM killer would) in episode 1."""

    def reset(self, seed=None):
        self.seed = seed

    def act(self, observation, info):
        if self.seed == episode_seeds(0, 1)[1]:
            os.kill(os.getpid(), signal.SIGKILL)
        return "Hi"


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_killed_worker_is_an_error_not_a_hang():
    with pytest.raises(RuntimeError, match="exit code -9"):
        list(run_episodes(ENV, Dies(), paired_episodes(0, range(4)), workers=2))


def test_bad_arguments_name_the_value():
    with pytest.raises(ValueError, match="batch=0"):
        run_episodes(ENV, "random", paired_episodes(0, range(2)), batch=0)
    with pytest.raises(ValueError, match="either workers"):
        run_episodes(ENV, "random", paired_episodes(0, range(2)), batch=2, workers=2)
    env = gym.make(ENV).unwrapped
    with pytest.raises(ValueError, match="1 moves for 2 envs"):
        step_envs([env, env], [Reset(0)])


def test_step_envs_mixes_resets_and_steps_like_single_calls():
    a, b = (gym.make(ENV).unwrapped for _ in range(2))
    ref = gym.make(ENV).unwrapped
    (obs_a, _), (obs_b, _) = step_envs([a, b], [Reset(1), Reset(2)])
    assert obs_a == ref.reset(seed=1)[0]
    step_a, reset_b = step_envs([a, b], ["Hi! Do you have kids?", Reset(3)])
    assert step_a[:4] == ref.step("Hi! Do you have kids?")[:4]
    assert reset_b[0] == gym.make(ENV).unwrapped.reset(seed=3)[0]
