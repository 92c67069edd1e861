"""Deprecated module name (KEEP-BRITISH-SPELLING: the spelling rename leaves this file alone).

It is :mod:`dialgym.tasks.travel.catalog` now (American spelling, issue 13); importing this name still works.
"""

import sys
import warnings

import dialgym.tasks.travel.catalog as _module

warnings.warn(
    "dialgym.tasks.travel.catalogue is deprecated: import dialgym.tasks.travel.catalog (American spelling, issue 13)",
    DeprecationWarning,
    stacklevel=2,
)
sys.modules[__name__] = _module
