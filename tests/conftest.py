"""Suite-wide rules.

Nothing may be skipped: the README's test command installs every extra the tests use
(CPU torch, the llm/hf/serve/rl/data extras, the SmolLM2 model), so a skip can only
mean a broken install that would otherwise pass silently. A skipped test fails the run.
"""

from __future__ import annotations

import pytest


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    if skipped:
        reasons = sorted({str(r.longrepr[-1]) if isinstance(r.longrepr, tuple) else str(r.longrepr) for r in skipped})
        reporter.write_line(f"{len(skipped)} test(s) skipped; skips fail this suite: {reasons}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
