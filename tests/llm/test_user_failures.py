"""Simulated-user failures are accounted apart from the agent's score (DESIGN.md: ``info["user_failure"]``).

Over the fault-injecting OpenAI-compatible server on 127.0.0.1: a judge that always answers garbage, a user
whose replies always fail, a user whose opening fails, and a mixed run where the server fails only some
episodes' judge calls (chosen by request content), sequentially (``evaluate``) and batched (``collect``,
the leaderboard, the vector env). An agent's own error, even an ``LLMError``, still raises.
"""

from __future__ import annotations

import hashlib
import io
import json
import re

import gymnasium as gym
import numpy as np
import pytest
from fake_openai_server import FakeOpenAIServer, role_play_reply

import dialgym
from dialgym.cli import main
from dialgym.core import DialogueEnv, UserSimulator, UserSimulatorError, UserTurn
from dialgym.core.agent import as_agent
from dialgym.data.collect import collect
from dialgym.data.episode import Episode, EpisodeFormatError
from dialgym.data.io import iter_episodes, read_episodes
from dialgym.evaluation.leaderboard import format_table, paired_difference_ci, run_leaderboard
from dialgym.llm import CacheMissError, LLMError
from dialgym.rollout import play_episode
from dialgym.simulators import llm_user
from dialgym.vector import DialogueVectorEnv, split_infos

REFS = {"Persuasion-v0": (0.0, 2.0)}  # reference scores given, so a leaderboard runs only the agent under test


def llm_config(server, **extra):
    return {
        "backend": "openai",
        "model": "fake",
        "base_url": server.base_url,
        "api_key": "local",
        "concurrency": 8,
        "timeout": 5.0,
        "max_retries": 1,
        "retry_backoff": 0.01,
        "retry_backoff_max": 0.02,
        **extra,
    }


def llm_env(server, **extra):
    return {"user": "llm", "llm": llm_config(server), "max_turns": 2, **extra}


#: every test starts and ends without shared LLM clients (tests/llm/conftest.py)
pytestmark = pytest.mark.usefixtures("fresh_llm_clients")


def is_judge(messages):
    return bool(messages) and messages[0]["role"] == "system" and "impartial judge" in messages[0]["content"]


def garbage_judge(messages, body):
    """A judge that never answers in the schema (no JSON, no number): every episode's judge fails for good."""
    return "Hmm." if is_judge(messages) else role_play_reply(messages, body)


def silent_user(messages, body):
    """A user model whose replies are always blank: the backend's retries run out (an LLMError)."""
    return role_play_reply(messages, body) if is_judge(messages) else "   "


def leaving_user(messages, body):
    """A user model that only ever writes the end mark: no valid opening line (the LLM user's LLMUserError)."""
    return role_play_reply(messages, body) if is_judge(messages) else "[END]"


def judge_key(messages):
    """A number fixed by the judge request's content (its prompt differs per episode)."""
    return int(hashlib.sha256(messages[-1]["content"].encode()).hexdigest(), 16)


def mixed_reply(messages, body):
    """Valid judge answers that differ between episodes (so including a failed episode's 0 moves the mean)."""
    if is_judge(messages):
        return json.dumps({"donation": [0.5, 1.0, 2.0][judge_key(messages) // 2 % 3]})
    return role_play_reply(messages, body)


def mixed_fault(body):
    """HTTP 500 for the judge calls of about half the episodes, by content: those fail for good (LLMError)."""
    messages = body["messages"]
    return "500" if is_judge(messages) and judge_key(messages) % 2 == 0 else None


class Talker:
    """Says one line per turn and counts how often it was asked."""

    spec = "talker"

    def __init__(self):
        self.calls = 0

    def act(self, observation, info):
        self.calls += 1
        return "Would you consider donating to Save the Children?"


class Broken:
    """An agent with a bug: raises ``exc`` on its second turn."""

    def __init__(self, exc):
        self.exc = exc

    def act(self, observation, info):
        if info["turn"] >= 1:
            raise self.exc
        return "Hello there."


def test_judge_that_always_answers_garbage_ends_every_episode_as_a_user_failure():
    with FakeOpenAIServer(garbage_judge) as server:
        env = gym.make("Persuasion-v0", **llm_env(server))
        env.reset(seed=0)
        _, reward, term, trunc, info = env.step("Hi! Have you heard of Save the Children?")
        assert not (term or trunc) and "user_failure" not in info
        _, reward, term, trunc, info = env.step("Would you donate a dollar?")
        assert (reward, term, trunc) == (0.0, False, True)
        assert "outcome" not in info and "success" not in info
        assert re.fullmatch(
            r"judge: LLMUserError: episode \d+, turn 2, call \d+: the judge's outcome .*", info["user_failure"]
        )
        with pytest.raises(RuntimeError, match=r"finished episode.*simulated user failed \(judge: "):
            env.step("Hello?")
        # the next episode starts clean
        _, info = env.reset(seed=1)
        assert "user_failure" not in info

        result = dialgym.evaluate("behavior", "Persuasion-v0", episodes=3, seed=0, **llm_env(server))
    assert result.episodes == 3 and result.user_failure_count == 3 and result.user_failure_rate == 1.0
    assert result.scored_episodes == 0 and np.isnan(result.mean_return) and np.isnan(result.success_rate)
    assert all(f.startswith("judge: LLMUserError: ") for f in result.user_failures)
    summary = result.summary()
    assert (summary["user_failures"], summary["scored_episodes"]) == (3, 0)


@pytest.mark.parametrize(
    "reply, fault, error",
    [(silent_user, None, "LLMError: .*empty content"), (role_play_reply, "500", "LLMError: .*500")],
    ids=["blank-replies", "http-500"],
)
def test_user_reply_that_always_fails_ends_the_episode_at_that_turn(reply, fault, error):
    def faults(body):
        return fault if fault and not is_judge(body["messages"]) else None

    with FakeOpenAIServer(reply, fault_fn=faults) as server:
        env = gym.make("Persuasion-v0", **llm_env(server))
        env.reset(seed=0)
        _, reward, term, trunc, info = env.step("Hi there!")
        assert (reward, term, trunc) == (0.0, False, True)
        assert re.match(rf"user reply: {error}", info["user_failure"]), info["user_failure"]
        # the agent's line is kept (it may be what broke the user); no user line was made up
        assert info["messages"] == [{"role": "assistant", "content": "Hi there!"}]
        assert info["turn"] == 1 and info["agent_acts"] == []

        agent = Talker()
        result = dialgym.evaluate(agent, "Persuasion-v0", episodes=2, seed=0, **llm_env(server))
    assert result.user_failure_count == 2 and agent.calls == 2  # one turn each, then the episode ended


def test_a_failed_opening_ends_the_episode_before_the_agent_speaks(tmp_path):
    """Counseling's user speaks first: when that fails, reset says so and the first step ends the episode."""
    with FakeOpenAIServer(leaving_user) as server:
        env = gym.make("Counseling-v0", **llm_env(server))
        obs, info = env.reset(seed=0)
        assert re.match(r"user opening: LLMUserError: .*the user's opening stayed invalid", info["user_failure"])
        assert env.observation_space.contains(obs) and info["messages"] == []
        _, reward, term, trunc, info2 = env.step("anything")  # a plain loop sees an ordinary truncation
        assert (reward, term, trunc, info2["user_failure"]) == (0.0, False, True, info["user_failure"])
        with pytest.raises(RuntimeError, match="simulated user failed"):
            env.step("anything")

        agent = Talker()
        rollout = play_episode(env, as_agent(agent, "Counseling-v0"), seed=1, agent_seed=1)
        assert agent.calls == 0 and rollout.turns == 0 and rollout.truncated and rollout.user_failure

        venv = DialogueVectorEnv("Counseling-v0", 2, **llm_env(server))
        obs, infos = venv.reset(seed=0)
        assert all(i["user_failure"].startswith("user opening") for i in split_infos(infos, 2))
        obs, rewards, terms, truncs, infos = venv.step(["a", "b"])
        assert truncs.all() and not terms.any() and (rewards == 0).all()

        out = tmp_path / "c.jsonl"
        summary = collect("Counseling-v0", agent, episodes=3, seed=0, out=out, batch=2, progress=False,
                          env_kwargs=llm_env(server))  # fmt: skip
    assert agent.calls == 0 and summary.written == 3 and summary.user_failures == 3
    eps = read_episodes(out, include_user_failures=True)
    assert len(eps) == 3 and all(e.user_failure.startswith("user opening") and e.turns == 0 for e in eps)


def test_mixed_run_scores_only_the_episodes_whose_user_did_not_fail(tmp_path):
    n = 8
    with FakeOpenAIServer(mixed_reply, fault_fn=mixed_fault) as server:
        kwargs = llm_env(server)
        result = dialgym.evaluate("behavior", "Persuasion-v0", episodes=n, seed=0, **kwargs)
        failed = [f is not None for f in result.user_failures]
        assert 0 < sum(failed) < n, "the content-based faults hit all or no episodes: the test would prove nothing"
        assert all(f.startswith("judge: LLMError: ") for f in result.user_failures if f)
        kept = [r for r, f in zip(result.returns, failed, strict=True) if not f]
        assert result.scored_episodes == len(kept) and result.mean_return == pytest.approx(np.mean(kept))
        assert result.mean_return != pytest.approx(np.mean(result.returns)), "failed episodes' 0 must not count"
        assert result.success_rate == np.mean([s for s, f in zip(result.successes, failed, strict=True) if not f])

        included = dialgym.evaluate(
            "behavior", "Persuasion-v0", episodes=n, seed=0, include_user_failures=True, **kwargs
        )
        assert [f is not None for f in included.user_failures] == failed
        assert included.scored_episodes == n and included.mean_return == pytest.approx(np.mean(result.returns))

        # batched (collect): a failed judge call fails only its own episode of the batch, the same ones
        out = tmp_path / "m.jsonl"
        summary = collect("Persuasion-v0", "behavior", episodes=n, seed=0, out=out, batch=4, progress=False,
                          env_kwargs=kwargs)  # fmt: skip
        assert summary.written == n and summary.user_failures == sum(failed)
        assert summary.mean_reward == pytest.approx(result.mean_return)
        assert f"user failures: {sum(failed)} ({100 * sum(failed) / n:.1f}%" in str(summary)

        # resuming makes no request: failed episodes are in the file, not retried at a cost
        server.reset_counts()
        again = collect("Persuasion-v0", "behavior", episodes=n, seed=0, out=out, batch=4, progress=False,
                        env_kwargs=kwargs)  # fmt: skip
        assert again.written == 0 and server.requests == 0

    everything = sorted(read_episodes(out, include_user_failures=True), key=lambda e: e.id)
    assert [e.user_failure is not None for e in everything] == failed
    assert [e.reward for e in everything] == result.returns
    assert all(e.outcome == {} and not e.success for e in everything if e.user_failure)
    # readers (trainers, exports, hindsight) skip them unless asked, and say how many
    counts: dict[str, int] = {}
    assert len(list(iter_episodes(out, stats=counts))) == n - sum(failed) and counts["user_failures"] == sum(failed)


def test_leaderboard_reports_user_failures_in_a_column_and_leaves_them_out(tmp_path):
    n = 8
    with FakeOpenAIServer(mixed_reply, fault_fn=mixed_fault) as server:
        kwargs = llm_env(server)
        reference = dialgym.evaluate("behavior", "Persuasion-v0", episodes=n, seed=0, **kwargs)
        common = dict(episodes=n, seed=0, env_kwargs=kwargs, reference_scores=REFS, progress=False, batch=4)
        [entry] = run_leaderboard(["Persuasion-v0"], ["behavior"], out=tmp_path, **common)
        row = entry.row()
        k = reference.user_failure_count
        assert (row["user_failures"], row["scored_episodes"], row["episodes"]) == (k, n - k, n)
        assert row["mean"] == pytest.approx(reference.mean_return)
        table = format_table([entry])
        assert "u-fail" in table.splitlines()[0] and f"{100 * k / n:5.1f}%" in table.splitlines()[2]
        md = (tmp_path / "leaderboard.md").read_text()
        assert "| user failures |" in md and f"| {n - k} | {k} ({100 * k / n:.1f}%) |" in md
        saved = json.loads((tmp_path / "leaderboard.json").read_text())
        assert saved["rows"][0]["user_failures"] == k and saved["include_user_failures"] is False

        server.reset_counts()
        [scored] = run_leaderboard(["Persuasion-v0"], ["behavior"], out=tmp_path, include_user_failures=True, **common)
        assert server.requests == 0  # the same transcripts, read again
        assert scored.row()["scored_episodes"] == n and scored.row()["user_failures"] == k
        assert scored.result.mean_return == pytest.approx(np.mean(reference.returns))

    # paired differences drop a pair where either side's user failed
    other = dialgym.evaluate("random", "Persuasion-v0", episodes=n, seed=0)
    lo, hi = paired_difference_ci(entry.result, other)
    keep = np.array(entry.result.scored)
    diffs = np.asarray(entry.result.returns)[keep] - np.asarray(other.returns)[keep]
    assert lo <= diffs.mean() <= hi


def test_scripted_leaderboard_shows_the_column_with_zero():
    entries = run_leaderboard(["Persuasion-v0"], ["random"], episodes=3, seed=0, reference_scores=REFS, progress=False)
    lines = format_table(entries).splitlines()
    assert lines[0].rstrip().endswith("u-fail") and lines[2].rstrip().endswith("0.0%")
    assert entries[0].result.user_failure_count == 0 and entries[0].result.scored_episodes == 3


@pytest.mark.parametrize("exc", [ValueError("agent bug"), LLMError("the agent's own endpoint failed")])
def test_an_agent_error_still_raises(exc, tmp_path):
    """Only errors met while the *user* was being called are user failures; an agent's, even an LLMError, raise."""
    with FakeOpenAIServer(role_play_reply) as server:
        with pytest.raises(type(exc), match=str(exc)):
            dialgym.evaluate(Broken(exc), "Persuasion-v0", episodes=1, seed=0, **llm_env(server))
        with pytest.raises(type(exc), match=str(exc)):
            collect("Persuasion-v0", Broken(exc), episodes=2, seed=0, out=tmp_path / "b.jsonl", batch=2,
                    progress=False, env_kwargs=llm_env(server))  # fmt: skip


def test_a_replay_cache_miss_is_a_setup_error_not_a_user_failure(tmp_path):
    with FakeOpenAIServer(role_play_reply) as server:
        cfg = llm_config(server, cache=str(tmp_path / "empty.sqlite"), cache_mode="replay")
        env = gym.make("Persuasion-v0", user="llm", llm=cfg, max_turns=2)
        env.reset(seed=0)
        with pytest.raises(CacheMissError, match="not in the replay cache"):
            env.step("Hello!")
        assert server.requests == 0


def test_a_model_with_only_generate_fails_every_episode_of_its_batch(monkeypatch):
    """drive_batch's fallback: without per-conversation results, an error reaches each episode of the batch."""

    class Down:
        def generate(self, batch, sample_ids=None, **params):
            raise LLMError("endpoint down")

    config = {"backend": "openai", "model": "fake", "base_url": "http://127.0.0.1:9/v1", "api_key": "x"}
    monkeypatch.setitem(llm_user._SHARED, json.dumps(config, sort_keys=True), Down())
    venv = DialogueVectorEnv("Persuasion-v0", 3, user="llm", llm=config, max_turns=2)
    venv.reset(seed=0)
    _, rewards, terms, truncs, infos = venv.step(["Hi"] * 3)
    assert truncs.all() and not terms.any()
    assert [i["user_failure"] for i in split_infos(infos, 3)] == ["user reply: LLMError: endpoint down"] * 3


def test_episode_record_round_trips_user_failure():
    base = {"id": "t-0", "task": "persuasion", "env_id": "Persuasion-v0", "reward": 0.0,
            "messages": [{"role": "assistant", "content": "Hi"}]}  # fmt: skip
    old = Episode.from_dict(base)  # a record from before the field existed
    assert old.user_failure is None and "user_failure" not in json.loads(old.to_json())
    failed = Episode.from_dict({**base, "user_failure": "judge: LLMError: boom", "terminated": False})
    back = Episode.from_dict(json.loads(failed.to_json()))
    assert back == failed and back.user_failure == "judge: LLMError: boom"
    for bad in ("", 3, ["x"]):
        with pytest.raises(EpisodeFormatError, match="user_failure"):
            Episode.from_dict({**base, "user_failure": bad})


def test_cli_summaries_print_user_failures(tmp_path, capsys):
    with FakeOpenAIServer(mixed_reply, fault_fn=mixed_fault) as server:
        kwargs = json.dumps(llm_env(server))
        common = ["--episodes", "8", "--env-kwargs", kwargs, "--quiet", "--batch", "4"]
        refs = ["--reference-scores", json.dumps(REFS)]
        assert main(["eval", "Persuasion-v0", "--agent", "behavior", *common, *refs]) == 0
        text = capsys.readouterr().out
        k = int(re.search(r"(\d+) user failures \(", text).group(1))
        assert 0 < k < 8 and "u-fail" in text and "left out of mean" in text
        assert main(["eval", "Persuasion-v0", "--agent", "behavior", *common, *refs, "--include-user-failures"]) == 0
        assert "counted in the statistics" in capsys.readouterr().out
        out = tmp_path / "c.jsonl"
        assert main(["collect", "Persuasion-v0", "--agent", "behavior", "--out", str(out), *common]) == 0
        assert f"user failures: {k} (" in capsys.readouterr().out
        assert main(["data", "stats", str(out)]) == 0
        assert f"skipped {k} episode(s) whose simulated user failed" in capsys.readouterr().out


def test_play_says_the_user_failed_instead_of_crashing():
    from dialgym.play import play_as_agent

    with FakeOpenAIServer(garbage_judge) as server:
        out = io.StringIO()
        finished = play_as_agent("Persuasion-v0", 0, llm_env(server, max_turns=1), io.StringIO("Hi!\n/quit\n"), out)
    assert finished == 1
    assert "episode over (the simulated user failed: judge: LLMUserError" in out.getvalue()
    assert "outcome none (not scored)" in out.getvalue()


class FlakyUser(UserSimulator):
    """A user simulator of one's own whose outcome fails for good: any simulator may raise UserSimulatorError."""

    def reset(self, persona, rng):
        return None

    def respond(self, agent_text):
        return UserTurn(text="Fine.", acts=[], done=True)

    def outcome(self, truncated):
        raise UserSimulatorError("my scorer is down")


class FlakyEnv(DialogueEnv):
    task_id = "flaky"
    description = "Talk to a user whose scorer fails."
    default_max_turns = 2

    def sample_persona(self, split, rng):
        return {"type": "any"}

    def make_scripted_user(self):
        return FlakyUser()


def test_a_custom_user_simulator_error_is_a_user_failure_and_stops_a_grpo_rollout():
    gym.register("DialgymTestFlaky-v0", entry_point=FlakyEnv)
    try:
        env = gym.make("DialgymTestFlaky-v0")
        env.reset(seed=0)
        _, reward, term, trunc, info = env.step("Hello")
        assert (reward, term, trunc, info["user_failure"]) == (
            0.0,
            False,
            True,
            "judge: UserSimulatorError: my scorer is down",
        )
        from dialgym.integrations.trl import make_environment_factory

        tool_env = make_environment_factory("DialgymTestFlaky-v0")()
        tool_env.reset(seed=0)
        with pytest.raises(UserSimulatorError, match=r"GRPO rollout.*my scorer is down.*rather than train on it"):
            tool_env.say("Hello")
    finally:
        gym.registry.pop("DialgymTestFlaky-v0", None)
