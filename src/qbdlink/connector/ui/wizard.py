"""The setup wizard: licence key and Install, installing and verifying, region and "Link with
<company>", QuickBooks' authorisation, the first link, done.

A thin layer: each step is a frame drawn from :class:`~.presenter.WizardModel`; each button
calls an engine function through :mod:`.actions` in the background :class:`~.tkbase.Worker`;
the wizard is the link's :class:`~qbdlink.connector.link.LinkObserver` (its methods run in the
worker thread and only post to the window's queue).
"""

from __future__ import annotations

import functools
import logging
import queue
import tkinter as tk
from tkinter import ttk

from qbdlink.connector.app import ConnectorApp
from qbdlink.connector.sync.engine import PullProgress
from qbdlink.connector.ui import actions
from qbdlink.connector.ui.presenter import REGION_CHOICES, Step, WizardModel, window_size
from qbdlink.connector.ui.tkbase import (
    POLL_MS,
    ProblemBox,
    Worker,
    configure_scaling,
)
from qbdlink.errors import QbdlinkError
from qbdlink.model import wire

log = logging.getLogger("qbdlink.connector.ui")

WIDTH_PT, HEIGHT_PT = 500, 420


class SetupWizard:
    """The wizard in ``root`` (a ``tk.Tk``). ``run()`` enters Tk's loop; tests drive it by
    invoking its buttons and pumping ``root.update()``."""

    def __init__(
        self,
        root: tk.Tk,
        setup: actions.Setup,
        *,
        scale: float | None = None,
        licence_key: str | None = None,
    ) -> None:
        self.root = root
        self.setup = setup
        self.scaling = configure_scaling(root, scale)
        layout = setup.settings.layout
        self.model = WizardModel(
            client_name=setup.client_name,
            install_dir=str(layout.program_dir),
            app_name=setup.settings.app_name,
            licence_key=licence_key or setup.prefilled_licence_key(),
        )
        self.worker = Worker(root)
        self.app: ConnectorApp | None = None
        self._answers: queue.Queue[bool] | None = None
        width, height = window_size(self.scaling, WIDTH_PT, HEIGHT_PT)
        self.wrap = width - round(40 * self.scaling)
        root.title(self.model.title)
        root.geometry(f"{width}x{height}")
        root.minsize(round(width * 0.8), round(height * 0.8))
        root.protocol("WM_DELETE_WINDOW", self.close)
        root.bind("<Return>", self._on_return)
        root.bind("<KP_Enter>", self._on_return)
        root.bind("<Escape>", self._on_escape)
        self._build()
        self.render()
        self._poll_id = root.after(POLL_MS, self._poll)

    # ---- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        outer = ttk.Frame(self.root, padding=round(12 * self.scaling))
        outer.pack(fill="both", expand=True)
        self.step_label = ttk.Label(outer)
        self.step_label.pack(anchor="w")
        self.heading = ttk.Label(outer, style="Heading.TLabel")
        self.heading.pack(anchor="w", pady=(0, 8))
        self.body = ttk.Frame(outer)
        self.body.pack(fill="both", expand=True)
        self.problem_box = ProblemBox(outer, self.wrap)
        footer = ttk.Frame(outer)
        footer.pack(side="bottom", fill="x", pady=(8, 0))
        self.primary = ttk.Button(footer, command=self.on_primary, default="active")
        self.primary.pack(side="right")
        self.secondary = ttk.Button(footer, command=self.on_secondary)
        self._problem_anchor = footer
        self.frames: dict[Step, ttk.Frame] = {step: ttk.Frame(self.body) for step in Step}

        licence = self.frames[Step.LICENCE]
        ttk.Label(licence, text="Licence key (from your Link page):").pack(anchor="w")
        self.key_var = tk.StringVar(value=self.model.licence_key)
        self.key_entry = ttk.Entry(licence, textvariable=self.key_var, width=40)
        self.key_entry.pack(anchor="w", fill="x", pady=(2, 8))
        self.key_var.trace_add("write", lambda *_: self._key_changed())
        self.install_dir = ttk.Label(licence, wraplength=self.wrap, justify="left")
        self.install_dir.pack(anchor="w")

        installing = self.frames[Step.INSTALLING]
        ttk.Label(installing, text="Installing").pack(anchor="w")
        self.install_bar = ttk.Progressbar(installing, maximum=100)
        self.install_bar.pack(fill="x", pady=(2, 8))
        ttk.Label(installing, text="Verifying files").pack(anchor="w")
        self.verify_bar = ttk.Progressbar(installing, maximum=100)
        self.verify_bar.pack(fill="x", pady=(2, 8))
        self.verify_note = ttk.Label(installing)
        self.verify_note.pack(anchor="w")

        region = self.frames[Step.REGION]
        ttk.Label(
            region,
            text="Where is your data kept? Choose the region shown on your Link page:",
            wraplength=self.wrap,
        ).pack(anchor="w", pady=(0, 4))
        self.region_var = tk.StringVar(value=self.model.region or "")
        self.region_buttons: dict[str, ttk.Radiobutton] = {}
        for key, name in REGION_CHOICES:
            button = ttk.Radiobutton(
                region,
                text=name,
                value=key,
                variable=self.region_var,
                command=self._region_changed,
            )
            button.pack(anchor="w", padx=(8, 0))
            self.region_buttons[key] = button
        self.company_label = ttk.Label(region, wraplength=self.wrap, style="Bold.TLabel")
        self.company_label.pack(anchor="w", pady=(12, 0))

        waiting = self.frames[Step.WAITING]
        ttk.Label(waiting, text="In QuickBooks:").pack(anchor="w")
        for number, text in enumerate(self.model.waiting_steps, start=1):
            ttk.Label(waiting, text=f"{number}. {text}", wraplength=self.wrap, justify="left").pack(
                anchor="w", padx=(8, 0), pady=(2, 0)
            )
        self.waiting_bar = ttk.Progressbar(waiting, mode="indeterminate")
        self.waiting_bar.pack(fill="x", pady=(10, 4))
        self.quickbooks_state = ttk.Label(waiting, style="Bold.TLabel", wraplength=self.wrap)
        self.quickbooks_state.pack(anchor="w")

        first = self.frames[Step.FIRST_LINK]
        self.overall_bar = ttk.Progressbar(first, maximum=100)
        self.overall_bar.pack(fill="x", pady=(0, 6))
        self.rows_frame = ttk.Frame(first)
        self.rows_frame.pack(fill="both", expand=True)
        self.rows_frame.columnconfigure(1, weight=1)
        self.row_widgets: dict[str, tuple[ttk.Label, ttk.Progressbar, ttk.Label]] = {}

        done = self.frames[Step.DONE]
        self.done_label = ttk.Label(done, wraplength=self.wrap, justify="left")
        self.done_label.pack(anchor="w")

    # ---- drawing -----------------------------------------------------------------------------

    def render(self) -> None:
        model = self.model
        self.root.title(model.title)
        self.step_label.configure(text=model.step_number)
        self.heading.configure(text=model.heading)
        for step, frame in self.frames.items():
            if step is model.step:
                if not frame.winfo_ismapped():
                    frame.pack(fill="both", expand=True)
            else:
                frame.pack_forget()
        self.install_dir.configure(text=model.install_dir_text)
        self.install_bar.configure(value=model.install.percent)
        self.verify_bar.configure(value=model.verify.percent)
        self.verify_note.configure(text=model.verify_note)
        self.company_label.configure(text=model.company_text)
        for button in self.region_buttons.values():
            button.state(["disabled"] if model.busy else ["!disabled"])
        if model.region and self.region_var.get() != model.region:
            self.region_var.set(model.region)
        self.quickbooks_state.configure(text=model.quickbooks_state)
        if model.step is Step.WAITING and model.busy:
            self.waiting_bar.start(50)
        else:
            self.waiting_bar.stop()
        self._render_rows()
        self.done_label.configure(text=model.done_text)
        label = model.primary_label
        if label is None:
            self.primary.pack_forget()
        else:
            if not self.primary.winfo_ismapped():
                self.primary.pack(side="right")
            self.primary.configure(text=label)
            self.primary.state(["!disabled"] if model.primary_enabled else ["disabled"])
        if model.awaiting_confirmation:
            self.secondary.configure(text="Cancel")
            if not self.secondary.winfo_ismapped():
                self.secondary.pack(side="right", padx=(0, 8))
        else:
            self.secondary.pack_forget()
        self.problem_box.show(model.problem)
        if model.problem is not None:
            if not self.problem_box.winfo_ismapped():
                self.problem_box.pack(fill="x", pady=(8, 0), before=self._problem_anchor)
        else:
            self.problem_box.pack_forget()

    def _render_rows(self) -> None:
        rows = self.model.rows
        for gone in [name for name in self.row_widgets if name not in rows]:
            for widget in self.row_widgets.pop(gone):
                widget.destroy()
        for index, (data_type, row) in enumerate(rows.items()):
            if data_type not in self.row_widgets:
                label = ttk.Label(self.rows_frame, text=row.label)
                bar = ttk.Progressbar(self.rows_frame, maximum=100)
                status = ttk.Label(self.rows_frame)
                self.row_widgets[data_type] = (label, bar, status)
            label, bar, status = self.row_widgets[data_type]
            label.grid(row=index, column=0, sticky="w", padx=(0, 8))
            bar.grid(row=index, column=1, sticky="ew", pady=1)
            status.grid(row=index, column=2, sticky="w", padx=(8, 0))
            bar.configure(value=100 if row.done else (50 if row.records else 0))
            status.configure(text=row.status)
        finished = sum(1 for row in rows.values() if row.done)
        self.overall_bar.configure(value=100 * finished / len(rows) if rows else 0)

    def focus_default(self) -> None:
        step = self.model.step
        if step is Step.LICENCE:
            self.key_entry.focus_set()
        elif step is Step.REGION and not self.model.awaiting_confirmation:
            chosen = self.region_buttons.get(self.region_var.get())
            (chosen or self.primary).focus_set()
        else:
            self.primary.focus_set()

    # ---- the person's actions ----------------------------------------------------------------

    def _key_changed(self) -> None:
        self.model.set_licence_key(self.key_var.get())
        self.render()

    def _region_changed(self) -> None:
        self.model.choose_region(self.region_var.get())
        self.render()

    def _on_return(self, _event: object = None) -> None:
        if self.primary.winfo_ismapped() and self.primary.instate(["!disabled"]):
            self.primary.invoke()

    def _on_escape(self, _event: object = None) -> None:
        if self.model.awaiting_confirmation:
            self.on_secondary()
        elif not self.model.busy:
            self.close()

    def on_primary(self) -> None:
        model = self.model
        step_before = model.step
        if model.step is Step.LICENCE:
            model.set_licence_key(self.key_var.get())
            if model.start_install():
                self.worker.start(self._install_job, self._failed)
        elif model.step is Step.REGION and model.awaiting_confirmation:
            model.confirm_company()
            self._answer(True)
        elif model.step in (Step.REGION, Step.WAITING, Step.FIRST_LINK):
            model.choose_region(self.region_var.get())
            model.start_link()
            self.worker.start(self._link_job, self._failed)
        elif model.step is Step.DONE:
            self.close()
            return
        self.render()
        if model.step is not step_before:
            self.focus_default()

    def on_secondary(self) -> None:
        """Cancel "Link with ...": back to choosing the region."""
        self._answer(False)
        self.render()

    def close(self) -> None:
        self.model.closed = True
        self._answer(False)
        if self.app is not None and not self.worker.busy:
            self.app.close()
            self.app = None
        try:
            self.root.after_cancel(self._poll_id)
            self.root.destroy()
        except tk.TclError:
            pass

    def run(self) -> None:
        self.focus_default()
        self.root.mainloop()

    # ---- background jobs (worker thread) -----------------------------------------------------

    def _install_job(self) -> None:
        result = actions.install_connector(
            self.setup,
            progress=lambda done, total, _p: self.worker.post(
                functools.partial(self.model.install_progress, done, total)
            ),
            verify_progress=lambda done, total, _p: self.worker.post(
                functools.partial(self.model.verify_progress, done, total)
            ),
        )
        self.worker.post(functools.partial(self._installed, result.verified))

    def _installed(self, verified: bool) -> None:
        self.model.installed(verified=verified)
        self.focus_default()

    def _link_job(self) -> None:
        if self.app is None:
            self.app = self.setup.app_factory(self.setup.settings)
        app = self.app
        region = self.model.region or ""
        outcome = actions.link(
            self.setup, app, licence_key=self.model.licence_key, region=region, observer=self
        )
        after = actions.after_link(self.setup, app, outcome)
        if after.removed_itself:
            self.app = None  # closed, and its files removed
        self.worker.post(
            functools.partial(
                self.model.finished,
                outcome,
                removing_itself=after.removed_itself,
                autostart_name=after.autostart_name,
            )
        )

    def _failed(self, error: QbdlinkError) -> None:
        log.warning("setup: %s", error.user_text())
        self.model.failed(error)
        self.focus_default()

    def _answer(self, value: bool) -> None:
        if self._answers is not None:
            self._answers.put(value)
            self._answers = None

    # ---- LinkObserver (called in the worker thread) ------------------------------------------

    def company_found(self, info: wire.LinkInfo) -> bool:
        if self.model.closed:
            return False
        answers: queue.Queue[bool] = queue.Queue()

        def show() -> None:
            if self.model.company_found(info):
                self._answers = answers
                self.primary.focus_set()
            else:
                answers.put(True)

        self.worker.post(show)
        while True:
            try:
                return answers.get(timeout=0.2)
            except queue.Empty:
                if self._is_closed():
                    return False

    def _is_closed(self) -> bool:
        return self.model.closed

    def waiting_for_quickbooks(self, instructions: str) -> None:
        log.info("waiting for QuickBooks: %s", instructions)
        self.worker.post(self.model.waiting_for_quickbooks)

    def linked(self, answer: wire.LinkResponse) -> None:
        self.worker.post(functools.partial(self.model.linked, answer))

    def progress(self, progress: PullProgress) -> None:
        self.worker.post(functools.partial(self.model.progress, progress))

    # ---- the loop ----------------------------------------------------------------------------

    def _poll(self) -> None:
        if self.worker.drain():
            self.render()
        if not self.model.closed:
            self._poll_id = self.root.after(POLL_MS, self._poll)
        if self.app is not None and self.model.step is Step.DONE and not self.worker.busy:
            self.app.close()
            self.app = None
