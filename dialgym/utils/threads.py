"""How many torch threads to use: the cores that are idle now, unless told.

Torch's default is one thread per core. On a machine whose cores are busy with other work
(other users, other jobs, dialgym's own ``--workers``) those threads spin waiting for each
other. Measured on a shared 2-core machine (``benchmarks/torch_threads.py``, results in
``benchmarks/results/torch_threads.json``): with the cores busy, training the tiny model took
6-10x longer with 2 threads than with 1, and SmolLM2-135M generation 1.7x longer (7x in an
earlier run under heavier load); with only other users' load, 2 threads generated 1.36x
faster than 1. Oversubscribing costs far more than
leaving a core idle, so the default follows the cores that are free when the work starts:

    threads = max(1, round(usable cores - 1-minute load average))

Fix it instead with ``--threads N`` (``dialgym train``), ``"threads": N`` (the ``hf`` LLM backend),
``?threads=N`` (``bc:``/``fbc:``/``ilql:`` agents), or ``DIALGYM_THREADS=N`` for everything.
"""

from __future__ import annotations

import os

ENV_VAR = "DIALGYM_THREADS"


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS reports it)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def idle_cores() -> int:
    """Usable cores minus the 1-minute load average, rounded, at least 1."""
    cores = usable_cores()
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # no load average on this platform: assume quiet
        return cores
    return max(1, min(cores, round(cores - load)))


def choose_threads(requested: int | None = None) -> int:
    """``requested`` if given, else ``$DIALGYM_THREADS`` if set, else :func:`idle_cores`."""
    if requested is None:
        raw = os.environ.get(ENV_VAR, "").strip()
        if not raw:
            return idle_cores()
        try:
            requested = int(raw)
        except ValueError:
            raise ValueError(f"{ENV_VAR}={raw!r} must be a positive integer (torch threads)") from None
        source = ENV_VAR
    else:
        source = "threads"
    if isinstance(requested, bool) or not isinstance(requested, int) or requested < 1:
        raise ValueError(f"{source}={requested!r} must be a positive integer (torch threads)")
    return requested


def set_torch_threads(requested: int | None = None) -> int:
    """Set torch's intra-op threads to :func:`choose_threads` ``(requested)``; return the number set."""
    import torch

    n = choose_threads(requested)
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    return n
