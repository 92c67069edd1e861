"""The benchmark tests load the scripts in ``benchmarks/`` as modules (they are scripts, not a package).

The tests folder has no ``__init__`` files and pytest runs with ``--import-mode=importlib``, so this folder is
put on ``sys.path`` to let the tests import :mod:`benchmark_loader` by name.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
