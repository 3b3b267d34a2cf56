"""How hard the fault and abuse suite pushes: a bounded run in CI, the full counts with FAULTS_FULL=1."""

from __future__ import annotations

import os

FULL = os.environ.get("FAULTS_FULL") == "1"


def count(bounded: int, full: int) -> int:
    """Return the full count when FAULTS_FULL=1 is set, else the bounded one."""
    return full if FULL else bounded
