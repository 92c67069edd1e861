"""Run ``transformers serve`` on a local model folder as a subprocess (for tests, benchmarks and demos).

Why: it is a real OpenAI-compatible server that works offline, so the ``openai`` backend can be exercised
end to end on a laptop or in CI with the SmolLM2 folder from :func:`dialgym.llm.smollm2_hf_folder`.
The server is pinned to the folder it was started with: requests must name that folder as ``model``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dialgym.utils import SetupError


@dataclass(frozen=True)
class LocalServer:
    """A running server: point the openai backend at ``base_url`` with ``model``."""

    base_url: str
    model: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _transformers_cli() -> list[str]:
    script = Path(sys.executable).parent / "transformers"
    if script.exists():
        return [str(script)]
    found = shutil.which("transformers")
    if found:
        return [found]
    raise SetupError(
        "the 'transformers' command was not found next to this Python or on PATH; "
        "install it with: pip install 'dialgym[hf]' 'transformers[serving]'"
    )


@contextmanager
def transformers_serve(
    folder: str | os.PathLike[str],
    *,
    port: int | None = None,
    startup_timeout: float = 180.0,
    threads: int | None = None,
) -> Iterator[LocalServer]:
    """Start ``transformers serve FOLDER --host 127.0.0.1 --port N --device cpu``, wait until ``/health``
    answers, yield a :class:`LocalServer`, and always stop the process afterwards.

    ``threads`` sets ``OMP_NUM_THREADS`` for the server (useful on a shared, oversubscribed CPU).
    Hub access is switched off (``HF_HUB_OFFLINE=1``) so nothing can be downloaded.
    """
    folder = str(Path(folder).resolve())
    port = port or free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1"}
    if threads is not None:
        env["OMP_NUM_THREADS"] = str(threads)
    log = Path(tempfile.mkstemp(prefix="transformers-serve-", suffix=".log")[1])
    cmd = [*_transformers_cli(), "serve", folder, "--host", "127.0.0.1", "--port", str(port), "--device", "cpu"]
    with log.open("wb") as log_file:
        process = subprocess.Popen(cmd, stdout=log_file, stderr=subprocess.STDOUT, env=env)
    server = LocalServer(f"http://127.0.0.1:{port}/v1", folder, process, log)
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if process.poll() is not None:
                raise SetupError(
                    f"`{' '.join(cmd)}` exited with code {process.returncode} before it was ready; "
                    f"log:\n{server.log_tail()}"
                )
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise SetupError(
                    f"`{' '.join(cmd)}` was not ready after {startup_timeout:.0f} s; log:\n{server.log_tail()}"
                )
            time.sleep(0.5)
        yield server
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.unlink(missing_ok=True)
