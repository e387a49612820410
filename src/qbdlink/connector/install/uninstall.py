"""Remove the connector: its autostart entry, its program files and its local state.

One-time mode uninstalls after the first link; a person can also ask for it. First a pure
:class:`UninstallPlan` (what will go, so the wizard can show it), then
:func:`execute_uninstall`, which does it through the injected seams.

On Windows the program folder holds the running executable and the log is open, so the files
go after this process exits: :func:`windows_cleanup_script` is a small ``.cmd`` that waits for
the process id to disappear, deletes the folders and files, then deletes itself; it is started
detached. Elsewhere everything goes at once.

Safety: only the program folder (always ``<root>/<Client>/QuickBooks-connector``, created by the
install) is removed with its content. In the state folder only the connector's own files are
deleted; the folder itself (and, for the default location, its parent) only when left empty.
A ``QBDLINK_HOME`` folder is never removed with its content, whatever it points at.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from .autostart import AutostartDefinition, unregister
from .logging_setup import LOG_BACKUP_COUNT
from .paths import InstallLayout
from .seams import CommandResult, CommandRunner, FileSystem

__all__ = [
    "UninstallPlan",
    "UninstallReport",
    "cleanup_script_path",
    "execute_uninstall",
    "plan_uninstall",
    "windows_cleanup_script",
]

_SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class UninstallPlan:
    """What uninstalling removes, in order."""

    client: str
    autostart: AutostartDefinition | None
    files: tuple[PurePath, ...]  # deleted one by one (state)
    trees: tuple[PurePath, ...]  # deleted with everything in them (the program folder)
    empty_dirs: tuple[PurePath, ...]  # deleted only when empty, innermost first
    deferred: bool  # Windows: files and folders go after this process exits
    secret_files: tuple[PurePath, ...] = ()  # deleted at once, even when the rest is deferred

    def describe(self) -> tuple[str, ...]:
        """One line per thing removed, for a person."""
        lines: list[str] = []
        if self.autostart is not None:
            lines.append(f"the start-with-the-computer entry {self.autostart.name}")
        lines += [f"the folder {tree} and everything in it" for tree in self.trees]
        lines += [f"the file {path}" for path in self.files]
        lines += [f"the folder {path}, if nothing else is in it" for path in self.empty_dirs]
        return tuple(lines)


def plan_uninstall(
    layout: InstallLayout,
    *,
    autostart: AutostartDefinition | None = None,
    keep_logs: bool = False,
    defer: bool | None = None,
) -> UninstallPlan:
    """The plan for ``layout``. ``defer`` defaults to True on Windows (files in use)."""
    state = layout.state_dir
    db = layout.state_db_path
    files: list[PurePath] = [layout.credential_path, db]
    files += [db.with_name(db.name + suffix) for suffix in _SQLITE_SIDE_FILES]
    if not keep_logs:
        log = layout.log_path
        files.append(log)
        files += [log.with_name(f"{log.name}.{n}") for n in range(1, LOG_BACKUP_COUNT + 1)]
    empty_dirs: list[PurePath] = [state]
    if not layout.state_dir_from_env:
        empty_dirs.append(state.parent)  # <ProgramData>/<Client>, ~/.local/state/qbdlink/...
    empty_dirs.append(layout.client_dir)
    return UninstallPlan(
        client=layout.safe_client,
        autostart=autostart,
        files=tuple(files),
        trees=(layout.program_dir,),
        empty_dirs=tuple(dict.fromkeys(empty_dirs)),
        deferred=layout.platform == "win32" if defer is None else defer,
        secret_files=(layout.credential_path,),
    )


# --- the Windows cleanup after exit -----------------------------------------------------------


def _cmd_quote(path: PurePath) -> str:
    """A path in a .cmd script: quoted, ``%`` doubled (Windows paths cannot contain ``"``)."""
    return '"' + str(path).replace("%", "%%") + '"'


def windows_cleanup_script(plan: UninstallPlan, *, pid: int, max_wait_seconds: int = 300) -> str:
    """A ``.cmd`` script (CRLF, UTF-8 after ``chcp 65001``) that waits for ``pid`` to exit, at
    most ``max_wait_seconds``, removes the plan's folders and files, then deletes itself.

    It sleeps with ``ping -n 2 127.0.0.1`` rather than ``timeout /t 1``: ``timeout`` exits at
    once when it has no console input, which a detached process does not have.
    """
    pid_text = str(int(pid))
    client = plan.client.replace("%", "%%")
    lines = [
        "@echo off",
        "chcp 65001 >nul",
        f"rem Written by qbdlink: removes the QuickBooks connector for {client}",
        f"rem once process {pid_text} has exited, then deletes this script.",
        "setlocal",
        "set /a waited=0",
        ":wait",
        f'tasklist /NH /FI "PID eq {pid_text}" 2>nul | find " {pid_text} " >nul',
        "if errorlevel 1 goto remove",
        f"if %waited% GEQ {int(max_wait_seconds)} goto remove",
        "set /a waited+=1",
        "ping -n 2 127.0.0.1 >nul",
        "goto wait",
        ":remove",
    ]
    for tree in plan.trees:
        quoted = _cmd_quote(tree)
        lines += [
            f"rmdir /s /q {quoted} 2>nul",
            # a virus scanner may still hold a file for a moment: one more try
            f"if exist {quoted} ping -n 3 127.0.0.1 >nul",
            f"if exist {quoted} rmdir /s /q {quoted} 2>nul",
        ]
    lines += [f"del /f /q {_cmd_quote(path)} 2>nul" for path in plan.files]
    lines += [f"rmdir {_cmd_quote(path)} 2>nul" for path in plan.empty_dirs]
    lines.append('(goto) 2>nul & del /f /q "%~f0"')
    return "\r\n".join(lines) + "\r\n"


def cleanup_script_path(script_dir: PurePath, pid: int) -> PurePath:
    return script_dir / f"qbdlink-uninstall-{int(pid)}.cmd"


# --- executing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class UninstallReport:
    removed: tuple[PurePath, ...]  # removed now (deferred ones are not listed)
    autostart_failures: tuple[CommandResult, ...]
    cleanup_script: PurePath | None  # the detached script, on Windows


def execute_uninstall(
    plan: UninstallPlan,
    *,
    runner: CommandRunner,
    fs: FileSystem,
    pid: int,
    script_dir: PurePath | None = None,
) -> UninstallReport:
    """Carry out ``plan``. Close the log handler first (the log is one of the files).

    The autostart entry goes first (so nothing restarts the connector), then the credential.
    Deferred plans write :func:`windows_cleanup_script` into ``script_dir`` (the user's TEMP)
    and start it detached with ``cmd.exe /d /c <script>``; it runs once ``pid`` has exited.
    """
    failures: tuple[CommandResult, ...] = ()
    if plan.autostart is not None:
        failures = unregister(plan.autostart, runner, fs)
    removed: list[PurePath] = [path for path in plan.secret_files if fs.remove_file(path)]
    if plan.deferred:
        if script_dir is None:
            raise ValueError("a deferred uninstall needs script_dir (the user's TEMP folder)")
        script = cleanup_script_path(script_dir, pid)
        text = windows_cleanup_script(plan, pid=pid)
        fs.write_bytes(script, text.encode("utf-8"), mode=0o644)
        runner.start_detached(_cmd_argv(script))
        return UninstallReport(tuple(removed), failures, script)
    removed += [tree for tree in plan.trees if fs.remove_tree(tree)]
    removed += [path for path in plan.files if path not in removed and fs.remove_file(path)]
    removed += [path for path in plan.empty_dirs if fs.remove_empty_dir(path)]
    return UninstallReport(tuple(removed), failures, None)


def _cmd_argv(script: PurePath) -> Sequence[str]:
    return ("cmd.exe", "/d", "/c", str(script))
