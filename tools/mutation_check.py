"""Mutation check: break the core on purpose, one hand-written bug at a time, and see whether a fast test fails.

Why hand-listed mutations instead of mutmut or cosmic-ray: a generic tool makes thousands of mutants of which
most are equivalent or trivially caught, and on 2 CPU cores each costs a test run that imports torch. The bugs
listed here are the ones that matter for what dialgym claims: ILQL's defining rules (the advantage and its
sign, the expectile, the target heads, the TD target), BC's loss and filter, the generation loop's stopping
rule, the scripted users' outcome rules, and the episode and seed derivations that paired evaluation and
replay rest on. Each names the fast tests that should catch it (slow tests are never run here).

How: the repository (the working tree, or a commit with ``--ref``) is copied to a temporary folder; each
mutation replaces one exact snippet (found exactly once) in one file of the copy, runs
``python -m pytest -x -q -m "not slow"`` on its tests there, and restores the file. The copy is imported, not
the editable install: ``PYTHONPATH`` points at the copy and ``dialgym/agents`` and ``dialgym/simulators`` are
linked into it (the install maps those packages to the top-level folders of the original checkout), which the
script verifies before it starts. Tests that already fail on the unmutated copy are deselected (and listed).

A mutation is *killed* when its tests fail, *survived* when they pass. The report (JSON + markdown) is written
after every mutation, so an interrupted run resumes where it stopped (``--force`` reruns everything).

Run::

    python tools/mutation_check.py                       # the working tree -> benchmarks/results/mutation_check.*
    python tools/mutation_check.py --ref 33e6efc --out benchmarks/results/mutation_check_before.json
    python tools/mutation_check.py --only ilql-adv-sign  # one mutation (by name; repeatable)
    python tools/mutation_check.py --list                # the mutations and their tests

Not run in CI (it takes several minutes); ``tests/test_mutation_check.py`` checks that every mutation still
applies to the current source, so the list cannot rot silently.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "benchmarks" / "results" / "mutation_check.json"
#: hang guard per test run, far above the expected time (tens of seconds)
TIMEOUT_S = 1800

ILQL_TESTS = ("tests/agents/test_ilql.py",)
LM_TESTS = ("tests/agents/test_lm.py", "tests/agents/test_ilql.py", "tests/agents/test_bc.py")
BC_TESTS = ("tests/agents/test_bc.py",)
LLM_TESTS = ("tests/llm/test_stable_seed.py", "tests/llm/test_config.py", "tests/llm/test_openai_backend.py")
E2E_TESTS = ("tests/llm/test_llm_users_e2e.py",)
EPISODE_TESTS = ("tests/evaluation", "tests/data/test_collect.py", "tests/test_envs.py")


@dataclass(frozen=True)
class Mutation:
    """One deliberate bug: replace ``old`` (which must occur exactly once in ``path``) by ``new``."""

    name: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]
    what: str


def task_tests(task: str) -> tuple[str, ...]:
    return (f"tests/tasks/test_{task}.py", "tests/test_envs.py")


# fmt: off
MUTATIONS: tuple[Mutation, ...] = (
    # ------------------------------------------------------------------ ILQL: the six of issue 18 first
    Mutation(
        "ilql-adv-sign", "agents/ilql.py",
        "adv = torch.minimum(self.q1_target(h), self.q2_target(h)) - self.v(h)",
        "adv = self.v(h) - torch.minimum(self.q1_target(h), self.q2_target(h))",
        ILQL_TESTS, "advantage sign flipped: V - min Q",
    ),
    Mutation(
        "ilql-tau-ignored", "agents/ilql.py",
        "loss_v = expectile_loss(q_target_min - v_s, config.tau)",
        "loss_v = expectile_loss(q_target_min - v_s, 0.5)",
        ILQL_TESTS, "loss_terms ignores tau (always 0.5)",
    ),
    Mutation(
        "ilql-adv-online-heads", "agents/ilql.py",
        "adv = torch.minimum(self.q1_target(h), self.q2_target(h)) - self.v(h)",
        "adv = torch.minimum(self.q1(h), self.q2(h)) - self.v(h)",
        ILQL_TESTS, "advantage from the online Q heads instead of the target heads",
    ),
    Mutation(
        "ilql-gamma-zero", "agents/ilql.py",
        "target = reward + config.gamma * (1.0 - done) * v_next.detach()",
        "target = reward + 0.0 * (1.0 - done) * v_next.detach()",
        ILQL_TESTS, "myopic TD target (gamma = 0)",
    ),
    Mutation(
        "lm-never-stops", "agents/sampling.py",
        "finished |= torch.isin(nxt, stop)",
        "finished |= torch.zeros_like(finished)",
        (*LM_TESTS, "tests/agents/test_lm_agent.py"), "generation never stops at the end of the agent's turn",
    ),
    Mutation(
        "stable-seed-hash", "dialgym/seeding.py",
        "digest = hashlib.sha256(text.encode()).digest()",
        'digest = (hash(text) & (2**64 - 1)).to_bytes(8, "big")',
        LLM_TESTS, "stable_seed built on hash() (differs between processes)",
    ),
    # ------------------------------------------------------------------ ILQL: more of its rules
    Mutation(
        "ilql-adv-max-heads", "agents/ilql.py",
        "adv = torch.minimum(self.q1_target(h), self.q2_target(h)) - self.v(h)",
        "adv = torch.maximum(self.q1_target(h), self.q2_target(h)) - self.v(h)",
        ILQL_TESTS, "advantage from the max of the two target heads (double Q's pessimism lost)",
    ),
    Mutation(
        "ilql-beta-ignored", "agents/ilql.py",
        "s = logp if beta == 0 else logp + beta * self.advantage(h).float()",
        "s = logp if beta == 0 else logp + self.advantage(h).float()",
        ILQL_TESTS, "beta does not scale the advantage",
    ),
    Mutation(
        "ilql-v-target-online", "agents/ilql.py",
        "q1t = self.q1_target.at(hs, a)",
        "q1t = self.q1.at(hs, a)",
        ILQL_TESTS, "V regresses to the online Q1 instead of the target Q1",
    ),
    Mutation(
        "ilql-no-terminal-mask", "agents/ilql.py",
        "target = reward + config.gamma * (1.0 - done) * v_next.detach()",
        "target = reward + config.gamma * v_next.detach()",
        ILQL_TESTS, "TD target bootstraps past the end of the episode",
    ),
    Mutation(
        "ilql-v-next-not-detached", "agents/ilql.py",
        "target = reward + config.gamma * (1.0 - done) * v_next.detach()",
        "target = reward + config.gamma * (1.0 - done) * v_next",
        ILQL_TESTS, "gradient flows into V through the TD target",
    ),
    Mutation(
        "ilql-expectile-weights-swapped", "agents/ilql.py",
        "weight = torch.where(diff < 0, 1.0 - tau, tau)",
        "weight = torch.where(diff < 0, tau, 1.0 - tau)",
        ILQL_TESTS, "expectile weights swapped (a lower expectile: an implicit min instead of max)",
    ),
    Mutation(
        "ilql-cql-dropped", "agents/ilql.py",
        "loss_cql = F.cross_entropy(q1, action) + F.cross_entropy(q2, action)",
        "loss_cql = 0.0 * q1.sum()",
        ILQL_TESTS, "conservative (CQL) term dropped",
    ),
    Mutation(
        "ilql-awac-sign", "agents/ilql.py",
        "w = torch.exp(config.awac_beta * (q_target_min - v_s.detach()))",
        "w = torch.exp(config.awac_beta * (v_s.detach() - q_target_min))",
        ILQL_TESTS, "AWAC weights the worst actions most",
    ),
    Mutation(
        "ilql-no-polyak", "agents/ilql.py",
        "self.polyak_update()  # after EVERY optimizer step",
        "pass  # targets never updated",
        ILQL_TESTS, "target heads never Polyak-updated",
    ),
    Mutation(
        "ilql-polyak-swapped", "agents/ilql.py",
        "tp.mul_(1.0 - a).add_(p.detach(), alpha=a)",
        "tp.mul_(a).add_(p.detach(), alpha=1.0 - a)",
        ILQL_TESTS, "Polyak step with alpha and 1 - alpha swapped",
    ),
    Mutation(
        "ilql-targets-trainable", "agents/ilql.py",
        "self.q1_target = copy.deepcopy(self.q1).requires_grad_(False)",
        "self.q1_target = copy.deepcopy(self.q1)",
        ILQL_TESTS, "target head Q1 receives gradients",
    ),
    Mutation(
        "ilql-lm-frozen", "agents/ilql.py",
        "return [*self.lm.parameters(), *self.q1.parameters(), *self.q2.parameters(), *self.v.parameters()]",
        "return [*self.q1.parameters(), *self.q2.parameters(), *self.v.parameters()]",
        ILQL_TESTS, "the LM (the policy) left out of the optimizer",
    ),
    # ------------------------------------------------------------ ILQL's transitions and sampling (agents/ilql.py)
    Mutation(
        "lm-state-off-by-one", "agents/ilql.py",
        "state.append(b * T + t - 1)",
        "state.append(b * T + t)",
        LM_TESTS, "an action valued from its own position instead of the state that predicts it",
    ),
    Mutation(
        "lm-next-state-skips-nothing", "agents/ilql.py",
        "next_state.append(b * T + t2 - 1)  # == b*T + t when t2 == t + 1",
        "next_state.append(b * T + t)",
        LM_TESTS, "next state after an utterance is its own last token, not the agent's next turn",
    ),
    Mutation(
        "lm-filter-never-before", "agents/ilql.py",
        'if filter_order == "before":',
        'if filter_order == "never":',
        LM_TESTS, "top-k/top-p not applied before the advantage (samples leave the policy's support)",
    ),
    # ------------------------------------------------------------------ BC and filtered BC
    Mutation(
        "bc-loss-off-by-one", "agents/bc.py",
        'hs = hidden.reshape(-1, hidden.shape[-1])[batch["state"]]',
        'hs = hidden.reshape(-1, hidden.shape[-1])[batch["state"] + 1]',
        BC_TESTS, "BC predicts each action token from its own position",
    ),
    Mutation(
        "bc-filter-keeps-worst", "agents/bc.py",
        "key=lambda i: (-trajectory_return(trajectories[i]), i)",
        "key=lambda i: (trajectory_return(trajectories[i]), i)",
        BC_TESTS, "filtered BC keeps the worst trajectories",
    ),
    Mutation(
        "bc-filter-ignored", "agents/bc.py",
        "kept = top_fraction(trajectories, cfg.top_fraction) if cfg.top_fraction < 1 else list(trajectories)",
        "kept = list(trajectories)",
        BC_TESTS, "filtered BC trains on every trajectory",
    ),
    Mutation(
        "bc-no-optimizer-step", "agents/learner.py",
        "        optimizer.step()\n",
        "        optimizer.zero_grad()\n",
        BC_TESTS, "BC never updates its weights",
    ),
    # ------------------------------------------------------------------ scripted users' dynamics and outcomes
    Mutation(
        "persuasion-unasked-full-donation", "dialgym/tasks/persuasion/user.py",
        "value = round(value * 0.5, 1)",
        "value = round(value * 1.0, 1)",
        task_tests("persuasion"), "a donor who was never asked gives in full",
    ),
    Mutation(
        "persuasion-success-at-zero", "dialgym/tasks/persuasion/user.py",
        "success=donation > 0,",
        "success=donation >= 0,",
        task_tests("persuasion"), "a refusal counts as a success",
    ),
    Mutation(
        "counseling-success-rule", "dialgym/tasks/counseling/user.py",
        "success = drop >= 2 or (final <= 2 and drop >= 1)",
        "success = drop >= 2",
        task_tests("counseling"), "a one-point drop to calm is no success",
    ),
    Mutation(
        "instruction-threshold", "dialgym/tasks/instruction/user.py",
        "understood = c >= THRESHOLD",
        "understood = c >= THRESHOLD + 0.1",
        task_tests("instruction"), "the comprehension threshold moved",
    ),
    Mutation(
        "travel-best-utility", "dialgym/tasks/travel/user.py",
        "utility = float(s.accepted_utility) if accepted else 0.0",
        "utility = float(s.best) if accepted else 0.0",
        task_tests("travel"), "accepting any activity pays the best one's utility",
    ),
    # ------------------------------------------------------------------ episodes, seeds, LLM users
    Mutation(
        "episode-seed-ignores-stream", "dialgym/seeding.py",
        "return int(np.random.SeedSequence([seed, index, stream]).generate_state(1)[0])",
        "return int(np.random.SeedSequence([seed, index]).generate_state(1)[0])",
        EPISODE_TESTS, "env and agent seed streams coincide",
    ),
    Mutation(
        "rollout-last-reward-only", "dialgym/runner.py",
        'slot["reward"] += float(reward)',
        'slot["reward"] = float(reward)',
        EPISODE_TESTS, "the episode return is the last step's reward only",
    ),
    Mutation(
        "rollout-agent-unseeded", "dialgym/runner.py",
        'agents[s].reset(seed=slots[s]["spec"].agent_seed)',
        "agents[s].reset(seed=None)",
        EPISODE_TESTS, "the agent is not reseeded per episode",
    ),
    Mutation(
        "openai-same-sample-seed", "dialgym/llm/openai_backend.py",
        "return stable_seed(params[\"seed\"], conv, sample_id)",
        "return stable_seed(params[\"seed\"], conv, 0)",
        LLM_TESTS, "repeated prompts in a batch get one request seed (identical samples)",
    ),
    Mutation(
        "llm-user-ignores-judge", "simulators/llm_user.py",
        "outcome = self.spec.to_outcome(answer, self.persona, truncated)",
        "outcome = self.spec.to_outcome(_example_answer(fields, 0), self.persona, truncated)",
        E2E_TESTS, "the LLM user's outcome is not the judge's answer",
    ),
)
# fmt: on


#: Why a mutation that survives on the current tests does (shown in the markdown report next to its row).
SURVIVOR_NOTES = {
    "persuasion-success-at-zero": "no Persuasion test reads `success` at all",
    "counseling-success-rule": "Counseling tests check `success` only for a 3-point drop and a seeker who leaves",
    "travel-best-utility": "the Travel test that reads the reward recommends the best activity: both rules agree",
    "rollout-last-reward-only": "equivalent for dialgym's tasks: `DialogueEnv.step` pays 0 until the last step",
}


# ---------------------------------------------------------------------------------------------- the copy
IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".ruff_cache", "runs"
)


def make_copy(repo: Path, ref: str | None, dest: Path) -> str:
    """Copy ``repo`` (its working tree, or commit ``ref``) to ``dest``; return a description of the source."""
    if ref is None:
        shutil.copytree(repo, dest, ignore=IGNORE, symlinks=True)
        head = _git(repo, "rev-parse", "--short", "HEAD")
        dirty = bool(_git(repo, "status", "--porcelain", "--untracked-files=no"))
        return f"working tree at {head}" + (" (with uncommitted changes)" if dirty else "")
    dest.mkdir(parents=True)
    archive = dest.parent / "src.tar"
    with open(archive, "wb") as fh:
        subprocess.run(["git", "-C", str(repo), "archive", ref], stdout=fh, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")
    archive.unlink()
    return f"commit {_git(repo, 'rev-parse', '--short', ref)}"


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout.strip()


def link_packages(copy: Path) -> None:
    """``dialgym.agents`` and ``dialgym.simulators`` live at the top of the repository (see pyproject.toml)."""
    for name in ("agents", "simulators"):
        link = copy / "dialgym" / name
        if not link.exists():
            link.symlink_to(Path("..") / name, target_is_directory=True)


def child_env(copy: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS")}
    env["PYTHONPATH"] = str(copy)
    return env


def check_imports_from(copy: Path) -> None:
    """Fail unless the modules under mutation import from the copy (not the editable install)."""
    modules = sorted({m.path.removesuffix(".py").replace("/", ".") for m in MUTATIONS})
    names = [("dialgym." + m) if m.startswith(("agents.", "simulators.")) else m for m in modules]
    code = "import importlib, json, sys\nprint(json.dumps([importlib.import_module(n).__file__ for n in sys.argv[1:]]))"
    done = subprocess.run([sys.executable, "-c", code, *names], cwd=copy, env=child_env(copy),
                          capture_output=True, text=True, timeout=TIMEOUT_S)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"importing the copy failed:\n{done.stderr}")
    files = json.loads(done.stdout)
    outside = [f for f in files if not Path(f).resolve().is_relative_to(copy.resolve())]
    if outside:
        raise SystemExit(f"these modules import from outside the copy {copy}: {outside}")


# ---------------------------------------------------------------------------------------------- running
FAILED = re.compile(r"^(?:FAILED|ERROR) (\S+)", re.MULTILINE)


def run_tests(copy: Path, tests: list[str], deselect: list[str]) -> tuple[int, str, float]:
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-m", "not slow", "-p", "no:cacheprovider", "-rfE"]
    cmd += [f"--deselect={d}" for d in deselect] + tests
    t0 = time.perf_counter()
    try:
        done = subprocess.run(cmd, cwd=copy, env=child_env(copy), capture_output=True, text=True, timeout=TIMEOUT_S)
        rc, out = done.returncode, done.stdout + done.stderr
    except subprocess.TimeoutExpired as exc:
        rc, out = -1, f"timed out after {TIMEOUT_S} s\n{exc.stdout or ''}"
    return rc, out, time.perf_counter() - t0


def baseline_failures(copy: Path, tests: list[str]) -> list[str]:
    """Node ids that fail on the unmutated copy (without -x, so all of them)."""
    cmd = [sys.executable, "-m", "pytest", "-q", "-m", "not slow", "-p", "no:cacheprovider", "-rfE", *tests]
    done = subprocess.run(cmd, cwd=copy, env=child_env(copy), capture_output=True, text=True, timeout=TIMEOUT_S)
    failed = FAILED.findall(done.stdout)
    if done.returncode not in (0, 1) or (done.returncode == 1 and not failed):
        raise SystemExit(f"the unmutated tests did not run (rc {done.returncode}):\n{done.stdout[-3000:]}")
    return sorted(set(failed))


def apply(text: str, m: Mutation) -> str:
    count = text.count(m.old)
    if count != 1:
        raise ValueError(f"mutation {m.name}: the snippet occurs {count} times in {m.path} (expected exactly once)")
    return text.replace(m.old, m.new)


def drop_bytecode(path: Path) -> None:
    """Stale bytecode could hide a mutation (pyc validation uses mtime at 1 s resolution and the size)."""
    for pyc in (path.parent / "__pycache__").glob(f"{path.stem}.*.pyc"):
        pyc.unlink()


def check_one(copy: Path, m: Mutation, deselect: list[str]) -> dict:
    target = copy / m.path
    original = target.read_text()
    tests = [t for t in m.tests if (copy / t.split("::")[0]).exists()]
    row = {"name": m.name, "path": m.path, "what": m.what, "tests": tests}
    try:
        mutated = apply(original, m)
    except ValueError as exc:
        return {**row, "status": "not-applicable", "detail": str(exc), "seconds": 0.0}
    if not tests:
        return {**row, "status": "no-tests", "detail": "none of its test files exist in this source", "seconds": 0.0}
    target.write_text(mutated)
    drop_bytecode(target)
    try:
        rc, out, seconds = run_tests(copy, tests, deselect)
    finally:
        target.write_text(original)
        drop_bytecode(target)
    failed = FAILED.findall(out)
    if rc == 0:
        status, detail = "survived", "all its tests passed"
    elif rc == 5:
        status, detail = "no-tests", "no tests were collected"
    elif rc == 1 and failed:
        status, detail = "killed", failed[0]
    else:
        status, detail = "killed", f"pytest exit code {rc} (collection error or crash): {out.strip()[-300:]}"
    return {**row, "status": status, "detail": detail, "seconds": round(seconds, 1)}


# ---------------------------------------------------------------------------------------------- report
def write_report(out: Path, report: dict) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(report, indent=2) + "\n")
    os.replace(tmp, out)
    rows = [report["results"][m.name] for m in MUTATIONS if m.name in report["results"]]
    survivors = [r for r in rows if r["status"] != "killed"]
    lines = [
        f"# Mutation check: {report['source']}",
        "",
        f"Written by `tools/mutation_check.py` ({report['date']}). Each row is one deliberate bug applied to a copy",
        "of the repository; its fast tests ran there (`pytest -x -m 'not slow'`). **killed**: a test failed, as it",
        "should. **survived**: every test passed with the bug in place.",
        "",
        f"**{len(rows) - len(survivors)} killed, {len(survivors)} not killed** of {len(rows)} mutations.",
        "",
    ]
    notes = [f"- `{r['name']}`: {SURVIVOR_NOTES[r['name']]}" for r in survivors if r["name"] in SURVIVOR_NOTES]
    if notes:
        lines += ["Why the survivors survive:", "", *notes, ""]
    if report["baseline_failures"]:
        lines += ["Tests that already failed without any mutation (deselected):", ""]
        lines += [f"- `{t}`" for t in report["baseline_failures"]] + [""]
    lines += ["| mutation | file | bug | result | first failing test | s |", "|---|---|---|---|---|---|"]
    for r in rows:
        detail = r["detail"].replace("|", "\\|")
        lines.append(f"| `{r['name']}` | `{r['path']}` | {r['what']} | {r['status']} | {detail} | {r['seconds']} |")
    out.with_suffix(".md").write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, default=ROOT, help="repository to copy (default: this one)")
    parser.add_argument("--ref", help="copy this commit instead of the working tree (e.g. HEAD)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON report; the markdown goes next to it")
    parser.add_argument("--only", action="append", default=[], help="run only this mutation (repeatable)")
    parser.add_argument("--force", action="store_true", help="rerun mutations already in the report")
    parser.add_argument("--list", action="store_true", help="print the mutations and exit")
    parser.add_argument("--report-only", action="store_true", help="rewrite the markdown from the JSON and exit")
    args = parser.parse_args(argv)
    if args.report_only:
        write_report(args.out, json.loads(args.out.read_text()))
        return 0
    if args.list:
        for m in MUTATIONS:
            print(f"{m.name:34s} {m.path:36s} {m.what}  [{' '.join(m.tests)}]")
        return 0
    unknown = sorted(set(args.only) - {m.name for m in MUTATIONS})
    if unknown:
        parser.error(f"unknown mutation(s) {unknown}; see --list")
    todo = [m for m in MUTATIONS if not args.only or m.name in args.only]
    with tempfile.TemporaryDirectory(prefix="dialgym-mutants-") as tmp:
        copy = Path(tmp) / "repo"
        source = make_copy(args.repo.resolve(), args.ref, copy)
        link_packages(copy)
        check_imports_from(copy)
        report = json.loads(args.out.read_text()) if args.out.exists() and not args.force else None
        if report is not None and report.get("source") != source:
            print(f"{args.out} is a report on {report.get('source')!r}, not {source!r}: starting afresh", flush=True)
            report = None
        tests = sorted({t for m in todo for t in m.tests if (copy / t).exists()})
        if report is None:
            print(f"baseline: running the unmutated tests of {source} ...", flush=True)
            report = {"source": source, "date": "", "baseline_failures": baseline_failures(copy, tests), "results": {}}
        report["date"] = time.strftime("%Y-%m-%d")
        deselect = report["baseline_failures"]
        if deselect:
            print(f"baseline: {len(deselect)} test(s) fail without mutation and are deselected: {deselect}", flush=True)
        for k, m in enumerate(todo, 1):
            if m.name in report["results"] and not args.force:
                print(f"[{k}/{len(todo)}] {m.name}: {report['results'][m.name]['status']} (in the report)", flush=True)
                continue
            print(f"[{k}/{len(todo)}] {m.name} ({m.path}) ...", end=" ", flush=True)
            row = check_one(copy, m, deselect)
            report["results"][m.name] = row
            write_report(args.out, report)
            print(f"{row['status']}: {row['detail']} ({row['seconds']} s)", flush=True)
    rows = [report["results"][m.name] for m in MUTATIONS if m.name in report["results"]]
    survivors = [r["name"] for r in rows if r["status"] != "killed"]
    print(f"{len(rows) - len(survivors)}/{len(rows)} killed; not killed: {survivors or 'none'}")
    print(f"report: {args.out} and {args.out.with_suffix('.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
