"""The link's console output: bars on a terminal, one line per data type elsewhere."""

from __future__ import annotations

import pytest

from qbdlink.connector.cli import ConsoleObserver
from qbdlink.connector.sync.engine import PullProgress


def test_lines_when_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    observer = ConsoleObserver(assume_yes=True, interactive=False)
    observer.progress(PullProgress("invoices", 500, 1, False))
    observer.progress(PullProgress("invoices", 731, 2, True))
    observer.close()
    assert capsys.readouterr().out == "  invoices                  731 records\n"


def test_live_bars_on_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    observer = ConsoleObserver(assume_yes=True, interactive=True)
    observer.progress(PullProgress("customers", 100, 1, False))
    observer.progress(PullProgress("customers", 120, 2, True))
    observer.progress(PullProgress("invoices", 10, 1, True))
    observer.close()
    out = capsys.readouterr().out
    assert "customers" in out and "120 records" in out and "invoices" in out
