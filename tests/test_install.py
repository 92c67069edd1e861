"""simulators/ and agents/ install as dialgym.simulators and dialgym.agents, never top-level; a regular
install holds every module and data file of the source tree (packages are discovered, not listed)."""

from __future__ import annotations

import importlib.util
import json
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECK = (
    "import importlib.util, json, dialgym.agents, dialgym.simulators;"
    "print(json.dumps([dialgym.agents.__file__, dialgym.simulators.__file__,"
    " importlib.util.find_spec('agents') is None or 'dialgym' not in str(importlib.util.find_spec('agents').origin),"
    " importlib.util.find_spec('simulators') is None]))"
)
#: imports every installed dialgym module; prints the modules and the data files (relative to the package)
INVENTORY = """
import importlib, json, os, dialgym
root = os.path.dirname(dialgym.__file__)
names = []
for d, _, fs in os.walk(root):
    for f in fs:
        if f.endswith(".py") and f != "__main__.py":
            parts = os.path.relpath(os.path.join(d, f[:-3]), root).split(os.sep)
            names.append(".".join(["dialgym", *(p for p in parts if p != "__init__")]))
names.sort()
failed = {}
for name in names:
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed[name] = repr(exc)
data = sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs
              if f.endswith((".json", ".toml")))
print(json.dumps([names, failed, data]))
"""


def source_inventory() -> tuple[set[str], set[str]]:
    """Module names and data files (``*.json``, ``*.toml``) the source tree ships, as installed paths."""
    trees = {"dialgym": ROOT / "dialgym", "dialgym.agents": ROOT / "agents", "dialgym.simulators": ROOT / "simulators"}
    modules, data = set(), set()
    for package, folder in trees.items():
        for path in folder.rglob("*"):
            rel = path.relative_to(folder)
            if "__pycache__" in rel.parts or (package == "dialgym" and rel.parts[0] in ("agents", "simulators")):
                continue
            prefix = package.removeprefix("dialgym").lstrip(".").replace(".", "/")
            if path.suffix == ".py" and path.stem != "__main__":
                parts = rel.with_suffix("").parts
                modules.add(".".join([package, *(parts[:-1] if parts[-1] == "__init__" else parts)]))
            elif path.suffix in (".json", ".toml"):
                data.add(str(Path(prefix) / rel) if prefix else str(rel))
    return modules, data


def test_current_install_maps_the_folders():
    import dialgym.agents
    import dialgym.simulators

    assert Path(dialgym.agents.__file__).parent.name == "agents"
    assert Path(dialgym.simulators.__file__).parent.name == "simulators"
    # no top-level `agents`/`simulators` package comes from this project
    spec = importlib.util.find_spec("simulators")
    assert spec is None or "dialgym" not in str(spec.origin)


@pytest.mark.slow
def test_regular_wheel_install_imports_the_mapped_packages(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
    )
    wheel = next(wheels.glob("dialgym-*.whl"))
    target = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(target)
    py = target / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "--no-deps", "-q", str(wheel)], check=True)
    # The wheel's dependencies (gymnasium, numpy) come from the environment running the tests, which is
    # often itself a venv: ``system_site_packages`` would reach the base interpreter's packages instead.
    # A plain folder line in a .pth puts that folder on sys.path *after* the new venv's own site-packages
    # without running the folder's .pth hooks, so this project's editable install there stays inactive. (Added
    # after the wheel is installed, so pip never sees the outer environment's dialgym.)
    purelib = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    (Path(purelib) / "_test_environment.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    out = subprocess.run([str(py), "-c", CHECK], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    agents_file, simulators_file, no_top_agents, no_top_simulators = json.loads(out.stdout)
    assert str(target) in agents_file and str(target) in simulators_file
    assert agents_file.endswith("dialgym/agents/__init__.py")
    assert no_top_agents and no_top_simulators
    # every module of the source tree is installed and imports; every data file next to the code comes along
    inv = subprocess.run([str(py), "-c", INVENTORY], cwd=tmp_path, capture_output=True, text=True)
    assert inv.returncode == 0, inv.stderr
    names, failed, data = json.loads(inv.stdout)
    modules, files = source_inventory()
    assert not failed
    assert modules - {"dialgym"} <= set(names), sorted(modules - set(names))
    assert files <= set(data) and files, sorted(files - set(data))
    # the README's "Benchmark your own agent" command works from the installed console script, workers included
    mine = f"{ROOT / 'examples' / 'my_agent.py'}:MyAgent"
    cmd = [str(target / "bin" / "dialgym"), "eval", "Persuasion-v0", "--agent", mine, "--agent", "behavior"]
    cmd += ["--agent", "oracle", "--episodes", "20", "--workers", "2"]
    ev = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=1800)  # hang guard only
    assert ev.returncode == 0, ev.stderr
    row = next(line for line in ev.stdout.splitlines() if "my_agent.py:MyAgent" in line)
    assert row.split("]")[1].split()[0].lstrip("-").replace(".", "").isdigit()  # a normalised score, not "-"
