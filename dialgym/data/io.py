"""Reading and writing episode files (JSON Lines), crash-safely.

Why the care: collections run for hours and get killed. :class:`EpisodeWriter`
appends each episode as one complete line with a single ``os.write`` on an
``O_APPEND`` descriptor, so a killed process leaves whole lines behind (at worst a
partial last line, which the next writer cuts off before appending). A sidecar
``FILE.meta.json`` records which command and configuration made the file, so a
resumed run can refuse to mix in episodes made differently.
"""

from __future__ import annotations

import itertools
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from dialgym.data.episode import Episode, EpisodeFormatError


class EpisodeFileError(ValueError):
    """A problem with an episode file; the message names the file and the line."""


def meta_path(path: str | os.PathLike[str]) -> Path:
    return Path(f"{os.fspath(path)}.meta.json")


def check_or_write_meta(path: str | os.PathLike[str], meta: dict[str, Any]) -> None:
    """Record ``meta`` beside ``path``, or check that an existing record matches it.

    Raises :class:`EpisodeFileError` when ``path`` was made by another command or
    configuration (resuming it would mix runs), or when ``path`` holds episodes
    but no record (we cannot tell how they were made).
    """
    mp = meta_path(path)
    canonical = json.loads(json.dumps(meta, sort_keys=True))
    if mp.exists():
        existing = json.loads(mp.read_text())
        if existing != canonical:
            diff = sorted(k for k in set(existing) | set(canonical) if existing.get(k) != canonical.get(k))
            detail = "; ".join(f"{k}: file has {existing.get(k)!r}, this run has {canonical.get(k)!r}" for k in diff)
            raise EpisodeFileError(
                f"{path} was made by a different command or configuration ({detail}); "
                "write to a new file, or delete it (and its .meta.json) to start over"
            )
        return
    if Path(path).exists() and Path(path).stat().st_size > 0:
        raise EpisodeFileError(
            f"{path} already holds data but has no {mp.name}; refusing to append a run of unknown provenance"
        )
    tmp = mp.with_suffix(".tmp")
    tmp.write_text(json.dumps(canonical, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, mp)


class EpisodeWriter:
    """Append episodes to a JSONL file; each :meth:`write` is one whole line or nothing.

    ``fsync_every`` seconds the file is also flushed to disk (survives a machine
    crash, not just a killed process); :meth:`close` always syncs.
    """

    def __init__(self, path: str | os.PathLike[str], fsync_every: float = 1.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        repair_partial_line(self.path)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._fsync_every = fsync_every
        self._last_sync = time.monotonic()
        self.written = 0

    def write(self, episode: Episode | dict[str, Any]) -> None:
        record = episode if isinstance(episode, Episode) else Episode.from_dict(episode)
        data = (record.to_json() + "\n").encode("utf-8")
        view = memoryview(data)
        while view:  # a regular-file write is whole in practice; loop for the letter of POSIX
            n = os.write(self._fd, view)
            view = view[n:]
        self.written += 1
        if time.monotonic() - self._last_sync >= self._fsync_every:
            os.fsync(self._fd)
            self._last_sync = time.monotonic()

    def close(self) -> None:
        if self._fd >= 0:
            os.fsync(self._fd)
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> EpisodeWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def repair_partial_line(path: str | os.PathLike[str]) -> int:
    """Cut a partial last line (left by a killed writer); return the bytes removed."""
    p = Path(path)
    if not p.exists() or p.stat().st_size == 0:
        return 0
    with open(p, "rb+") as f:
        size = f.seek(0, os.SEEK_END)
        f.seek(size - 1)
        if f.read(1) == b"\n":
            return 0
        # scan back for the last newline
        pos = size
        chunk = 65536
        while pos > 0:
            start = max(0, pos - chunk)
            f.seek(start)
            block = f.read(pos - start)
            idx = block.rfind(b"\n")
            if idx >= 0:
                keep = start + idx + 1
                f.truncate(keep)
                return size - keep
            pos = start
        f.truncate(0)
        return size


def iter_episodes(
    path: str | os.PathLike[str],
    skip_invalid: bool = False,
    stats: dict[str, int] | None = None,
    remedy: str = "use --skip-invalid to skip such lines",
    include_user_failures: bool = False,
) -> Iterator[Episode]:
    """Yield the episodes of a JSONL file.

    A corrupt line raises :class:`EpisodeFileError` naming the file, the line and
    ``remedy`` (what the calling command offers); with ``skip_invalid`` it is skipped
    and counted in ``stats["invalid"]``.

    Episodes whose simulated user failed for good (``user_failure`` set) are skipped and
    counted in ``stats["user_failures"]`` unless ``include_user_failures``: their reward is
    no outcome, so trainers, exports and hindsight must not learn from it, and skipping here
    keeps every reader safe by default. Resuming writers and the leaderboard ask for them.
    """
    counts = stats if stats is not None else {}
    counts.setdefault("invalid", 0)
    counts.setdefault("user_failures", 0)
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                episode = Episode.from_dict(json.loads(line))
            except (json.JSONDecodeError, EpisodeFormatError, TypeError) as exc:
                if skip_invalid:
                    counts["invalid"] += 1
                    continue
                raise EpisodeFileError(f"{path}:{lineno}: not a valid episode ({exc}); {remedy}") from None
            if episode.user_failure is not None and not include_user_failures:
                counts["user_failures"] += 1
                continue
            yield episode


def open_for_resume(path: str | os.PathLike[str], config: dict[str, Any], command: str) -> set[str]:
    """Prepare ``path`` for appending the output of ``command``; return the ids of the episodes already there.

    The shared start of every resumable writer (collect, hindsight, imagine, import): the folder is made, a
    file from another command or configuration is refused (:func:`check_or_write_meta`), a partial last line
    left by a killed run is cut, and the complete episodes are read. A corrupt line stops it: the writer
    appends to this file, so skipping the line would leave it there for every later reader.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    check_or_write_meta(target, config)
    repair_partial_line(target)
    if not target.exists():
        return set()
    remedy = (
        f"{command} resumes by appending to {target.name} and will not do so past a corrupt line: delete or fix "
        f"the line (`dialgym data stats {target} --skip-invalid` counts such lines), or use a new --out"
    )
    return {e.id for e in iter_episodes(target, remedy=remedy, include_user_failures=True)}


def read_episodes(
    path: str | os.PathLike[str], skip_invalid: bool = False, include_user_failures: bool = False
) -> list[Episode]:
    """All episodes of a file (see :func:`iter_episodes`: user-failed episodes only if asked)."""
    return list(iter_episodes(path, skip_invalid=skip_invalid, include_user_failures=include_user_failures))


def write_episodes(path: str | os.PathLike[str], episodes: Iterable[Episode]) -> int:
    """Write (replace) a file atomically: to a temporary file, then rename."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(p.name + ".tmp")
    n = 0
    with open(tmp, "w", encoding="utf-8") as f:
        for ep in episodes:
            f.write(ep.to_json() + "\n")
            n += 1
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, p)
    return n


def filter_episodes(episodes: Iterable[Episode], predicate: Callable[[Episode], bool]) -> list[Episode]:
    return [e for e in episodes if predicate(e)]


def top_fraction(episodes: Sequence[Episode], fraction: float) -> list[Episode]:
    """The best ``fraction`` of episodes by return (ties broken by id, so it is deterministic)."""
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction={fraction!r} must be in (0, 1]")
    ranked = sorted(episodes, key=lambda e: (-e.reward, e.id))
    return ranked[: max(1, round(len(ranked) * fraction))]


def split_episodes(episodes: Sequence[Episode], fractions: Sequence[float], seed: int = 0) -> list[list[Episode]]:
    """Shuffle with ``seed`` and cut into parts of the given fractions (which must sum to 1)."""
    if abs(sum(fractions) - 1.0) > 1e-9 or any(f < 0 for f in fractions):
        raise ValueError(f"fractions {list(fractions)} must be non-negative and sum to 1")
    order = np.random.default_rng(seed).permutation(len(episodes))
    bounds = np.round(np.cumsum([0, *fractions]) * len(episodes)).astype(int)
    return [[episodes[i] for i in order[a:b]] for a, b in itertools.pairwise(bounds)]


def merge_episodes(*groups: Iterable[Episode]) -> list[Episode]:
    """Concatenate; an id that appears twice raises (merging the same run twice is a mistake)."""
    seen: set[str] = set()
    out: list[Episode] = []
    for group in groups:
        for ep in group:
            if ep.id in seen:
                raise ValueError(f"episode id {ep.id!r} appears in more than one input")
            seen.add(ep.id)
            out.append(ep)
    return out
