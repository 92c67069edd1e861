"""Progress reports for long commands, suited to where the output goes.

* On a terminal: a tqdm bar when tqdm is installed (the ``cli`` extra), otherwise one
  line rewritten in place.
* Anywhere else (a log file, CI, a pipe): a line at most every ``DIALGYM_PROGRESS_EVERY``
  seconds (default 30) and one closing line with the count and the time taken. A
  bar redrawn into a log leaves hundreds of lines; a silent job looks hung.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator
from typing import Any, TextIO, TypeVar

T = TypeVar("T")

DEFAULT_LOG_INTERVAL_S = 30.0


def progress_bar(iterable: Iterable[T], total: int | None = None, desc: str = "", **kwargs: Any) -> Iterator[T]:
    """Wrap ``iterable`` in a progress report on stderr (see the module docstring)."""
    stream = sys.stderr
    if not _is_tty(stream):
        return _log_lines(iterable, total, desc, stream, _log_interval())
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - exercised only without the extra
        return _one_line(iterable, total, desc, stream)
    return iter(tqdm(iterable, total=total, desc=desc, file=stream, dynamic_ncols=True, **kwargs))


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or replaced streams
        return False


def _log_interval() -> float:
    raw = os.environ.get("DIALGYM_PROGRESS_EVERY", "")
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_LOG_INTERVAL_S
    except ValueError:
        raise ValueError(f"DIALGYM_PROGRESS_EVERY={raw!r} must be a number of seconds") from None


def _count(i: int, total: int | None) -> str:
    return f"{i}/{total}" if total is not None else str(i)


def _log_lines(iterable: Iterable[T], total: int | None, desc: str, stream: TextIO, every: float) -> Iterator[T]:
    t0 = last = time.monotonic()
    i = 0
    for i, item in enumerate(iterable, 1):
        yield item
        now = time.monotonic()
        if now - last >= every and i != total:
            last = now
            print(f"{desc}: {_count(i, total)} ({now - t0:.0f}s)", file=stream, flush=True)
    print(f"{desc}: {_count(i, total)} done in {time.monotonic() - t0:.1f}s", file=stream, flush=True)


def _one_line(iterable: Iterable[T], total: int | None, desc: str, stream: TextIO) -> Iterator[T]:
    i = 0
    for i, item in enumerate(iterable, 1):
        yield item
        print(f"\r{desc}: {_count(i, total)}", end="", file=stream, flush=True)
    print(file=stream, flush=True)
