"""Whether the connector runs with administrator rights, and what to say when it does not.

Windows asks ``shell32.IsUserAnAdmin`` (imported only on Windows, when asked); POSIX checks for
euid 0. Callers take the check as a parameter so tests pass a plain function.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from .errors import AdministratorRequiredError

__all__ = [
    "ADMINISTRATOR_FIX",
    "ADMINISTRATOR_MESSAGE",
    "AdminCheck",
    "is_administrator",
    "require_administrator",
]

AdminCheck = Callable[[], bool]

ADMINISTRATOR_MESSAGE = (
    "The QuickBooks connector must be installed by a Windows administrator of this PC."
)
ADMINISTRATOR_FIX = (
    "Ask an administrator of this PC to: "
    "1. approve the install: run the connector again and accept the Windows prompt that asks "
    "to allow it to make changes (enter an administrator's password if asked); "
    "2. run QuickBooks as administrator for the first link: right-click QuickBooks, choose "
    "'Run as administrator', open the company file, and allow access when QuickBooks asks; "
    "3. then close QuickBooks so syncing can start."
)


def is_administrator() -> bool:
    """True when this process has administrator rights (Windows) or is root (POSIX)."""
    if sys.platform == "win32":
        import ctypes

        try:
            return bool(ctypes.windll.shell32.IsUserAnAdmin())
        except OSError:
            return False
    else:
        return _posix_euid() == 0


def _posix_euid() -> int:
    geteuid = getattr(os, "geteuid", None)
    return int(geteuid()) if geteuid is not None else -1


def require_administrator(check: AdminCheck = is_administrator) -> None:
    """Raise :class:`AdministratorRequiredError` (what an administrator must do) if not admin."""
    if not check():
        raise AdministratorRequiredError(ADMINISTRATOR_MESSAGE, fix=ADMINISTRATOR_FIX)
