"""Progress bars: tqdm when installed (the ``cli`` extra), a quiet fallback otherwise."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


def progress_bar(iterable: Iterable[T], total: int | None = None, desc: str = "", **kwargs: Any) -> Iterator[T]:
    """Wrap ``iterable`` in a progress bar on stderr."""
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - exercised only without the extra
        return _plain(iterable, total, desc)
    return iter(tqdm(iterable, total=total, desc=desc, file=sys.stderr, dynamic_ncols=True, **kwargs))


def _plain(iterable: Iterable[T], total: int | None, desc: str) -> Iterator[T]:
    step = max(1, (total or 100) // 10)
    for i, item in enumerate(iterable, 1):
        yield item
        if i % step == 0 or i == total:
            print(f"{desc}: {i}/{total if total is not None else '?'}", file=sys.stderr, flush=True)
