"""The ``dialgym`` command line.

    dialgym eval [ENV_ID ...] [--agent SPEC ...] [--episodes N] [--seed S] [--split SPLIT ...] [--out DIR]
    dialgym collect ENV_ID --agent SPEC --episodes N --seed S --out FILE [--workers W] [--env-kwargs JSON]
    dialgym imagine ENV_ID --llm JSON --n N --seed S --out FILE [--mode auto|turns|whole] [--label target|replay]
    dialgym hindsight IN --factor K --seed S --out OUT [--llm JSON]
    dialgym train {bc,fbc,ilql} --data FILE --model tiny|smollm2-135m|DIR --out DIR [--steps N] [--batch-size B]
        [--lr LR] [--seed S] [--top-fraction F] [--beta B] ...
    dialgym train ppo-acts --env ID --steps N --out DIR [--algo ppo|dqn] [--seed S]
    dialgym play ENV_ID [--as agent|user] [--agent SPEC] [--seed S]
    dialgym data stats FILE [--json]
    dialgym data export FILE --format hf|minari --out PATH
    dialgym data import p4g PATH --out FILE [--skip-invalid] [--persona-split train] [--seed S]

With no arguments ``eval`` runs the reference agents (random, behavior, oracle) on
every registered task and prints a leaderboard table with 95% CIs and normalised
scores (0 = random, 100 = oracle).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

DEFAULT_AGENTS = ("random", "behavior", "oracle")


def _eval(args: argparse.Namespace) -> int:
    import dialgym
    from dialgym.evaluation.leaderboard import format_table, run_leaderboard, success_notes, user_failure_note

    env_ids = args.env_ids or dialgym.env_ids()
    for env_id in env_ids:
        dialgym.get_task(env_id)  # a bad id fails before anything runs
    agents = args.agent or list(DEFAULT_AGENTS)
    refs = None
    if args.reference_scores:
        refs = {k: tuple(v) for k, v in json.loads(args.reference_scores).items()}
    t0 = time.perf_counter()
    entries = run_leaderboard(
        env_ids,
        agents,
        episodes=args.episodes,
        seed=args.seed,
        splits=args.split or ["test"],
        out=args.out,
        env_kwargs=_env_kwargs(args.env_kwargs),
        reference_scores=refs,
        progress=not args.quiet,
        workers=args.workers,
        batch=args.batch,
        llm=_json_object(args.llm, "--llm") or None,
        env_agents=_human_reference(args.human_reference, env_ids),
        include_user_failures=args.include_user_failures,
    )
    print(format_table(entries))
    print("\nsuccess: the share of episodes where, per task,")
    print("\n".join(f"  {line}" for line in success_notes(entries)))
    print(f"u-fail: {user_failure_note(entries)}")
    turns = sum(sum(e.result.turns) for e in entries)
    failed = sum(e.result.user_failure_count for e in entries)
    played = sum(e.result.episodes for e in entries)
    print(
        f"\n{len(entries)} rows, {played} episodes, {turns} agent turns, {failed} user failures "
        f"({100 * failed / played if played else 0.0:.1f}%) "
        f"in {time.perf_counter() - t0:.1f}s (seed={args.seed}; normalised: 0 = random, 100 = oracle)"
    )
    if args.out:
        print(f"wrote {args.out}/leaderboard.json, leaderboard.md, leaderboard.png and the transcripts")
    return 0


def _human_reference(path: str | None, env_ids: Sequence[str]) -> dict[str, list[str]] | None:
    """``--human-reference PATH``: real PersuasionForGood persuaders replayed, as a row of Persuasion's table."""
    if path is None:
        return None
    persuasion = [e for e in env_ids if e.split(":", 1)[-1] == "Persuasion-v0"]
    if not persuasion:
        raise ValueError(f"--human-reference is PersuasionForGood data: it needs Persuasion-v0 among {list(env_ids)}")
    return {persuasion[0]: [f"human-replay:{path}"]}


def _json_object(text: str | None, flag: str) -> dict[str, Any]:
    from dialgym.utils import json_object_arg

    return json_object_arg(text, flag)


def _env_kwargs(text: str | None) -> dict[str, Any]:
    return _json_object(text, "--env-kwargs")


def _collect(args: argparse.Namespace) -> int:
    from dialgym.data.collect import collect

    summary = collect(
        args.env_id,
        args.agent,
        episodes=args.episodes,
        seed=args.seed,
        out=args.out,
        workers=args.workers,
        env_kwargs=_env_kwargs(args.env_kwargs),
        progress=not args.quiet,
        batch=args.batch,
        llm=_json_object(args.llm, "--llm"),
        include_user_failures=args.include_user_failures,
    )
    print(summary)
    return 0


def _imagine(args: argparse.Namespace) -> int:
    from dialgym.data.imagine import imagine

    summary = imagine(
        args.env_id,
        _json_object(args.llm, "--llm"),
        n=args.n,
        seed=args.seed,
        out=args.out,
        personas=args.personas,
        split=args.split,
        turns=args.turns,
        batch=args.batch,
        critique=not args.no_critique,
        progress=not args.quiet,
        mode=args.mode,
        label=args.label,
        revisions=args.revisions,
    )
    print(summary)
    rate = summary.usable_rate
    if rate is not None and rate < args.min_usable:
        # exit 0 would tell a script that data was made; say plainly that it mostly was not, and why
        hint = "try --mode turns" if summary.mode == "whole" else "a larger model usually does better"
        print(
            f"dialgym imagine: only {summary.written} of {summary.written + summary.dropped} new generations were "
            f"usable ({100 * rate:.0f}% < --min-usable {100 * args.min_usable:.0f}%) in {summary.mode} mode: "
            f"{summary.repaired} repaired, {summary.dropped} dropped ({summary.reasons_text()}); {hint}",
            file=sys.stderr,
        )
        return 1
    return 0


def _hindsight(args: argparse.Namespace) -> int:
    from dialgym.data.hindsight import OracleController, PolicyController, SimulatorForwardModel, hindsight

    llm = _json_object(args.llm, "--llm")
    if llm and args.controller is not None:
        raise ValueError(f"--controller {args.controller!r} is for the simulator components; --llm uses the LLM's own")
    controller = args.controller or "adaptive"
    if llm:
        from dialgym.data.hindsight_llm import LLMController, LLMForwardModel, LLMRewardModel
        from dialgym.llm import LLMConfig

        LLMConfig.from_dict(llm)
        parts: dict[str, Any] = {
            "controller": LLMController(llm),
            "forward": LLMForwardModel(llm),
            "reward": LLMRewardModel(llm),
        }
    else:
        parts = {
            "controller": OracleController() if controller == "oracle" else PolicyController(controller),
            "forward": SimulatorForwardModel(continuation=args.continuation),
        }
    summary = hindsight(
        args.input,
        args.out,
        factor=args.factor,
        seed=args.seed,
        skip_invalid=args.skip_invalid,
        progress=not args.quiet,
        config_extra={
            "continuation": args.continuation,
            "llm": llm or None,
            **({"controller": controller} if controller != "oracle" and not llm else {}),
        },
        **parts,
    )
    print(summary)
    return 0


def _data_stats(args: argparse.Namespace) -> int:
    from dialgym.data.io import iter_episodes
    from dialgym.data.stats import episode_stats, format_stats

    counts: dict[str, int] = {}
    stats = episode_stats(list(iter_episodes(args.file, skip_invalid=args.skip_invalid, stats=counts)))
    stats["invalid_lines_skipped"] = counts.get("invalid", 0)
    stats["user_failures_skipped"] = counts.get("user_failures", 0)
    print(json.dumps(stats, indent=2) if args.json else format_stats(stats))
    if counts.get("invalid") and not args.json:
        print(f"skipped {counts['invalid']} invalid line(s)")
    if counts.get("user_failures") and not args.json:
        print(f"skipped {counts['user_failures']} episode(s) whose simulated user failed (user_failure set)")
    return 0


def _data_export(args: argparse.Namespace) -> int:
    from dialgym.data.export import export_hf, export_minari
    from dialgym.data.io import read_episodes

    episodes = read_episodes(args.file, skip_invalid=args.skip_invalid)
    if not episodes:
        raise ValueError(f"{args.file} holds no episodes")
    if args.format == "hf":
        path = export_hf(episodes, args.out, system=not args.no_system)
        print(f"wrote a Hugging Face dataset of {len(episodes)} episodes to {path} (datasets.load_from_disk)")
    else:
        dataset_id = export_minari(
            episodes, args.out, dataset_id=args.dataset_id, overwrite=args.overwrite, code_permalink=args.code_permalink
        )
        print(
            f"wrote Minari dataset {dataset_id!r} ({len(episodes)} episodes) under {args.out} "
            f"(MINARI_DATASETS_PATH={args.out} then minari.load_dataset({dataset_id!r}))"
        )
    return 0


def _data_import_p4g(args: argparse.Namespace) -> int:
    from dialgym.data.p4g import import_p4g

    print(import_p4g(args.path, args.out, skip_invalid=args.skip_invalid, persona_split=args.persona_split,
                     seed=args.seed))  # fmt: skip
    return 0


def _explain(args: argparse.Namespace) -> int:
    from dialgym.explanation import explain, format_explanation

    text = " ".join(args.text)
    if not text.strip():
        raise ValueError("explain needs an utterance, e.g. dialgym explain Persuasion-v0 'Have you heard of them?'")
    print(format_explanation(*explain(args.env_id, text)))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dialgym", description="Goal-directed dialogue environments.")
    sub = parser.add_subparsers(dest="command", required=True)
    ev = sub.add_parser("eval", help="evaluate agents and print a leaderboard table")
    ev.add_argument("env_ids", nargs="*", help="env ids (default: every registered task)")
    ev.add_argument("--agent", action="append", help=f"agent spec, repeatable (default: {', '.join(DEFAULT_AGENTS)})")
    ev.add_argument("--episodes", type=int, default=200)
    ev.add_argument("--seed", type=int, default=0)
    ev.add_argument(
        "--split", action="append", choices=["train", "test", "hard"], help="persona split, repeatable (default test)"
    )
    ev.add_argument("--env-kwargs", default=None, help="JSON object of extra gym.make kwargs")
    ev.add_argument("--out", default=None, help="write leaderboard.{json,md,png} and transcripts here (resumable)")
    ev.add_argument(
        "--reference-scores", default=None, help='JSON {"ENV_ID": [random, oracle]} to normalise without running them'
    )
    ev.add_argument("--workers", type=int, default=1, help="worker processes (scripted users)")
    ev.add_argument("--batch", type=int, default=1, help="episodes in lockstep, one batch of LLM calls per turn")
    ev.add_argument("--llm", default=None, help="JSON LLM config for LLM agents (prompt, prompt:cot, prompt:procot)")
    ev.add_argument(
        "--human-reference",
        default=None,
        metavar="PATH",
        help="PersuasionForGood dialogues (any layout `data import p4g` reads): a Persuasion-v0 row of real "
        "persuaders replayed, showing where real people land on the same scale",
    )
    ev.add_argument(
        "--include-user-failures",
        action="store_true",
        help="score episodes whose LLM user or judge failed for good (as reward 0) instead of leaving them out",
    )
    ev.add_argument("--quiet", action="store_true", help="no progress bars")
    ev.set_defaults(func=_eval)

    xp = sub.add_parser("explain", help="show the acts a task's user hears in an utterance, per sentence, and why")
    xp.add_argument("env_id")
    xp.add_argument("text", nargs="+", help="the utterance (quote it, or pass several words)")
    xp.set_defaults(func=_explain)

    co = sub.add_parser("collect", help="collect episodes of an agent into a JSONL file (resumable)")
    co.add_argument("env_id")
    co.add_argument("--agent", required=True, help="agent spec, e.g. behavior")
    co.add_argument("--episodes", type=int, required=True)
    co.add_argument("--seed", type=int, default=0)
    co.add_argument("--out", required=True)
    co.add_argument("--workers", type=int, default=1, help="parallel worker processes (scripted users)")
    co.add_argument("--batch", type=int, default=1, help="episodes in lockstep, one batch of LLM calls per turn")
    co.add_argument("--llm", default=None, help="JSON LLM config for LLM agents (prompt, prompt:cot, prompt:procot)")
    co.add_argument("--env-kwargs", default=None, help="JSON object of gym.make kwargs")
    co.add_argument(
        "--include-user-failures",
        action="store_true",
        help="count episodes whose LLM user or judge failed for good in the summary's mean (they are written "
        "with user_failure set either way, and readers skip them)",
    )
    co.add_argument("--quiet", action="store_true")
    co.set_defaults(func=_collect)

    im = sub.add_parser("imagine", help="imagine dialogues with an LLM (reasoning, imagination, critique)")
    im.add_argument("env_id")
    im.add_argument("--llm", required=True, help="JSON LLM config, the same dict as the env's llm kwarg")
    im.add_argument("--n", type=int, required=True, help="dialogues to generate")
    im.add_argument("--seed", type=int, default=0)
    im.add_argument("--out", required=True)
    im.add_argument("--personas", choices=["task", "llm"], default="task")
    im.add_argument("--split", choices=["train", "test", "hard"], default="train")
    im.add_argument(
        "--mode",
        choices=["auto", "turns", "whole"],
        default="auto",
        help="turns: one utterance per LLM call, the chat format guaranteed (small models); whole: the model writes "
        "each dialogue at once, then critiques and revises it; auto (default): turns for backend hf or a small "
        "model name (smollm, 135m, 360m), whole otherwise",
    )
    im.add_argument(
        "--label",
        choices=["target", "replay"],
        default=None,
        help="the reward: target (the outcome the dialogue was conditioned on) or replay (the scripted user's "
        "outcome for the imagined agent turns); default replay in turn mode, target in whole mode",
    )
    im.add_argument(
        "--turns", type=int, default=None, help="assistant messages per dialogue (default 4 turn mode, 6 whole)"
    )
    im.add_argument("--batch", type=int, default=8, help="dialogues generated together (one LLM batch per turn)")
    im.add_argument("--no-critique", action="store_true", help="whole mode: skip the LLM critique and revision")
    im.add_argument(
        "--revisions",
        type=int,
        default=3,
        help="turn mode: regenerations of an utterance the critic flags (the last agent message of a dialogue "
        "that has not done the task's work yet: at least 8; 0 turns revision off)",
    )
    im.add_argument(
        "--min-usable",
        type=float,
        default=0.5,
        help="exit 1 when fewer than this share of the new generations were usable (default 0.5)",
    )
    im.add_argument("--quiet", action="store_true")
    im.set_defaults(func=_imagine)

    hs = sub.add_parser("hindsight", help="regenerate episodes with hindsight (simulator-based components)")
    hs.add_argument("input")
    hs.add_argument("--factor", type=int, required=True, help="regenerations per episode")
    hs.add_argument("--seed", type=int, default=0)
    hs.add_argument("--out", required=True)
    hs.add_argument("--continuation", default=None, help="agent spec after the rewritten turn (default: the data's)")
    hs.add_argument(
        "--controller",
        default=None,
        help="agent spec that rewrites the turn: adaptive (persona-blind ask-then-adapt; the default), any agent "
        "spec, or oracle (told the persona: its rewrites skip what the prefix would justify, and trained worse)",
    )
    hs.add_argument("--llm", default=None, help="JSON LLM config: use the LLM-based components instead")
    hs.add_argument("--skip-invalid", action="store_true")
    hs.add_argument("--quiet", action="store_true")
    hs.set_defaults(func=_hindsight)

    from dialgym.agents.sb3 import add_ppo_parser  # light: SB3/torch load only when it runs
    from dialgym.integrations.grpo import add_grpo_parser  # light: TRL/torch load only when it runs
    from dialgym.train import build_train_parser

    train_algorithms = build_train_parser(sub)
    add_ppo_parser(train_algorithms)
    add_grpo_parser(train_algorithms)

    from dialgym.play import add_play_parser

    add_play_parser(sub)

    data = sub.add_parser("data", help="inspect, export and import episode files")
    dsub = data.add_subparsers(dest="data_command", required=True)
    st = dsub.add_parser("stats", help="returns, success, turns, strategies, persona coverage")
    st.add_argument("file")
    st.add_argument("--json", action="store_true")
    st.add_argument("--skip-invalid", action="store_true")
    st.set_defaults(func=_data_stats)
    ex = dsub.add_parser("export", help="export to a Hugging Face dataset or a Minari dataset")
    ex.add_argument("file")
    ex.add_argument("--format", required=True, choices=["hf", "minari"])
    ex.add_argument("--out", required=True)
    ex.add_argument("--dataset-id", default=None, help="Minari dataset id (default dialgym/<task>/<policy>-v0)")
    ex.add_argument("--overwrite", action="store_true")
    ex.add_argument("--no-system", action="store_true", help="hf: no system message with the task description")
    ex.add_argument("--code-permalink", default=None, help="minari: link to the code that made the data")
    ex.add_argument("--skip-invalid", action="store_true")
    ex.set_defaults(func=_data_export)
    im_ = dsub.add_parser("import", help="import real human dialogues as episodes")
    isub = im_.add_subparsers(dest="corpus", required=True)
    p4g = isub.add_parser(
        "p4g", help="PersuasionForGood (full_dialog.csv + full_info.csv, or the JSONL layout) -> Persuasion-v0 episodes"
    )
    p4g.add_argument("path", help="the corpus's FullData folder or full_dialog.csv, or a JSONL file or its folder")
    p4g.add_argument("--out", required=True, help="episode file to write (resumable: finished dialogues are kept)")
    p4g.add_argument("--skip-invalid", action="store_true", help="skip bad dialogues (reported with file:line)")
    p4g.add_argument(
        "--persona-split",
        default="train",
        choices=["train", "test", "hard"],
        help="where each dialogue's simulator stand-in (for hindsight and prefix replay) is drawn from",
    )
    p4g.add_argument("--seed", type=int, default=0, help="seeds the stand-ins (with each dialogue's id)")
    p4g.set_defaults(func=_data_import_p4g)
    return parser


def _user_errors() -> tuple[type[BaseException], ...]:
    """Errors that mean the input or the setup is wrong: printed as one line naming the problem.

    A bad value, a missing file, a missing extra, an LLM endpoint or LLM user that failed for good, a
    missing model package. Anything else (a ``TypeError`` or ``KeyError`` deep in the code) is a bug and keeps its
    traceback, so it can be reported; ``DIALGYM_TRACEBACK=1`` shows the traceback for every error.
    """
    from dialgym.llm.base import LLMError
    from dialgym.simulators.llm_user import LLMUserError
    from dialgym.utils import SetupError

    return (ValueError, FileNotFoundError, FileExistsError, ImportError, LLMError, LLMUserError, SetupError)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:  # `dialgym ... | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        if not isinstance(exc, _user_errors()) or os.environ.get("DIALGYM_TRACEBACK"):
            raise
        print(f"dialgym {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
