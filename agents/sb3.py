"""Online RL on dialogue acts with stable-baselines3 (PPO, DQN), and the agent that plays the result.

The policy chooses *which act* to play each turn (an index into the task's
``act_repertoire``) from a persona-free feature vector of the dialogue so far
(:mod:`dialgym.wrappers`); the task's ``agent_utterance`` phrases it. Why act-level: it
turns a text-to-text problem that SB3 cannot represent into a small discrete MDP that PPO
and DQN solve on a CPU in minutes, and it isolates the question these tasks ask (does the
agent learn to gather information first and adapt?) from the question of writing fluent
text. It is the online-RL reference next to the offline agents (BC, filtered BC, ILQL).

* :class:`PPOActsConfig` holds every setting of a run, one documented field each; ``dialgym train
  ppo-acts`` is generated from it (:mod:`dialgym.utils.dataclass_cli`) and ``config.json`` records it.
* :func:`train_ppo_acts` trains and writes ``model.zip``, ``config.json``,
  ``learning_curve.json`` and ``learning_curve.png`` into one folder.
* :class:`SB3Agent` loads such a folder and implements dialgym's :class:`Agent`
  interface, so it runs in :func:`dialgym.evaluate` and on the CLI (``sb3:PATH``).
* :func:`add_ppo_parser` wires ``dialgym train ppo-acts`` into the CLI.

stable-baselines3 (and torch) are the ``rl`` extra and are imported lazily: importing
this module costs nothing and fails with a clear message only when training or loading.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, ClassVar, Literal, get_args

import numpy as np

from dialgym.core.agent import Agent
from dialgym.core.env import MAX_ACTION_CHARS, PERSONA_SPLITS
from dialgym.core.task import bare_env_id
from dialgym.core.text import normalize_text
from dialgym.registration import dialogue_env
from dialgym.tasks import get_task
from dialgym.utils.dataclass_cli import add_dataclass_arguments, from_namespace, setting
from dialgym.wrappers import FeatureSpec, dialogue_features, make_act_env

Algo = Literal["ppo", "dqn"]
ALGOS: tuple[str, ...] = get_args(Algo)
MODEL_FILE = "model.zip"
CONFIG_FILE = "config.json"
CURVE_JSON = "learning_curve.json"
CURVE_PNG = "learning_curve.png"

#: Defaults that learn Persuasion-v0 and TravelAgent-v0 within 100-300k steps (short
#: episodes, reward at the end); ent_coef 0.02 or n_steps 512 changed nothing measurable.
#: gamma=1: episodes last at most ``max_turns`` steps and only the final outcome pays,
#: so discounting would only bias the agent towards ending early.
PPO_DEFAULTS: dict[str, Any] = {
    "learning_rate": 3e-4,
    "n_steps": 256,
    "batch_size": 256,
    "n_epochs": 10,
    "gamma": 1.0,
    "gae_lambda": 0.95,
    "clip_range": 0.2,
    "ent_coef": 0.01,
    "policy_kwargs": {"net_arch": [128, 128]},
}
DQN_DEFAULTS: dict[str, Any] = {
    "learning_rate": 5e-4,
    "buffer_size": 100_000,
    "learning_starts": 1_000,
    "batch_size": 64,
    "gamma": 1.0,
    "train_freq": 4,
    "gradient_steps": 1,
    "target_update_interval": 1_000,
    "exploration_fraction": 0.3,
    "exploration_final_eps": 0.05,
    "policy_kwargs": {"net_arch": [128, 128]},
}
DEFAULT_N_ENVS: dict[str, int] = {"ppo": 8, "dqn": 4}
#: Episodes the printed "recent mean return" averages over.
RECENT = 200


def _int_or_none(value: Any) -> int | None:
    """``value`` as a plain ``int`` (numpy integers too, so ``config.json`` can store it), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        return None
    return int(value)


@dataclass
class PPOActsConfig:
    """Every setting of ``dialgym train ppo-acts``; the command's options are generated from these fields.

    ``config.json`` in the run folder records it under ``"config"`` (``dataclasses.asdict``), so
    ``PPOActsConfig(**json.load(f)["config"])`` re-runs the same training. The defaults are the command's:
    200k steps learn Persuasion-v0 and TravelAgent-v0 (see :data:`PPO_DEFAULTS`), and a run ends with a
    200-episode evaluation on the test personas.

    The ``n_envs`` envs run in one process (``DummyVecEnv``): the scripted users are fast and the policy is
    tiny, so subprocesses would cost more than they save. ``progress`` is a tqdm bar, or a line every 10%
    without tqdm; torch's thread count is restored after training.
    """

    env_id: str = setting(help="env id, e.g. Persuasion-v0", flag="--env")
    out: str = setting(help="output folder (model.zip, config.json, learning_curve.{json,png})")
    steps: int = setting(200_000, "environment steps (agent turns, summed over the envs) to train for")
    seed: int = setting(0, "seeds stable-baselines3 (python, numpy, torch) and the envs (env i starts at seed + i)")
    algo: Algo = setting("ppo", "the stable-baselines3 algorithm")
    n_envs: int | None = setting(None, "parallel envs in one process (none: ppo 8, dqn 4)")
    env_kwargs: dict[str, Any] = setting(
        default_factory=dict, help="gym.make kwargs for training, a JSON object (empty: the train personas)"
    )
    hyperparams: dict[str, Any] = setting(
        default_factory=dict, help='overrides of the SB3 defaults, a JSON object, e.g. {"ent_coef": 0.02}'
    )
    eval_episodes: int = setting(200, "evaluate on --eval-split afterwards, seed 0 (0: skip)")
    eval_split: Literal["train", "test", "hard"] = setting("test", "personas of that evaluation")
    overwrite: bool = setting(False, "replace an existing model in --out")
    progress: bool = setting(True, "show a progress bar on stderr", off=["--quiet"])
    torch_threads: int | None = setting(
        1,
        "torch CPU threads while training (none: torch's setting); the networks are tiny, so more only add "
        "synchronisation (3x slower on a busy 2-core machine)",
    )

    def __post_init__(self) -> None:
        self.out = os.fspath(self.out)  # a Path is welcome from Python; the record stores text
        if self.algo not in ALGOS:
            raise ValueError(f"PPOActsConfig.algo={self.algo!r} is not supported; expected one of {list(ALGOS)}")
        if self.eval_split not in PERSONA_SPLITS:  # checked now, not after an hour of training
            raise ValueError(
                f"PPOActsConfig.eval_split={self.eval_split!r} is not a split; expected one of {list(PERSONA_SPLITS)}"
            )
        positive = {"steps": self.steps, "n_envs": self.n_envs, "torch_threads": self.torch_threads}
        for name, value in positive.items():
            number = _int_or_none(value)
            if value is None and name != "steps":
                continue
            if number is None or number < 1:
                raise ValueError(f"PPOActsConfig.{name}={value!r} must be a positive integer")
            setattr(self, name, number)
        for name in ("seed", "eval_episodes"):
            number = _int_or_none(getattr(self, name))
            if number is None or (name == "eval_episodes" and number < 0):
                expected = "an integer" if name == "seed" else "an integer >= 0 (0: skip)"
                raise ValueError(f"PPOActsConfig.{name}={getattr(self, name)!r} must be {expected}")
            setattr(self, name, number)
        for name in ("env_kwargs", "hyperparams"):
            value = getattr(self, name)
            if not isinstance(value, dict):
                raise ValueError(f"PPOActsConfig.{name}={value!r} must be a dict (a JSON object on the command line)")
            setattr(self, name, dict(value))  # a copy: the parser's default object is shared between parses
        if "spec" in self.env_kwargs:
            raise ValueError("env_kwargs must not contain 'spec': the feature layout is derived from the task")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PPOActsConfig:
        """The config a run folder recorded; keys this version does not know are ignored, missing ones default."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def _require_sb3() -> Any:
    try:
        import stable_baselines3
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise ImportError(
            "online RL on dialogue acts needs stable-baselines3 (and torch): "
            "pip install 'dialgym[rl]' (install torch's CPU build first if you have no GPU)"
        ) from exc
    return stable_baselines3


def _algo_class(algo: str) -> Any:
    sb3 = _require_sb3()
    if algo not in ALGOS:
        raise ValueError(f"algo={algo!r} is not supported; expected one of {list(ALGOS)}")
    return sb3.PPO if algo == "ppo" else sb3.DQN


# =========================================================================== training
@dataclass
class TrainSummary:
    """What a training run produced (also written into ``config.json`` under ``"result"``).

    ``steps`` is what was trained: PPO collects whole rollouts (``n_steps * n_envs``), so it
    can exceed the requested number by less than one rollout.
    """

    env_id: str
    algo: str
    steps: int
    seed: int
    out: str
    episodes: int
    recent_mean_return: float
    wall_s: float
    cpu_s: float
    steps_per_s: float
    evaluation: dict[str, Any] | None = None
    files: list[str] = field(default_factory=list)

    def format(self) -> str:
        lines = [
            f"{self.algo.upper()} on {self.env_id}: {self.steps} steps, {self.episodes} episodes "
            f"in {self.wall_s:.1f}s wall, {self.cpu_s:.1f}s CPU ({self.steps_per_s:.0f} steps/s, seed={self.seed})",
            f"mean return of the last {min(RECENT, self.episodes)} training episodes: {self.recent_mean_return:.3f}",
        ]
        if self.evaluation:
            ev = self.evaluation
            lines.append(
                f"evaluation ({ev['episodes']} episodes, split={ev.get('persona_split', 'train')}, seed=0): "
                f"mean return {ev['mean_return']:.3f}, 95% CI [{ev['ci95'][0]:.3f}, {ev['ci95'][1]:.3f}], "
                f"success {ev['success_rate']:.2f}"
            )
        lines.append(f"wrote {', '.join(self.files)} to {self.out}")
        return "\n".join(lines)


def _check_positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name}={value!r} must be a positive integer")
    return int(value)


def _progress_callback(total: int, desc: str, show: bool) -> Any:
    """An SB3 callback recording every finished episode (from ``Monitor``) and showing progress."""
    from stable_baselines3.common.callbacks import BaseCallback

    class LearningCurve(BaseCallback):
        def __init__(self) -> None:
            super().__init__()
            self.timesteps: list[int] = []
            self.returns: list[float] = []
            self.lengths: list[int] = []
            self._bar: Any = None
            self._shown = 0
            self._next_print = total // 10

        def _on_training_start(self) -> None:
            if not show:
                return
            try:
                from tqdm.auto import tqdm
            except ImportError:  # pragma: no cover - plain fallback below
                return
            self._bar = tqdm(total=total, desc=desc, file=sys.stderr, dynamic_ncols=True, unit="step", mininterval=0.5)

        def _recent(self) -> float:
            tail = self.returns[-RECENT:]
            return float(np.mean(tail)) if tail else float("nan")

        def _on_step(self) -> bool:
            for info in self.locals.get("infos", ()):
                ep = info.get("episode")
                if isinstance(ep, dict):
                    self.timesteps.append(int(self.num_timesteps))
                    self.returns.append(float(ep["r"]))
                    self.lengths.append(int(ep["l"]))
            if show:
                done = min(int(self.num_timesteps), total)
                if self._bar is not None:
                    if done > self._shown:
                        self._bar.update(done - self._shown)
                        self._shown = done
                        if self.returns and len(self.returns) % 20 == 0:
                            self._bar.set_postfix(episodes=len(self.returns), ret=f"{self._recent():.3f}")
                elif done >= self._next_print:
                    print(
                        f"{desc}: {done}/{total} steps, {len(self.returns)} episodes, "
                        f"recent mean return {self._recent():.3f}",
                        file=sys.stderr,
                        flush=True,
                    )
                    self._next_print += max(total // 10, 1)
            return True

        def _on_training_end(self) -> None:
            if self._bar is not None:
                self._bar.close()

    return LearningCurve()


def _write_json(path: Path, data: Any) -> None:
    """Write JSON through a temporary file so a crash never leaves half a file behind."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n")
    os.replace(tmp, path)


def _plot_curve(path: Path, timesteps: list[int], returns: list[float], title: str) -> bool:
    """Save the learning curve (every episode, and a rolling mean); False when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, ax = plt.subplots(figsize=(7, 4))
    if returns:
        ax.scatter(timesteps, returns, s=2, alpha=0.15, color="tab:blue", label="episode return")
        window = max(1, min(RECENT, len(returns) // 20))
        kernel = np.ones(window) / window
        smooth = np.convolve(np.asarray(returns, dtype=float), kernel, mode="valid")
        ax.plot(timesteps[window - 1 :], smooth, color="tab:red", label=f"rolling mean ({window} episodes)")
        ax.legend(loc="lower right")
    ax.set_xlabel("environment steps (agent turns)")
    ax.set_ylabel("episode return")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def train_ppo_acts(
    env_id: str | None = None,
    steps: int | None = None,
    out: str | os.PathLike[str] | None = None,
    *,
    config: PPOActsConfig | None = None,
    **settings: Any,
) -> TrainSummary:
    """Train PPO (or DQN) on a task's dialogue acts for ``steps`` agent turns; save to ``out``.

    Two forms, one run:

    * ``train_ppo_acts(config=PPOActsConfig(env_id="Persuasion-v0", out="runs/ppo"))`` -- what ``dialgym
      train ppo-acts`` calls; further keywords override the config's fields.
    * ``train_ppo_acts("Persuasion-v0", 200_000, "runs/ppo", seed=1, n_envs=4)`` -- the keyword form builds
      the config from :class:`PPOActsConfig`'s field names; it skips the evaluation unless
      ``eval_episodes`` is given (the command evaluates 200 episodes by default).

    ``out`` receives ``model.zip``, ``config.json`` (the config under ``"config"``, plus what ran: the
    resolved ``n_envs``, the full ``hyperparams`` and the feature layout needed to play the policy),
    ``learning_curve.json`` and ``learning_curve.png``. An existing ``model.zip`` is refused unless
    ``overwrite`` (so a finished run is never clobbered by accident). See :class:`PPOActsConfig` for
    every setting.
    """
    positional: dict[str, Any] = {"env_id": env_id, "steps": steps, "out": out}
    given = {k: v for k, v in positional.items() if v is not None}
    known = {f.name for f in fields(PPOActsConfig)}
    unknown = sorted(set(settings) - known)
    if unknown:
        raise TypeError(f"train_ppo_acts got unknown setting(s) {unknown}; expected some of {sorted(known)}")
    for name in ("env_kwargs", "hyperparams"):  # the keyword API has always taken None for "nothing"
        if name in settings and settings[name] is None:
            settings[name] = {}
    if config is not None:
        cfg = replace(config, **given, **settings)
    else:
        if "env_id" not in given or "out" not in given:
            raise TypeError("train_ppo_acts needs env_id and out, or config=PPOActsConfig(...)")
        cfg = PPOActsConfig(**{"eval_episodes": 0, **given, **settings})
    get_task(cfg.env_id)  # names a bad id before anything heavy happens
    algo_cls = _algo_class(cfg.algo)
    n_envs = DEFAULT_N_ENVS[cfg.algo] if cfg.n_envs is None else cfg.n_envs
    env_kwargs = dict(cfg.env_kwargs)
    params = dict(PPO_DEFAULTS if cfg.algo == "ppo" else DQN_DEFAULTS)
    unknown = sorted(set(cfg.hyperparams) - set(params) - _extra_hyperparams(cfg.algo))
    if unknown:
        raise ValueError(
            f"unknown {cfg.algo} hyperparameters {unknown}; expected some of {sorted(set(params))} "
            "(or another keyword of the stable-baselines3 constructor)"
        )
    params.update(cfg.hyperparams)
    if cfg.algo == "ppo" and params["batch_size"] > params["n_steps"] * n_envs:
        params["batch_size"] = params["n_steps"] * n_envs
    if cfg.algo == "dqn":
        params["learning_starts"] = min(int(params["learning_starts"]), max(cfg.steps // 10, 1))
    out_dir = Path(cfg.out)
    if (out_dir / MODEL_FILE).exists() and not cfg.overwrite:
        raise FileExistsError(f"{out_dir / MODEL_FILE} exists; pass overwrite=True (--overwrite) to replace it")
    out_dir.mkdir(parents=True, exist_ok=True)

    from stable_baselines3.common.env_util import make_vec_env
    from stable_baselines3.common.vec_env import DummyVecEnv

    probe = make_act_env(cfg.env_id, **env_kwargs)
    spec = probe.feature_spec
    probe.close()
    vec_env = make_vec_env(
        lambda: make_act_env(cfg.env_id, spec=spec, **env_kwargs), n_envs=n_envs, seed=cfg.seed, vec_env_cls=DummyVecEnv
    )
    import torch

    threads = torch.get_num_threads()
    if cfg.torch_threads is not None:
        torch.set_num_threads(cfg.torch_threads)
    try:
        model = algo_cls("MlpPolicy", vec_env, seed=cfg.seed, device="cpu", verbose=0, **params)
        callback = _progress_callback(cfg.steps, f"{cfg.algo} on {cfg.env_id}", cfg.progress)
        t0, c0 = time.perf_counter(), time.process_time()
        model.learn(total_timesteps=cfg.steps, callback=callback, progress_bar=False)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    finally:
        torch.set_num_threads(threads)
        vec_env.close()

    model.save(out_dir / MODEL_FILE)
    curve = {"timesteps": callback.timesteps, "returns": callback.returns, "lengths": callback.lengths}
    _write_json(out_dir / CURVE_JSON, curve)
    files = [MODEL_FILE, CONFIG_FILE, CURVE_JSON]
    if _plot_curve(out_dir / CURVE_PNG, callback.timesteps, callback.returns, f"{cfg.algo.upper()} on {cfg.env_id}"):
        files.append(CURVE_PNG)
    recent = callback.returns[-RECENT:]
    summary = TrainSummary(
        env_id=cfg.env_id,
        algo=cfg.algo,
        steps=int(model.num_timesteps),
        seed=cfg.seed,
        out=str(out_dir),
        episodes=len(callback.returns),
        recent_mean_return=float(np.mean(recent)) if recent else float("nan"),
        wall_s=round(wall, 2),
        cpu_s=round(cpu, 2),
        steps_per_s=round(model.num_timesteps / max(wall, 1e-9), 1),
        files=files,
    )
    record = {
        "format": "dialgym-sb3-acts",
        # what ran (read by SB3Agent: algo, feature_spec), then the settings as given
        "env_id": cfg.env_id,
        "algo": cfg.algo,
        "steps": cfg.steps,
        "seed": cfg.seed,
        "n_envs": n_envs,
        "torch_threads": cfg.torch_threads,
        "env_kwargs": env_kwargs,
        "hyperparams": params,
        "feature_spec": spec.to_dict(),
        "versions": _versions(),
        "config": asdict(cfg),
        "result": None,
    }
    _write_json(out_dir / CONFIG_FILE, record)
    if cfg.eval_episodes:
        import dialgym

        eval_kwargs = {k: v for k, v in env_kwargs.items() if k != "persona_split"}
        agent = SB3Agent(cfg.env_id, out_dir, seed=cfg.seed)
        result = dialgym.evaluate(
            agent,
            cfg.env_id,
            episodes=cfg.eval_episodes,
            seed=0,
            persona_split=cfg.eval_split,
            **eval_kwargs,
        )
        summary.evaluation = {**result.summary(), "persona_split": cfg.eval_split}
    record["result"] = asdict(summary)
    _write_json(out_dir / CONFIG_FILE, record)
    return summary


def _extra_hyperparams(algo: str) -> set[str]:
    """Constructor keywords of the SB3 class that may be overridden besides the defaults."""
    import inspect

    params = set(inspect.signature(_algo_class(algo).__init__).parameters)
    return params - {"self", "policy", "env", "seed", "device", "verbose", "_init_setup_model"}


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out: dict[str, str] = {}
    for pkg in ("dialgym", "stable-baselines3", "torch", "gymnasium", "numpy"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "unknown"
    return out


# =========================================================================== the agent
def _parse_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name}={value!r} is not a boolean; expected true/false (or 1/0)")


def _resolve_checkpoint(path: str | os.PathLike[str]) -> tuple[Path, dict[str, Any] | None]:
    """``(model zip, config or None)`` of a training folder or a bare SB3 ``.zip``."""
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(
            f"SB3 checkpoint {str(path)!r} does not exist; expected a folder written by "
            f"`dialgym train ppo-acts` ({MODEL_FILE} + {CONFIG_FILE}) or a stable-baselines3 .zip"
        )
    if p.is_dir():
        model, config_path = p / MODEL_FILE, p / CONFIG_FILE
        if not model.is_file():
            raise FileNotFoundError(
                f"{str(path)!r} holds no {MODEL_FILE}; expected a folder written by `dialgym train ppo-acts`"
            )
    else:
        model, config_path = p, p.parent / CONFIG_FILE
    if not zipfile.is_zipfile(model):
        raise ValueError(f"{str(model)!r} is not a stable-baselines3 checkpoint (not a zip archive)")
    with zipfile.ZipFile(model) as zf:
        names = set(zf.namelist())
    if not {"data", "policy.pth"} <= names:
        raise ValueError(
            f"{str(model)!r} is not a stable-baselines3 checkpoint: expected 'data' and 'policy.pth' inside, "
            f"found {sorted(names)[:6]}"
        )
    config = None
    if config_path.is_file():
        try:
            config = json.loads(config_path.read_text())
        except json.JSONDecodeError as exc:
            raise ValueError(f"{str(config_path)!r} is not valid JSON ({exc})") from None
        if not isinstance(config, dict) or config.get("format") != "dialgym-sb3-acts":
            config = None  # some other tool's config.json: fall back to the model alone
    return model, config


def _algo_of_zip(model: Path) -> str:
    """Guess the algorithm of a bare SB3 zip from its saved policy class."""
    with zipfile.ZipFile(model) as zf:
        data = zf.read("data").decode("utf-8", "replace")
    if "stable_baselines3.dqn" in data:
        return "dqn"
    if "stable_baselines3.common.policies" in data or "stable_baselines3.ppo" in data:
        return "ppo"
    raise ValueError(f"{str(model)!r}: cannot tell PPO from DQN; expected a checkpoint of one of {list(ALGOS)}")


def _prefix_keys(messages: Sequence[dict[str, str]]) -> list[bytes]:
    """Digest of each history prefix: ``keys[i]`` identifies ``messages[: i + 1]``.

    Why digests: the agent remembers, per agent turn, what the user recognised and which
    act it played, keyed by the exact history up to that turn. That keeps :meth:`SB3Agent.act`
    a function of ``(observation, info)`` plus a lookup, so many concurrent episodes
    (``act_batch``) never mix, without quadratic memory.
    """
    keys: list[bytes] = []
    prev = b""
    for m in messages:
        h = hashlib.blake2b(prev, digest_size=16)
        h.update(m["role"].encode())
        h.update(b"\x00")
        h.update(m["content"].encode())
        prev = h.digest()
        keys.append(prev)
    return keys


class SB3Agent(Agent):
    """Plays a policy trained by :func:`train_ppo_acts` through dialgym's Agent interface.

    Each turn it rebuilds the training features from ``info["messages"]`` and the acts
    the user recognised (``info["agent_acts"]``, remembered per turn), picks an act
    index (argmax when ``deterministic``, else sampled with :attr:`rng`) and phrases it
    with the task's ``agent_utterance`` using :attr:`rng`, so runs are reproducible.

    Args:
        env_id: the env the agent plays; must be the one it was trained on.
        path: a training folder (``model.zip`` + ``config.json``) or a bare SB3 zip.
        seed: seeds :attr:`rng` (phrasing, and sampling when not deterministic).
        deterministic: greedy acts (default) or sampled ones (PPO: from the policy;
            DQN: epsilon-greedy with ``epsilon``).
        epsilon: DQN's exploration rate when not deterministic.
        torch_threads: torch threads during the policy's forward pass (restored after);
            None keeps torch's setting.
    """

    name: ClassVar[str] = "sb3"
    #: entries of the per-turn memory kept before it is cleared (bounds memory in long runs)
    MEMORY_LIMIT: ClassVar[int] = 200_000

    def __init__(
        self,
        env_id: str,
        path: str | os.PathLike[str],
        seed: int | None = None,
        deterministic: bool | str = True,
        epsilon: float | str = 0.05,
        torch_threads: int | None = 1,
    ) -> None:
        super().__init__(env_id, seed)
        self.task = get_task(env_id)
        self.deterministic = _parse_bool("deterministic", deterministic)
        self.epsilon = float(epsilon)
        self.torch_threads = None if torch_threads is None else _check_positive_int("torch_threads", torch_threads)
        if not 0.0 <= self.epsilon <= 1.0:
            raise ValueError(f"epsilon={epsilon!r} must lie in [0, 1]")
        model_path, config = _resolve_checkpoint(path)
        self.path = str(path)
        self.config = config or {}
        self.algo = str(self.config.get("algo") or _algo_of_zip(model_path))
        algo_cls = _algo_class(self.algo)
        bare_id = bare_env_id(env_id)
        if config is not None:
            self.feature_spec = FeatureSpec.from_dict(config["feature_spec"])
        else:
            import gymnasium as gym

            probe = gym.make(bare_id)
            self.feature_spec = FeatureSpec.for_task(bare_id, int(dialogue_env(probe).max_turns))
            probe.close()
        if self.feature_spec.env_id != bare_id:
            raise ValueError(f"{self.path!r} was trained on {self.feature_spec.env_id!r}; it cannot play {env_id!r}")
        missing = [a for a in self.feature_spec.actions if a not in self.task.act_repertoire]
        if missing:
            raise ValueError(
                f"{self.path!r} plays acts {missing} that {env_id}'s act repertoire no longer has; retrain it"
            )
        try:
            self.model = algo_cls.load(str(model_path), device="cpu")
        except Exception as exc:  # SB3 raises many types for corrupt or foreign archives
            raise ValueError(
                f"{str(model_path)!r} could not be loaded as a stable-baselines3 {self.algo.upper()} "
                f"checkpoint: {type(exc).__name__}: {exc}"
            ) from exc
        obs_shape = tuple(self.model.observation_space.shape or ())
        n_actions = int(getattr(self.model.action_space, "n", -1))
        if obs_shape != (self.feature_spec.dim,) or n_actions != len(self.feature_spec.actions):
            raise ValueError(
                f"{self.path!r} expects observations of shape {obs_shape} and {n_actions} actions, but {env_id}'s "
                f"dialogue-act features have shape ({self.feature_spec.dim},) and "
                f"{len(self.feature_spec.actions)} acts; it was trained with another feature layout"
            )
        self._acts_memo: dict[bytes, list[str]] = {}
        self._action_memo: dict[bytes, int] = {}
        self.last_features: np.ndarray | None = None
        self.last_action: int | None = None

    # ----------------------------------------------------------------- features
    def features(self, info: dict[str, Any]) -> np.ndarray:
        """The feature vector :class:`dialgym.wrappers.DialogueFeatures` would show for ``info``.

        Also records ``info["agent_acts"]`` for the agent turn it reports on.
        """
        messages = info.get("messages")
        if not isinstance(messages, list):
            raise ValueError(f"SB3Agent needs info['messages'] (the dialogue history), got {type(messages).__name__}")
        keys = _prefix_keys(messages)
        agent_turns = [i for i, m in enumerate(messages) if m["role"] == "assistant"]
        if agent_turns and "agent_acts" in info:
            self._remember(self._acts_memo, keys[agent_turns[-1]], list(info["agent_acts"]))
        turn_acts = [self._acts_memo.get(keys[i]) for i in agent_turns]
        turn_actions = [self._action_memo.get(keys[i]) for i in agent_turns]
        return dialogue_features(self.feature_spec, messages, turn_acts, turn_actions)

    def _remember(self, memo: dict[bytes, Any], key: bytes, value: Any) -> None:
        if len(memo) >= self.MEMORY_LIMIT:
            memo.clear()
        memo[key] = value

    # ----------------------------------------------------------------- acting
    def _choose(self, batch: np.ndarray) -> list[int]:
        import torch

        # One torch thread for these tiny forward passes: extra threads only add
        # synchronisation (on a busy 2-core machine a single-row forward took 18 ms with
        # two threads and well under 1 ms with one). Restored right after.
        threads = torch.get_num_threads()
        if self.torch_threads is not None and threads != self.torch_threads:
            torch.set_num_threads(self.torch_threads)
        try:
            return self._choose_unthreaded(batch)
        finally:
            if torch.get_num_threads() != threads:
                torch.set_num_threads(threads)

    def _choose_unthreaded(self, batch: np.ndarray) -> list[int]:
        import torch

        if self.deterministic:
            actions, _ = self.model.predict(batch, deterministic=True)
            return [int(a) for a in np.asarray(actions).reshape(-1)]
        with torch.no_grad():
            obs_t, _ = self.model.policy.obs_to_tensor(batch)
            if self.algo == "ppo":
                probs = self.model.policy.get_distribution(obs_t).distribution.probs.cpu().numpy()
                probs = probs.astype(np.float64)
                probs /= probs.sum(axis=1, keepdims=True)  # float32 sums miss 1 by more than numpy allows
                return [int(self.rng.choice(probs.shape[1], p=p)) for p in probs]
            q = self.model.q_net(obs_t).cpu().numpy()
        out = []
        for row in q:
            if self.rng.random() < self.epsilon:
                out.append(int(self.rng.integers(len(row))))
            else:
                out.append(int(np.argmax(row)))
        return out

    def _speak(self, info: dict[str, Any], index: int) -> str:
        text = self.task.phrase(self.feature_spec.actions[index], self.rng, info["messages"])
        # Key the act by the history as the env will record it (normalised, cut).
        content = normalize_text(normalize_text(text)[:MAX_ACTION_CHARS])
        history = [*info["messages"], {"role": "assistant", "content": content}]
        self._remember(self._action_memo, _prefix_keys(history)[-1], index)
        return text

    def act(self, observation: str, info: dict[str, Any]) -> str:
        features = self.features(info)
        index = self._choose(features[None, :])[0]
        self.last_features, self.last_action = features, index
        return self._speak(info, index)

    def act_batch(self, observations: Sequence[str], infos: Sequence[dict[str, Any]]) -> list[str]:
        """One policy forward pass for all episodes (phrasing draws follow the episode order)."""
        if len(observations) != len(infos):
            raise ValueError(f"act_batch got {len(observations)} observations but {len(infos)} infos")
        if not infos:
            return []
        batch = np.stack([self.features(i) for i in infos])
        indices = self._choose(batch)
        return [self._speak(info, idx) for info, idx in zip(infos, indices, strict=True)]

    def __repr__(self) -> str:
        return f"<SB3Agent env_id={self.env_id!r} algo={self.algo!r} path={self.path!r}>"


def build_sb3_agent(env_id: str, arg: str | None, seed: int | None, llm: Any = None, **options: Any) -> Agent:
    """The ``sb3:PATH[?deterministic=false&epsilon=0.1]`` agent-spec builder (for ``AGENTS``).

    ``llm`` is accepted and ignored: ``make_agent`` hands every builder the run's LLM
    config, and a leaderboard mixing prompted and SB3 agents must not fail on it.
    """
    if not arg:
        raise ValueError("agent 'sb3' needs a checkpoint: sb3:PATH (a folder written by `dialgym train ppo-acts`)")
    allowed = {"deterministic", "epsilon"}
    unknown = set(options) - allowed
    if unknown:
        raise ValueError(f"agent 'sb3' got unknown options {sorted(unknown)}; expected some of {sorted(allowed)}")
    return SB3Agent(env_id, arg, seed=seed, **options)


# =========================================================================== CLI
def add_ppo_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Add ``ppo-acts`` to the ``dialgym train`` sub-command parsers; return its parser.

    The options are :class:`PPOActsConfig`'s fields (:mod:`dialgym.utils.dataclass_cli`): a new setting is a
    new field, and ``--help`` shows each default.
    """
    p = subparsers.add_parser(
        "ppo-acts",
        help="online RL (PPO or DQN, stable-baselines3) on the task's dialogue acts",
        description="Train PPO/DQN to choose dialogue acts from persona-free dialogue features; "
        "writes model.zip, config.json, learning_curve.{json,png} to --out.",
    )
    add_dataclass_arguments(p, PPOActsConfig)
    p.set_defaults(func=_train_cli)
    return p


def _train_cli(args: argparse.Namespace) -> int:
    summary = train_ppo_acts(config=from_namespace(PPOActsConfig, args))
    print(summary.format())
    return 0


__all__ = [
    "ALGOS",
    "DQN_DEFAULTS",
    "PPO_DEFAULTS",
    "PPOActsConfig",
    "SB3Agent",
    "TrainSummary",
    "add_ppo_parser",
    "build_sb3_agent",
    "train_ppo_acts",
]
