"""Old names that still work, with a warning: one implementation for every renamed module attribute.

Why a helper: a rename (issue 13 gave identifiers one, American, spelling) must not break code written
against the old name, and each module that keeps old names needs the same module-level ``__getattr__``
(PEP 562). Written once here, every alias warns the same way and an unknown name stays an AttributeError.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from typing import Any


def renamed_attributes(
    module: str, namespace: Mapping[str, Any], renamed: Mapping[str, str], why: str = "American spelling, issue 13"
) -> Callable[[str], object]:
    """A module ``__getattr__`` that serves each old name in ``renamed`` (old -> new) with a DeprecationWarning.

    Use: ``def __getattr__(name): return _renamed(name)`` with ``_renamed = renamed_attributes(__name__,
    globals(), {"OLD": "NEW"})``; ``namespace`` is read when the old name is asked for, so the new name may be
    defined after the call.
    """

    def lookup(name: str) -> object:
        new = renamed.get(name)
        if new is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        message = f"{module}.{name} is deprecated: it is spelled {new} now ({why})"
        warnings.warn(message, DeprecationWarning, stacklevel=3)
        return namespace[new]

    return lookup
