"""Driving the windows from a test: pump Tk's loop, take screenshots, record commands."""

from __future__ import annotations

import time
import tkinter as tk
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PIL import ImageGrab

from qbdlink.connector.install.seams import CommandResult

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT_ROOT / "tests" / "artifacts" / "screenshots"


def pump_until(root: tk.Misc, done: Callable[[], bool], timeout: float = 20.0) -> None:
    """Run Tk's loop until ``done()`` (or fail after ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for the window")
        root.update()
        time.sleep(0.01)


@dataclass
class Screenshots:
    display: str
    taken: list[Path] = field(default_factory=list)

    def take(self, root: tk.Misc, name: str) -> Path:
        """The window (not the whole screen) as ``tests/artifacts/screenshots/<name>.png``."""
        root.update_idletasks()
        root.update()
        x, y = root.winfo_rootx(), root.winfo_rooty()
        width, height = root.winfo_width(), root.winfo_height()
        image = ImageGrab.grab(bbox=(x, y, x + width, y + height), xdisplay=self.display)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        image.save(path)
        self.taken.append(path)
        return path


class RecordingRunner:
    """Commands are recorded, never run (systemctl, schtasks...); every one succeeds."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []
        self.detached: list[tuple[str, ...]] = []

    def run(self, argv: Sequence[str]) -> CommandResult:
        self.calls.append(tuple(argv))
        return CommandResult(0)

    def start_detached(self, argv: Sequence[str]) -> None:
        self.detached.append(tuple(argv))


def new_root() -> tk.Tk:
    root = tk.Tk(className="qbdlink-test")
    # No input method: Xvfb has none, and Tk can crash looking one up for synthetic key events.
    root.tk.call("tk", "useinputmethods", "0")
    return root
