"""Export episode files to Hugging Face ``datasets`` and to Minari.

* Hugging Face: one row per episode with a TRL-conversational ``messages`` column
  (every message dict has exactly ``role`` and ``content``, so ``datasets`` infers
  one struct type) plus the RL fields. The first message is a ``system`` message
  with the task description, as in dialgym's own training format (``system=False``
  leaves it out), so a model fine-tuned on several tasks knows which one it is in.
  Nested, task-specific dicts (``persona``, ``outcome``, ``env_kwargs``) are stored
  as JSON strings: their keys differ by task, and ``datasets`` would otherwise union
  them and fill ``None``.
* Minari: one Minari episode per dialgym episode, with the Text observations the
  agent saw at each step (rebuilt from the transcript with
  :func:`dialgym.core.env.render_observation`), the utterances as Text actions, and
  the reward on the last step. Built from ``EpisodeBuffer`` objects with
  ``create_dataset_from_buffers`` (Minari's ``DataCollector`` needs jax), in Arrow
  format, and without reference scores (passing only one makes Minari run 100
  rollouts).
"""

from __future__ import annotations

import json
import os
import shutil
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dialgym.core.env import render_observation
from dialgym.data.episode import Episode
from dialgym.registration import dialogue_env


def _require(module: str, extra: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(f"exporting needs the '{module}' package: pip install 'dialgym[{extra}]' ({exc})") from exc


def to_hf_rows(episodes: Sequence[Episode], system: bool = True) -> list[dict[str, Any]]:
    from dialgym.tasks import get_task

    descriptions: dict[str, list[dict[str, str]]] = {}
    for e in episodes:
        if system and e.env_id not in descriptions:
            descriptions[e.env_id] = [{"role": "system", "content": get_task(e.env_id).description}]
    return [
        {
            "id": e.id,
            "task": e.task,
            "env_id": e.env_id,
            "seed": e.seed,
            "messages": descriptions.get(e.env_id, [])
            + [{"role": m["role"], "content": m["content"]} for m in e.messages],
            "reward": float(e.reward),
            "success": bool(e.success),
            "source": e.source,
            "parent_id": e.parent_id,
            "prefix_len": e.prefix_len,
            "policy": e.policy,
            "created": e.created,
            "turns": e.turns,
            "terminated": bool(e.terminated),
            "agent_acts": [list(a) for a in e.agent_acts],
            "persona": json.dumps(e.persona, sort_keys=True),
            "outcome": json.dumps(e.outcome, sort_keys=True),
            "env_kwargs": json.dumps(e.env_kwargs, sort_keys=True),
        }
        for e in episodes
    ]


def to_hf_dataset(episodes: Sequence[Episode], system: bool = True) -> Any:
    """A ``datasets.Dataset`` (TRL conversational ``messages``, led by the task's system message, + RL fields)."""
    datasets = _require("datasets", "data")
    features = datasets.Features(
        {
            "id": datasets.Value("string"),
            "task": datasets.Value("string"),
            "env_id": datasets.Value("string"),
            "seed": datasets.Value("int64"),
            "messages": datasets.List({"role": datasets.Value("string"), "content": datasets.Value("string")}),
            "reward": datasets.Value("float64"),
            "success": datasets.Value("bool"),
            "source": datasets.Value("string"),
            "parent_id": datasets.Value("string"),
            "prefix_len": datasets.Value("int64"),
            "policy": datasets.Value("string"),
            "created": datasets.Value("string"),
            "turns": datasets.Value("int64"),
            "terminated": datasets.Value("bool"),
            "agent_acts": datasets.List(datasets.List(datasets.Value("string"))),
            "persona": datasets.Value("string"),
            "outcome": datasets.Value("string"),
            "env_kwargs": datasets.Value("string"),
        }
    )
    return datasets.Dataset.from_list(to_hf_rows(episodes, system=system), features=features)


def export_hf(episodes: Sequence[Episode], out: str | os.PathLike[str], system: bool = True) -> Path:
    """Save with ``Dataset.save_to_disk``; load back with ``datasets.load_from_disk(out)``."""
    ds = to_hf_dataset(episodes, system=system)
    ds.save_to_disk(os.fspath(out))
    return Path(out)


def export_minari(
    episodes: Sequence[Episode],
    out: str | os.PathLike[str],
    dataset_id: str | None = None,
    overwrite: bool = False,
    code_permalink: str | None = None,
) -> str:
    """Create a Minari dataset under the folder ``out`` (used as MINARI_DATASETS_PATH).

    Returns the dataset id; load it with ``MINARI_DATASETS_PATH=out`` and
    ``minari.load_dataset(id)``. All episodes must come from one env id.
    ``code_permalink``: a link to the code that made the data, stored in the dataset's
    metadata (Minari recommends one; an export cannot know it, so none is the quiet default).
    """
    minari = _require("minari", "data")
    import gymnasium as gym
    from minari.data_collector import EpisodeBuffer

    import dialgym  # noqa: F401  (registers the envs for the spec)

    env_ids = sorted({e.env_id for e in episodes})
    if len(env_ids) != 1:
        raise ValueError(f"a Minari dataset holds one environment; these episodes come from {env_ids}")
    env_id = env_ids[0]
    kwargs = episodes[0].env_kwargs
    env = gym.make(env_id, **kwargs)
    description = dialogue_env(env).description
    task = dialogue_env(env).task_id
    dataset_id = dataset_id or f"dialgym/{task}/{_slug(episodes[0].policy or 'data')}-v0"
    buffers = []
    for i, e in enumerate(episodes):
        observations = step_observations(e, description)
        actions = [m["content"] for m in e.messages if m["role"] == "assistant"]
        n = len(actions)
        rewards = [0.0] * n
        rewards[-1] = float(e.reward)
        buffers.append(
            EpisodeBuffer(
                id=i,
                seed=e.seed,
                observations=observations,
                actions=actions,
                rewards=rewards,
                terminations=[False] * (n - 1) + [bool(e.terminated)],
                truncations=[False] * (n - 1) + [not bool(e.terminated)],
                infos=None,
            )
        )
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    previous = os.environ.get("MINARI_DATASETS_PATH")
    os.environ["MINARI_DATASETS_PATH"] = str(root.resolve())
    target = root / dataset_id
    try:
        if target.exists():
            if not overwrite:
                raise FileExistsError(f"Minari dataset {dataset_id!r} already exists in {root}; pass overwrite=True")
            shutil.rmtree(target)
        try:
            with warnings.catch_warnings():
                # Minari nags about metadata that an export cannot know (author, e-mail, code link).
                warnings.filterwarnings("ignore", message=r"`(author|author_email|code_permalink)` is set to None")
                minari.create_dataset_from_buffers(
                    dataset_id=dataset_id,
                    buffer=buffers,
                    env=env.spec,
                    eval_env=env.spec,
                    algorithm_name=episodes[0].policy or None,
                    action_space=env.action_space,
                    observation_space=env.observation_space,
                    description=f"dialgym {env_id} episodes ({len(episodes)}), exported from JSONL.",
                    data_format="arrow",
                    code_permalink=code_permalink,
                )
        except BaseException:
            # A failed create leaves a partial folder behind: never leave it half-written.
            shutil.rmtree(target, ignore_errors=True)
            raise
    finally:
        if previous is None:
            os.environ.pop("MINARI_DATASETS_PATH", None)
        else:
            os.environ["MINARI_DATASETS_PATH"] = previous
        env.close()
    return dataset_id


def step_observations(episode: Episode, description: str) -> list[str]:
    """The observation before each agent turn, then the final one: ``turns + 1`` strings."""
    msgs = episode.messages
    starts = [k for k, m in enumerate(msgs) if m["role"] == "assistant"]
    # before agent turn j the agent saw msgs[:starts[j]]; at the end it sees everything
    # TODO(core/env.py owner): render_observation should take an episode record's dict[str, str] messages
    return [render_observation(description, msgs[:s]) for s in starts] + [render_observation(description, msgs)]  # type: ignore[arg-type]


def _slug(text: str) -> str:
    keep = "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")
    return "-".join(p for p in keep.split("-") if p) or "data"


__all__ = ["export_hf", "export_minari", "to_hf_dataset", "to_hf_rows"]
