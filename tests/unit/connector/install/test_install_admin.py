from __future__ import annotations

import os
import sys

import pytest

from qbdlink.connector.install.admin import is_administrator, require_administrator
from qbdlink.connector.install.errors import AdministratorRequiredError
from qbdlink.errors import NextStep, UserActionError


def test_an_administrator_passes() -> None:
    require_administrator(lambda: True)


def test_without_administrator_rights_it_says_what_an_administrator_must_do() -> None:
    with pytest.raises(AdministratorRequiredError) as caught:
        require_administrator(lambda: False)
    error = caught.value
    assert isinstance(error, UserActionError)
    assert error.next_step is NextStep.USER_ACTION
    assert error.code == "connector.install.administrator_required"
    assert "administrator" in error.message
    fix = error.fix
    assert "approve the install" in fix
    assert "run QuickBooks as administrator for the first link" in fix
    assert "then close QuickBooks so syncing can start" in fix
    # in that order
    assert fix.index("approve") < fix.index("Run as administrator") < fix.index("close QuickBooks")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX branch")
def test_on_posix_an_administrator_is_root() -> None:
    assert is_administrator() == (os.geteuid() == 0)
