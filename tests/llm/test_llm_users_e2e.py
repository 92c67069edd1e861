"""Every task end to end with an LLM-played user, over real HTTP servers on 127.0.0.1 and in-process SmolLM2.

* a fault-injecting OpenAI-compatible server (rate limits, 5xx, stalls, truncated JSON bodies, empty
  messages: a quarter of all calls): every episode completes;
* the replay-only cache: a second run makes zero requests and reproduces the episodes exactly;
* ``transformers serve`` with SmolLM2 and the ``hf`` backend on SmolLM2 (slow): real models play the
  users and the prompted agents.
"""

from __future__ import annotations

import json

import pytest
from fake_openai_server import FakeOpenAIServer, role_play_reply

import dialgym
from dialgym.data.collect import collect
from dialgym.data.io import read_episodes
from dialgym.simulators import llm_user

FAULTS = {"p_429": 0.05, "p_500": 0.04, "p_503": 0.03, "p_stall": 0.03, "p_truncated": 0.05, "p_empty": 0.05}


def llm_config(server, **extra):
    return {
        "backend": "openai",
        "model": "fake",
        "base_url": server.base_url,
        "api_key": "local",
        "concurrency": 8,
        "timeout": 0.5,
        "max_retries": 8,
        "retry_backoff": 0.01,
        "retry_backoff_max": 0.05,
        **extra,
    }


@pytest.fixture(autouse=True)
def fresh_clients():
    llm_user._SHARED.clear()
    yield
    for model in llm_user._SHARED.values():
        model.close()
    llm_user._SHARED.clear()


@pytest.mark.parametrize("env_id", dialgym.env_ids())
def test_every_episode_completes_through_a_faulty_server(env_id, tmp_path):
    with FakeOpenAIServer(role_play_reply, stall_seconds=1.5, seed=3, **FAULTS) as server:
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


def test_prompted_agent_against_llm_user_through_a_faulty_server(tmp_path):
    with FakeOpenAIServer(role_play_reply, stall_seconds=1.5, seed=5, **FAULTS) as server:
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
        with FakeOpenAIServer(role_play_reply, seed=5, **FAULTS) as server:
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
