"""``stable_seed`` keeps its promise: the same seed in every process, whatever ``PYTHONHASHSEED`` is.

Why it matters: the openai backend sends ``stable_seed(seed, conversation, sample_id)`` as the request seed and
the hf backend seeds torch with it, so LLM-user episodes, cache keys and retry jitter replay only if it is the
same in a resumed run, a worker process and tomorrow's run. A seed built on ``hash()`` agrees with itself inside
one process (every in-process test passes) and differs between processes: only another process can catch it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from dialgym.llm.base import stable_seed

CASES = [
    [0, [{"role": "user", "content": "hi"}], 0],
    ["backoff", 7, 3, 1],
    [1, "x", [1, 2]],
]

# sha256 of the canonical JSON, first 31 bits: fixed forever (changing them changes every recorded LLM episode)
GOLDEN = [53479934, 2003169717, 1898602144]


def _seeds_in_a_fresh_process(hash_seed: str) -> list[int]:
    code = (
        "import json, sys\n"
        "from dialgym.llm.base import stable_seed\n"
        "print(json.dumps([stable_seed(*parts) for parts in json.loads(sys.argv[1])]))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(CASES)], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_stable_seed_is_the_same_in_processes_with_different_hash_seeds():
    """Catches: ``stable_seed`` built on ``hash()`` (randomised per process for str and bytes)."""
    here = [stable_seed(*parts) for parts in CASES]
    assert _seeds_in_a_fresh_process("1") == here
    assert _seeds_in_a_fresh_process("2") == here


def test_stable_seed_values_are_pinned():
    """Catches: any change of the derivation (another hash, another byte order, non-canonical JSON), which would
    silently change every request seed and invalidate every cached LLM reply."""
    assert [stable_seed(*parts) for parts in CASES] == GOLDEN
    # canonical JSON: key order does not matter, values do
    assert stable_seed({"a": 1, "b": 2}) == stable_seed({"b": 2, "a": 1}) != stable_seed({"a": 2, "b": 1})
