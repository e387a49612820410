"""What both windows share: Tk set up for the display's scaling, and the background worker.

Scaling: ``tk scaling`` (pixels per point) comes from the display's DPI (on Windows the process
is made DPI-aware first, so 150 % reports 144 DPI), or from an explicit factor; every font is
given in points, so text and the window grow together.

Work never runs in Tk's thread: :class:`Worker` runs one job at a time in a background thread,
and the job reports back by posting callables to a queue that the window drains with
``after()`` (Tk is only ever touched from its own thread).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import queue
import sys
import threading
import tkinter as tk
from collections.abc import Callable
from tkinter import font as tkfont
from tkinter import ttk

from qbdlink.connector.ui.presenter import Problem, tk_scaling
from qbdlink.errors import PermanentError, QbdlinkError

log = logging.getLogger("qbdlink.connector.ui")

POLL_MS = 40
BASE_FONT_PT = 10
HEADING_FONT = "QbdlinkHeading"
BOLD_FONT = "QbdlinkBold"


def make_root() -> tk.Tk:
    """A Tk root; on Windows the process is made per-monitor DPI-aware first (sharp text)."""
    if sys.platform == "win32":
        import ctypes

        with contextlib.suppress(AttributeError, OSError):
            ctypes.windll.shcore.SetProcessDpiAwareness(2)
    return tk.Tk(className="qbdlink")


def configure_scaling(root: tk.Misc, factor: float | None = None) -> float:
    """Set ``tk scaling`` from the display DPI (or ``factor``: 1.5 for 150 %) and the fonts in
    points; return the scaling (pixels per point)."""
    scaling = tk_scaling(float(root.winfo_fpixels("1i")), factor)
    root.tk.call("tk", "scaling", scaling)
    for name in ("TkDefaultFont", "TkTextFont", "TkMenuFont", "TkHeadingFont", "TkCaptionFont"):
        tkfont.nametofont(name, root=root).configure(size=BASE_FONT_PT)
    for name, size in ((HEADING_FONT, BASE_FONT_PT + 4), (BOLD_FONT, BASE_FONT_PT)):
        if name in tkfont.names(root):
            tkfont.nametofont(name, root=root).configure(size=size, weight="bold")
        else:
            tkfont.Font(root=root, name=name, size=size, weight="bold")
    style = ttk.Style(root)
    style.configure("Heading.TLabel", font=HEADING_FONT)
    style.configure("Bold.TLabel", font=BOLD_FONT)
    style.configure("Problem.TLabel", foreground="#9b1c1c", font=BOLD_FONT)
    style.configure("Problem.TFrame", relief="solid", borderwidth=1)
    # Tree rows are sized in pixels: make them as tall as the (scaled) text.
    linespace = int(tkfont.nametofont("TkDefaultFont", root=root).metrics("linespace"))
    style.configure("Treeview", rowheight=linespace + round(4 * scaling))
    return scaling


class Worker:
    """One background job at a time; results and reports come back through ``post``."""

    def __init__(self, root: tk.Misc) -> None:
        self.root = root
        self.inbox: queue.Queue[Callable[[], None]] = queue.Queue()
        self._thread: threading.Thread | None = None

    @property
    def busy(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def post(self, callback: Callable[[], None]) -> None:
        """From any thread: run ``callback`` in Tk's thread at the next poll."""
        self.inbox.put(callback)

    def start(self, job: Callable[[], None], on_error: Callable[[QbdlinkError], None]) -> bool:
        """Run ``job`` in the background; a raised error goes to ``on_error`` in Tk's thread."""
        if self.busy:
            return False

        def run() -> None:
            try:
                job()
            except QbdlinkError as error:
                self.post(functools.partial(on_error, error))
            except Exception as exc:  # the window must say something, whatever happened
                log.exception("unexpected error in the window's background work")
                wrapped = PermanentError(
                    f"Unexpected error: {type(exc).__name__}: {exc}",
                    code="connector.ui.unexpected",
                    fix="Close this window and open it again; if it happens again, send "
                    "connector.log to support.",
                )
                self.post(functools.partial(on_error, wrapped))

        self._thread = threading.Thread(target=run, name="qbdlink-window-work", daemon=True)
        self._thread.start()
        return True

    def drain(self) -> int:
        """Run what the background posted; how many callbacks ran."""
        count = 0
        while True:
            try:
                callback = self.inbox.get_nowait()
            except queue.Empty:
                return count
            callback()
            count += 1

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)


class ProblemBox(ttk.Frame):
    """A problem's title, message and fix (hidden when there is none)."""

    def __init__(self, master: tk.Misc, wrap: int) -> None:
        super().__init__(master, style="Problem.TFrame", padding=8)
        self.title = ttk.Label(self, style="Problem.TLabel", wraplength=wrap)
        self.message = ttk.Label(self, wraplength=wrap, justify="left")
        self.fix = ttk.Label(self, wraplength=wrap, justify="left")
        self.title.pack(anchor="w")
        self.message.pack(anchor="w", pady=(4, 0))
        self.fix.pack(anchor="w", pady=(4, 0))

    def show(self, problem: Problem | None) -> None:
        if problem is None:
            for label in (self.title, self.message, self.fix):
                label.configure(text="")
            return
        self.title.configure(text=problem.title)
        self.message.configure(text=problem.message)
        self.fix.configure(text=f"What to do: {problem.fix}" if problem.fix else "")
