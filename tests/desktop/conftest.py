"""Fixtures for the desktop window tests: an Xvfb display, a live platform, a simulated QuickBooks.

The display is ``Xvfb :N -screen 0 1600x1000x24`` on a free display number (Xvfb picks it),
started once per test process and stopped at the end; each test gets ``DISPLAY`` set to it.
Screenshots of each step go to ``tests/artifacts/screenshots/`` (git-ignored), taken with
Pillow's ``ImageGrab`` from the X display.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import subprocess
import tkinter as tk
from collections.abc import Iterator
from pathlib import Path

import pytest

from qbdlink.qbxml import Edition
from qbdlink.qbxml.xsd import QbxmlSchema
from qbdlink.simulator.samples import generate_company
from tests.desktop.helpers import Screenshots, new_root
from tests.support.platform import LivePlatform, live_platform
from tests.support.simulated_quickbooks import SimulatedQuickBooks, simulated_quickbooks

SCREEN = "1600x1000x24"


@pytest.fixture(scope="session")
def xvfb_display() -> Iterator[str]:
    """A running Xvfb on a display number it picks itself (``-displayfd``: no race between
    test processes). scripts/test installs the xvfb package when it is missing."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.fail("Xvfb is not installed: run `bash scripts/test`, which installs it.")
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        [xvfb, "-displayfd", str(write_end), "-screen", "0", SCREEN, "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as announced:
            number = announced.readline().decode().strip()  # written once it listens
        if not number.isdigit():
            pytest.fail(f"Xvfb did not start (exit code {process.poll()})")
        yield f":{number}"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def display(xvfb_display: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DISPLAY", xvfb_display)
    return xvfb_display


@pytest.fixture
def tk_root(display: str) -> Iterator[tk.Tk]:
    """A Tk root for one test.

    Tk objects must be freed in Tk's own thread: a window left in a reference cycle and
    collected by the garbage collector in another thread (the platform's, the simulator's, a
    window's worker) aborts the process ("Tcl_AsyncDelete: async handler deleted by the wrong
    thread"). So automatic collection is off during the test, and the garbage is collected
    here, in the main thread, once the window is gone.
    """
    gc.disable()
    root = new_root()
    try:
        yield root
    finally:
        with contextlib.suppress(tk.TclError):  # the window may have closed itself
            root.destroy()
        del root
        gc.collect()
        gc.enable()


@pytest.fixture
def screenshots(display: str) -> Screenshots:
    return Screenshots(display)


@pytest.fixture(scope="session")
def desktop_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LivePlatform]:
    """One live platform (SQLite: the windows' tests are about the windows, not the database;
    tests/integration covers PostgreSQL) for the whole desktop session."""
    home = tmp_path_factory.mktemp("desktop-platform")
    with live_platform(f"sqlite:///{home / 'platform.sqlite3'}", home) as live:
        yield live


@pytest.fixture(scope="session")
def company_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("company") / "bakery.qbw"
    generate_company(path, edition=Edition.US, size=12, seed=7, company_name="Bakery").close()
    return path


@pytest.fixture
def quickbooks(
    tmp_path: Path, company_template: Path, qbxml_schemas: dict[str, QbxmlSchema]
) -> Iterator[SimulatedQuickBooks]:
    """QuickBooks with Bakery open; its authorisation dialog waits for the test's answer."""
    company = tmp_path / "bakery.qbw"
    shutil.copyfile(company_template, company)
    with simulated_quickbooks(company, qbxml_schemas.__getitem__, auto_authorize=None) as qb:
        yield qb
