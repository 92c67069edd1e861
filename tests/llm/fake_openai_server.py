"""A fake OpenAI-compatible ``/v1/chat/completions`` server with fault injection (stdlib only).

Why a real HTTP server rather than a mocked transport: the retry, timeout and concurrency behaviour of the
openai backend lives in the HTTP path (connection pools, read timeouts, truncated bodies), which only a
real socket exercises. It listens on 127.0.0.1 with an OS-assigned port.

Usage::

    with FakeOpenAIServer(latency=0.05, p_429=0.1, seed=0) as server:
        llm = make_llm({"model": "fake", "base_url": server.base_url})
        ...
        assert server.requests == ...

Run it as a script (``python tests/llm/fake_openai_server.py --latency 0.2``) to serve from another process;
it prints ``READY <base_url>`` once listening.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FAULT_KINDS = ("429", "500", "503", "stall", "truncated", "empty", "no_choices")

ReplyFn = Callable[[list[dict[str, Any]], dict[str, Any]], str]
FaultFn = Callable[[dict[str, Any]], str | None]


def echo_reply(messages: list[dict[str, Any]], body: dict[str, Any]) -> str:
    """Default reply: deterministic in the request, so tests can check order and identity."""
    return f"reply to: {messages[-1]['content']}" if messages else "reply to nothing"


JUDGE_ANSWERS = {
    "donation": '{"donation": 1.0}',
    "final_intensity": '{"final_intensity": 2}',
    "understanding": '{"understanding": "good"}',
    "accepted": '{"accepted": "museum_tour"}',
}


def role_play_reply(messages: list[dict[str, Any]], body: dict[str, Any]) -> str:
    """Plays every dialgym role validly: a judge gets a schema answer, a prompted agent a CoT reply, a user a line."""
    system = messages[0]["content"] if messages and messages[0]["role"] == "system" else ""
    if "impartial judge" in system:
        return next(v for k, v in JUDGE_ANSWERS.items() if f'"{k}"' in messages[-1]["content"])
    if "You are the assistant in this chat" in system:
        return "Thoughts: ask first.\nResponse: Could you tell me a little about yourself?"
    return "Hmm, maybe. I have a few concerns, to be honest."


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default backlog of 5 drops connections when 64 clients connect at once
    fake: FakeOpenAIServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do (matters for throughput)
    disable_nagle_algorithm = True  # headers and body go out in two writes: Nagle + delayed ACK add ~40 ms
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # silence per-request logging
        pass

    def _send(self, status: int, payload: bytes, headers: dict[str, str] | None = None, length: int | None = None):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload) if length is None else length))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(payload)
        self.wfile.flush()

    def do_GET(self) -> None:
        if self.path.rstrip("/") in ("/health", "/v1/health"):
            self._send(200, b'{"status":"ok"}')
        elif self.path.rstrip("/") == "/v1/models":
            self._send(200, json.dumps({"object": "list", "data": [{"id": "fake", "object": "model"}]}).encode())
        else:
            self._send(404, b'{"error":{"message":"not found"}}')

    def do_POST(self) -> None:
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._send(404, b'{"error":{"message":"not found"}}')
            return
        try:
            body = json.loads(raw)
            messages = body["messages"]
        except (ValueError, KeyError, TypeError):
            self._send(400, b'{"error":{"message":"bad request body"}}')
            return
        fake._enter(body)
        try:
            self._respond(fake, body, messages)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. after a stall): nothing to do
        finally:
            fake._leave()

    def _respond(self, fake: FakeOpenAIServer, body: dict[str, Any], messages: list[dict[str, Any]]) -> None:
        fault = fake._pick_fault(body)
        if fake.latency:
            time.sleep(fake.latency)
        if fault == "429":
            self._send(
                429, b'{"error":{"message":"rate limited","type":"rate_limit"}}', {"Retry-After": str(fake.retry_after)}
            )
        elif fault in ("500", "503"):
            self._send(int(fault), b'{"error":{"message":"injected server error"}}')
        elif fault == "stall":
            fake._stop.wait(fake.stall_seconds)  # longer than the client's timeout; interruptible on stop()
            self._send(200, fake._completion(body, messages, ""))
        elif fault == "truncated":
            full = fake._completion(body, messages, fake.reply(messages, body))
            cut = full[: len(full) // 2]
            self._send(200, cut)  # a consistent Content-Length with an incomplete JSON document
        elif fault == "empty":
            self._send(200, fake._completion(body, messages, ""))
        elif fault == "no_choices":
            self._send(200, json.dumps({"id": "chatcmpl-fake", "object": "chat.completion", "choices": []}).encode())
        else:
            self._send(200, fake._completion(body, messages, fake.reply(messages, body)))


class FakeOpenAIServer:
    """OpenAI-compatible test server.

    Args:
        reply: ``reply(messages, body) -> str`` computes the assistant's content (default: echo).
        latency: seconds every request sleeps before answering (models an endpoint's latency).
        p_429, p_500, p_503, p_stall, p_truncated, p_empty, p_no_choices: per-request fault probabilities
            (summing to <= 1), drawn from a ``random.Random(seed)`` in arrival order.
        fault_fn: ``fault_fn(body) -> kind | None`` forces a fault for matching requests (checked first).
        stall_seconds: how long a stalled request hangs (make it longer than the client timeout).
        retry_after: value of the Retry-After header sent with 429s (seconds).
        seed: seed of the fault RNG.
    """

    def __init__(
        self,
        reply: ReplyFn | None = None,
        *,
        latency: float = 0.0,
        p_429: float = 0.0,
        p_500: float = 0.0,
        p_503: float = 0.0,
        p_stall: float = 0.0,
        p_truncated: float = 0.0,
        p_empty: float = 0.0,
        p_no_choices: float = 0.0,
        fault_fn: FaultFn | None = None,
        stall_seconds: float = 2.0,
        retry_after: float = 0,
        seed: int = 0,
    ) -> None:
        self.reply = reply or echo_reply
        self.latency = latency
        self.probabilities = {
            "429": p_429,
            "500": p_500,
            "503": p_503,
            "stall": p_stall,
            "truncated": p_truncated,
            "empty": p_empty,
            "no_choices": p_no_choices,
        }
        if any(p < 0 for p in self.probabilities.values()) or sum(self.probabilities.values()) > 1 + 1e-9:
            raise ValueError(f"fault probabilities must be >= 0 and sum to <= 1, got {self.probabilities}")
        self.fault_fn = fault_fn
        self.stall_seconds = stall_seconds
        self.retry_after = retry_after
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.requests = 0
        self.outcomes: Counter[str] = Counter()
        self.in_flight = 0
        self.max_in_flight = 0
        self.bodies: list[dict[str, Any]] = []
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------------------------

    def start(self) -> FakeOpenAIServer:
        httpd = _Server(("127.0.0.1", 0), _Handler)
        httpd.fake = self
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("server not started")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def reset_counts(self) -> None:
        with self._lock:
            self.requests = 0
            self.outcomes.clear()
            self.max_in_flight = self.in_flight
            self.bodies.clear()

    # -- used by the handler ------------------------------------------------------------------------------

    def _enter(self, body: dict[str, Any]) -> None:
        with self._lock:
            self.requests += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.bodies.append(body)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _pick_fault(self, body: dict[str, Any]) -> str | None:
        forced = self.fault_fn(body) if self.fault_fn is not None else None
        with self._lock:
            u = self._rng.random()  # always drawn, so forced faults do not shift the random sequence
            fault = forced
            if fault is None:
                acc = 0.0
                for kind in FAULT_KINDS:
                    acc += self.probabilities[kind]
                    if u < acc:
                        fault = kind
                        break
            self.outcomes[fault or "ok"] += 1
        return fault

    def _completion(self, body: dict[str, Any], messages: list[dict[str, Any]], content: str) -> bytes:
        prompt_tokens = sum(len(str(m.get("content", "")).split()) for m in messages)
        completion_tokens = len(content.split())
        return json.dumps(
            {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "fake"),
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens,
                },
            }
        ).encode()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--role-play", action="store_true", help="answer as dialgym's users, agents and judges")
    args = parser.parse_args(argv)
    server = FakeOpenAIServer(role_play_reply if args.role_play else None, latency=args.latency).start()
    print(f"READY {server.base_url}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
        sys.exit(0)


if __name__ == "__main__":
    main()
