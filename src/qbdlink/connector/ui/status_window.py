"""The status window (ongoing mode): is syncing working, and Sync now / Pause / Uninstall.

It shows the connection, QuickBooks' state, the last successful sync of each data type, the
queued work and the last error with its fix, all from :class:`~.presenter.StatusView`. Its
buttons call :mod:`.actions` in the background worker (the same engine calls as ``qbdlink
connector sync-now``, ``pause``/``resume`` and ``uninstall``).
"""

from __future__ import annotations

import functools
import logging
import tkinter as tk
from collections.abc import Callable
from tkinter import messagebox, ttk

from qbdlink.connector.app import ConnectorApp
from qbdlink.connector.ui import actions
from qbdlink.connector.ui.presenter import StatusSnapshot, StatusView, explain, window_size
from qbdlink.connector.ui.tkbase import POLL_MS, ProblemBox, Worker, configure_scaling
from qbdlink.errors import QbdlinkError

log = logging.getLogger("qbdlink.connector.ui")

WIDTH_PT, HEIGHT_PT = 520, 440
REFRESH_MS = 60_000
UNINSTALL_QUESTION = (
    "Remove the QuickBooks connector from this computer? Your data stops syncing; the data "
    "already sent stays with {client}."
)


def _ask(question: str) -> bool:
    return bool(messagebox.askyesno("Uninstall", question, icon="warning"))


class StatusWindow:
    """The status window in ``root``. ``confirm`` asks before uninstalling (a dialog by
    default; tests pass a function)."""

    def __init__(
        self,
        root: tk.Tk,
        setup: actions.Setup,
        *,
        scale: float | None = None,
        confirm: Callable[[str], bool] = _ask,
        refresh_ms: int = REFRESH_MS,
        check_quickbooks: bool = True,
    ) -> None:
        self.root = root
        self.setup = setup
        self.confirm = confirm
        self.refresh_ms = refresh_ms
        self.check_quickbooks = check_quickbooks
        self.scaling = configure_scaling(root, scale)
        self.worker = Worker(root)
        self.app: ConnectorApp | None = None
        self.view: StatusView | None = None
        self.note = ""
        self.closed = False
        self.uninstalled = False
        self._was_busy = False
        width, height = window_size(self.scaling, WIDTH_PT, HEIGHT_PT)
        self.wrap = width - round(40 * self.scaling)
        root.title(f"{setup.client_name} – QuickBooks connector status")
        root.geometry(f"{width}x{height}")
        root.minsize(round(width * 0.8), round(height * 0.8))
        root.protocol("WM_DELETE_WINDOW", self.close)
        root.bind("<Escape>", lambda _e: self.close())
        self._build()
        self.refresh()
        self._poll_id = root.after(POLL_MS, self._poll)
        self._refresh_id = root.after(refresh_ms, self._periodic)

    # ---- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        outer = ttk.Frame(self.root, padding=round(12 * self.scaling))
        outer.pack(fill="both", expand=True)
        ttk.Label(outer, text="QuickBooks connector", style="Heading.TLabel").pack(anchor="w")
        grid = ttk.Frame(outer)
        grid.pack(fill="x", pady=(8, 4))
        grid.columnconfigure(1, weight=1)
        self.connection = self._field(grid, 0, "Connection:")
        self.quickbooks = self._field(grid, 1, "QuickBooks:")
        self.queued = self._field(grid, 2, "Queued work:")
        self.table = ttk.Treeview(
            outer, columns=("type", "last", "records"), show="headings", height=8
        )
        for column, text, width in (
            ("type", "Data type", 160),
            ("last", "Last successful sync", 170),
            ("records", "Records", 80),
        ):
            self.table.heading(column, text=text)
            self.table.column(column, width=round(width * self.scaling * 0.75), anchor="w")
        self.table.pack(fill="both", expand=True, pady=(4, 4))
        self.problem_box = ProblemBox(outer, self.wrap)
        self.note_label = ttk.Label(outer, wraplength=self.wrap)
        self.note_label.pack(anchor="w")
        buttons = ttk.Frame(outer)
        buttons.pack(side="bottom", fill="x", pady=(8, 0))
        self.sync_button = ttk.Button(buttons, text="Sync now", command=self.on_sync_now)
        self.pause_button = ttk.Button(
            buttons, text="Pause syncing for 24 hours", command=self.on_pause
        )
        self.uninstall_button = ttk.Button(buttons, text="Uninstall…", command=self.on_uninstall)
        self.close_button = ttk.Button(buttons, text="Close", command=self.close)
        for button in (self.sync_button, self.pause_button, self.uninstall_button):
            button.pack(side="left", padx=(0, 8))
        self.close_button.pack(side="right")

    def _field(self, grid: ttk.Frame, row: int, title: str) -> ttk.Label:
        ttk.Label(grid, text=title, style="Bold.TLabel").grid(
            row=row, column=0, sticky="nw", padx=(0, 8)
        )
        value = ttk.Label(grid, wraplength=round(self.wrap * 0.75), justify="left")
        value.grid(row=row, column=1, sticky="w")
        return value

    # ---- drawing -----------------------------------------------------------------------------

    def show(self, snapshot: StatusSnapshot) -> None:
        view = StatusView.of(snapshot, client_name=self.setup.client_name)
        self.view = view
        self.root.title(view.title)
        self.connection.configure(text=view.connection)
        self.quickbooks.configure(text=view.quickbooks)
        self.queued.configure(text=view.queued)
        self.table.delete(*self.table.get_children())
        for row in view.rows:
            self.table.insert("", "end", values=(row.label, row.last_sync, row.records))
        self.problem_box.show(view.last_error)
        if view.last_error is None:
            self.problem_box.pack_forget()
        elif not self.problem_box.winfo_ismapped():
            self.problem_box.pack(fill="x", pady=(4, 4), before=self.note_label)
        self.pause_button.configure(text=view.pause_label)
        self._enable()

    def _enable(self) -> None:
        busy = self.worker.busy or self.uninstalled
        linked = self.view is not None and self.view.linked
        can_sync = self.view is not None and self.view.can_sync_now and linked
        self.sync_button.state(["!disabled"] if can_sync and not busy else ["disabled"])
        self.pause_button.state(["!disabled"] if linked and not busy else ["disabled"])
        self.uninstall_button.state(["disabled"] if busy else ["!disabled"])
        self.note_label.configure(text=self.note)

    # ---- actions -----------------------------------------------------------------------------

    def _connector(self) -> ConnectorApp:
        if self.app is None:
            self.app = self.setup.app_factory(self.setup.settings)
        return self.app

    def refresh(self, *, check_quickbooks: bool | None = None) -> None:
        check = self.check_quickbooks if check_quickbooks is None else check_quickbooks

        def job() -> None:
            snapshot = actions.read_status(self.setup, self._connector(), check_quickbooks=check)
            self.worker.post(functools.partial(self.show, snapshot))

        self.worker.start(job, self._failed)

    def on_sync_now(self) -> None:
        def job() -> None:
            queued = actions.sync_now(self._connector())
            text = ", ".join(queued) if queued else "nothing new (already queued)"
            self._then_refresh(f"Sync requested: {text}.")

        self._start(job, "Asking for a sync…")

    def on_pause(self) -> None:
        paused = self.view is not None and self.view.paused

        def job() -> None:
            if paused:
                actions.resume(self._connector())
                self._then_refresh("Syncing is on again.")
            else:
                actions.pause(self.setup, self._connector(), 24)
                self._then_refresh(
                    "Syncing is paused for 24 hours: QuickBooks is yours until then."
                )

        self._start(job, "Resuming…" if paused else "Pausing…")

    def on_uninstall(self) -> None:
        question = UNINSTALL_QUESTION.format(client=self.setup.client_name)
        if not self.confirm(question):
            return

        def job() -> None:
            report = actions.uninstall(self.setup, self._connector())
            self.app = None
            self.worker.post(functools.partial(self._uninstalled, len(report.removed)))

        self._start(job, "Removing the connector…")

    def _uninstalled(self, _removed: int) -> None:
        self.uninstalled = True
        self.note = "The connector has been removed from this computer. You can close this window."
        self._enable()

    def _start(self, job: Callable[[], None], note: str) -> None:
        if self.worker.start(job, self._failed):
            self.note = note
            self._enable()

    def _then_refresh(self, note: str) -> None:
        """From the worker: say what was done and read the status again (same job)."""
        assert self.app is not None
        snapshot = actions.read_status(self.setup, self.app, check_quickbooks=False)
        self.worker.post(functools.partial(self._done, note, snapshot))

    def _done(self, note: str, snapshot: StatusSnapshot) -> None:
        self.note = note
        self.show(snapshot)

    def _failed(self, error: QbdlinkError) -> None:
        problem = explain(error)
        self.note = f"{problem.title}: {problem.message} What to do: {problem.fix}"
        self._enable()

    # ---- the loop ----------------------------------------------------------------------------

    def _poll(self) -> None:
        busy = self.worker.busy
        if self.worker.drain() or busy != self._was_busy:
            self._enable()
        self._was_busy = busy
        if not self.closed:
            self._poll_id = self.root.after(POLL_MS, self._poll)

    def _periodic(self) -> None:
        if not self.worker.busy and not self.uninstalled:
            self.refresh()
        if not self.closed:
            self._refresh_id = self.root.after(self.refresh_ms, self._periodic)

    def close(self) -> None:
        self.closed = True
        self.worker.join(10)
        self.worker.drain()
        if self.app is not None:
            self.app.close()
            self.app = None
        try:
            self.root.after_cancel(self._poll_id)
            self.root.after_cancel(self._refresh_id)
            self.root.destroy()
        except tk.TclError:
            pass

    def run(self) -> None:
        self.sync_button.focus_set()
        self.root.mainloop()
