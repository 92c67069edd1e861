"""Every task end to end with an LLM-played user, over real HTTP servers on 127.0.0.1 and in-process SmolLM2.

* a fault-injecting OpenAI-compatible server (rate limits, 5xx, stalls, truncated JSON bodies, empty
  messages: a quarter of all calls): every episode completes;
* the replay-only cache: a second run makes zero requests and reproduces the episodes exactly;
* ``transformers serve`` with SmolLM2 and the ``hf`` backend on SmolLM2 (slow): real models play the
  users and the prompted agents.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from fake_openai_server import FakeOpenAIServer, role_play_reply

import dialgym
from dialgym.data.collect import collect
from dialgym.data.io import read_episodes
from dialgym.simulators import llm_user
from dialgym.tasks import get_task

FAULTS = {"p_429": 0.05, "p_500": 0.04, "p_503": 0.03, "p_stall": 0.03, "p_truncated": 0.05, "p_empty": 0.05}


def llm_config(server, **extra):
    return {
        "backend": "openai",
        "model": "fake",
        "base_url": server.base_url,
        "api_key": "local",
        "concurrency": 8,
        "timeout": 2.0,
        "max_retries": 8,
        "retry_backoff": 0.01,
        "retry_backoff_max": 0.05,
        **extra,
    }


#: every test starts and ends without shared LLM clients (tests/llm/conftest.py)
pytestmark = pytest.mark.usefixtures("fresh_llm_clients")


def answer_options(fields):
    """Valid judge answers for a one-key schema: a few values of the key's kind (so episodes get different ones)."""
    [(name, field)] = fields.items()
    if field.kind == "number":
        values = [float(field.low), float(field.high), round((float(field.low) + float(field.high)) / 3, 2)]
    elif field.kind == "integer":
        values = list(range(int(field.low), int(field.high) + 1))
    elif field.kind == "boolean":
        values = [True, False]
    else:
        values = list(field.choices)
    return [{name: v} for v in values]


def judge_transcript(messages):
    """The chat as the LLM user's judge prompt quotes it (``simulators/llm_user.py``: JSON string literals; by
    default only the person's own messages)."""
    return "\n".join(f"Person: {json.dumps(m['content'], ensure_ascii=False)}" for m in messages if m["role"] == "user")


class RecordingJudge:
    """Answers a judge's first attempt with junk (the user must ask again) and later attempts with a valid answer
    chosen by a hash of the chat, recording which answer each chat got; every other role is played as usual."""

    def __init__(self, fields):
        self.options = answer_options(fields)
        self.answers: dict[str, dict] = {}

    def __call__(self, messages, body):
        if "impartial judge" not in messages[0]["content"]:
            reply = role_play_reply(messages, body)
            if "Who you are:" in messages[0]["content"]:  # the user: a reply that depends on what it heard, so
                # that the judge, which reads only the user's messages, sees different chats in different episodes
                reply += f" ({hashlib.sha256(messages[-1]['content'].encode()).hexdigest()[:8]})"
            return reply
        prompt = messages[-1]["content"]
        if "(Attempt " not in prompt:
            return "Hmm."  # no JSON and no value of any kind: a parse failure the user must recover from
        chat = prompt[prompt.index("<chat>\n") + len("<chat>\n") : prompt.index("\n</chat>")]
        answer = self.options[int(hashlib.sha256(chat.encode()).hexdigest(), 16) % len(self.options)]
        self.answers[chat] = answer
        return json.dumps(answer)


@pytest.mark.parametrize("env_id", dialgym.env_ids())
def test_every_episode_completes_through_a_faulty_server(env_id, tmp_path):
    """Through HTTP faults and a judge whose first answer is junk, every episode ends with the judge's answer as
    its outcome: the reward is the task's reward for exactly what the judge said about that chat.

    Catches: an outcome that is not the judge's (a default, a scripted user's, another episode's), a judge
    answer that is dropped after a retry, and an episode lost to a fault.
    """
    spec = get_task(env_id).llm_user_spec()
    judge = RecordingJudge(spec.outcome_fields)
    with FakeOpenAIServer(judge, stall_seconds=30, seed=3, **FAULTS) as server:
        cfg = llm_config(server)
        out = tmp_path / "e.jsonl"
        summary = collect(
            env_id,
            "behavior",
            episodes=6,
            seed=0,
            out=out,
            batch=3,
            progress=False,
            env_kwargs={"user": "llm", "llm": cfg, "max_turns": 3},
        )
        faults = sum(n for kind, n in server.outcomes.items() if kind != "ok")
    eps = read_episodes(out)
    assert summary.written == 6 and len(eps) == 6
    assert all(e.outcome and len(e.agent_acts) == e.turns for e in eps)
    assert faults > 0, "the server injected no faults: the test would prove nothing"
    used = []
    for e in eps:
        answer = judge.answers[judge_transcript(e.messages)]
        used.append(json.dumps(answer))
        expected = spec.to_outcome(answer, e.persona, False)
        if spec.adjust_outcome is not None:  # the part of the reward the chat's length decides (Instruction)
            expected = spec.adjust_outcome(expected, e.turns)
        assert (e.reward, e.success) == (expected.reward, expected.success), (e.id, answer)
    assert len(set(used)) >= 2, "every episode got the same judge answer: the check could not tell them apart"


def test_prompted_agent_against_llm_user_through_a_faulty_server(tmp_path):
    with FakeOpenAIServer(role_play_reply, stall_seconds=30, seed=5, **FAULTS) as server:
        cfg = llm_config(server)
        out = tmp_path / "p.jsonl"
        collect(
            "Persuasion-v0",
            "prompt:cot",
            episodes=4,
            seed=0,
            out=out,
            batch=4,
            progress=False,
            llm=cfg,
            env_kwargs={"user": "llm", "llm": cfg, "max_turns": 2},
        )
    eps = read_episodes(out)
    assert len(eps) == 4
    assert all(
        m["content"] == "Could you tell me a little about yourself?"
        for e in eps
        for m in e.messages
        if m["role"] == "assistant"
    )


def test_replay_only_cache_makes_no_requests_and_reproduces_episodes(tmp_path):
    cache = str(tmp_path / "cache.sqlite")
    with FakeOpenAIServer(role_play_reply, seed=1) as server:
        first = tmp_path / "a.jsonl"
        env_kwargs = {"user": "llm", "llm": llm_config(server, cache=cache), "max_turns": 3}
        collect(
            "Counseling-v0", "behavior", episodes=5, seed=0, out=first, batch=5, progress=False, env_kwargs=env_kwargs
        )
        made = server.requests
        llm_user._SHARED.clear()
        server.reset_counts()
        second = tmp_path / "b.jsonl"
        env_kwargs = {"user": "llm", "llm": llm_config(server, cache=cache, cache_mode="replay"), "max_turns": 3}
        collect(
            "Counseling-v0", "behavior", episodes=5, seed=0, out=second, batch=5, progress=False, env_kwargs=env_kwargs
        )
        assert made > 0 and server.requests == 0

    def strip(e):
        return (e.messages, e.reward, e.outcome, e.agent_acts)

    assert [strip(e) for e in sorted(read_episodes(first), key=lambda e: e.id)] == [
        strip(e) for e in sorted(read_episodes(second), key=lambda e: e.id)
    ]


SMOL = {"temperature": 0, "max_tokens": 20, "seed": 0, "threads": 1}


def _smol_ready():
    try:
        dialgym.llm.smollm2_gguf()
    except RuntimeError as exc:  # pragma: no cover - CI installs it
        pytest.fail(f"SmolLM2 is part of the test install: {exc}")


@pytest.mark.slow
def test_hf_backend_smollm2_plays_every_task_and_the_prompted_agent(tmp_path):
    import dialgym.llm

    _smol_ready()
    cfg = {"backend": "hf", "model": "smollm2-135m", "concurrency": 8, **SMOL}
    for env_id in dialgym.env_ids():
        out = tmp_path / f"{env_id}.jsonl"
        summary = collect(
            env_id,
            "prompt:procot",
            episodes=2,
            seed=0,
            out=out,
            batch=2,
            progress=False,
            llm=cfg,
            env_kwargs={"user": "llm", "llm": cfg, "max_turns": 2},
        )
        eps = read_episodes(out)
        assert summary.written == 2 and all(e.outcome for e in eps), env_id
        assert all(m["content"] for e in eps for m in e.messages if m["role"] == "user")


@pytest.mark.slow
def test_transformers_serve_smollm2_plays_every_task(tmp_path):
    import dialgym.llm
    from dialgym.llm.serve import transformers_serve

    _smol_ready()
    folder = dialgym.llm.smollm2_hf_folder()
    with transformers_serve(folder, threads=1) as server:
        cfg = {
            "backend": "openai",
            "model": server.model,
            "base_url": server.base_url,
            "api_key": "local",
            "timeout": 120,
            "concurrency": 4,
            **SMOL,
        }
        for env_id in dialgym.env_ids():
            out = tmp_path / f"{env_id}.jsonl"
            agent = "prompt" if env_id == "Persuasion-v0" else "behavior"
            summary = collect(
                env_id,
                agent,
                episodes=2,
                seed=0,
                out=out,
                batch=2,
                progress=False,
                llm=cfg if agent == "prompt" else None,
                env_kwargs={"user": "llm", "llm": cfg, "max_turns": 2},
            )
            assert summary.written == 2, env_id
            assert all(json.dumps(e.outcome) for e in read_episodes(out))


def test_client_worker_processes_give_the_same_episodes_through_a_faulty_server(tmp_path):
    """``processes=2`` spreads each round of user calls over two spawned client processes (vector env)."""
    transcripts = {}
    for processes in (1, 2):
        llm_user._SHARED.clear()
        with FakeOpenAIServer(role_play_reply, stall_seconds=30, seed=5, **FAULTS) as server:
            cfg = llm_config(server, processes=processes)
            out = tmp_path / f"p{processes}.jsonl"
            summary = collect("Persuasion-v0", "behavior", episodes=6, seed=0, out=out, batch=6, progress=False,
                              env_kwargs={"user": "llm", "llm": cfg, "max_turns": 3})  # fmt: skip
            faults = sum(n for kind, n in server.outcomes.items() if kind != "ok")
            for model in llm_user._SHARED.values():
                model.close()
        eps = read_episodes(out)
        assert summary.written == 6 and all(e.outcome for e in eps) and faults > 0
        transcripts[processes] = [(e.messages, e.outcome) for e in eps]
    assert transcripts[2] == transcripts[1]
