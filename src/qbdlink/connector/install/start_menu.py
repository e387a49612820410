"""The Start-menu entry that opens the connector's status window (Windows).

A pure generator: :func:`start_menu_shortcut` says where the ``.lnk`` goes (the all-users
Start menu, ``%ProgramData%\\Microsoft\\Windows\\Start Menu\\Programs\\<Client>``), what it runs
(``<program dir>\\qbdlink-connector.exe status-window``) and the one PowerShell command that
writes it through ``WScript.Shell`` (Windows has no other built-in way to write a ``.lnk``).
:func:`create_shortcut` runs that command through a :class:`~.seams.CommandRunner`;
:func:`remove_shortcut` deletes the file and the folder (when empty) through a
:class:`~.seams.FileSystem`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath, PureWindowsPath

from .errors import InstallError
from .paths import InstallLayout
from .seams import CommandRunner, FileSystem

__all__ = [
    "SHORTCUT_NAME",
    "StartMenuShortcut",
    "create_shortcut",
    "powershell_quote",
    "remove_shortcut",
    "start_menu_shortcut",
]

SHORTCUT_NAME = "QuickBooks connector status.lnk"
STATUS_WINDOW_ARGUMENTS = "status-window"


def powershell_quote(text: str) -> str:
    """A PowerShell single-quoted string literal (``'`` doubled; nothing is expanded)."""
    # PowerShell also treats the typographic single quotes as quote characters.
    escaped = "".join(ch * 2 if ch in "'\u2018\u2019\u201a\u201b" else ch for ch in text)
    return f"'{escaped}'"


@dataclass(frozen=True)
class StartMenuShortcut:
    folder: PurePath
    path: PurePath
    target: PurePath
    arguments: str
    working_directory: PurePath
    description: str

    def powershell_script(self) -> str:
        q = powershell_quote
        return "; ".join(
            [
                "$ErrorActionPreference = 'Stop'",
                f"New-Item -ItemType Directory -Force -Path {q(str(self.folder))} | Out-Null",
                "$shell = New-Object -ComObject WScript.Shell",
                f"$link = $shell.CreateShortcut({q(str(self.path))})",
                f"$link.TargetPath = {q(str(self.target))}",
                f"$link.Arguments = {q(self.arguments)}",
                f"$link.WorkingDirectory = {q(str(self.working_directory))}",
                f"$link.Description = {q(self.description)}",
                f"$link.IconLocation = {q(str(self.target) + ',0')}",
                "$link.Save()",
            ]
        )

    def create_argv(self) -> tuple[str, ...]:
        return (
            "powershell.exe",
            "-NoProfile",
            "-NonInteractive",
            "-ExecutionPolicy",
            "Bypass",
            "-Command",
            self.powershell_script(),
        )


def _programs_folder(env: Mapping[str, str]) -> PureWindowsPath:
    data = env.get("ProgramData") or r"C:\ProgramData"
    return PureWindowsPath(data) / "Microsoft" / "Windows" / "Start Menu" / "Programs"


def start_menu_shortcut(layout: InstallLayout, env: Mapping[str, str]) -> StartMenuShortcut:
    """The all-users Start-menu shortcut for ``layout`` (the environment gives ProgramData)."""
    folder = _programs_folder(env) / layout.safe_client
    return StartMenuShortcut(
        folder=folder,
        path=folder / SHORTCUT_NAME,
        target=layout.executable_path,
        arguments=STATUS_WINDOW_ARGUMENTS,
        working_directory=layout.program_dir,
        description=f"Whether QuickBooks syncs with {layout.safe_client}; sync now, pause, "
        "uninstall.",
    )


def create_shortcut(shortcut: StartMenuShortcut, runner: CommandRunner) -> None:
    result = runner.run(shortcut.create_argv())
    if not result.ok:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise InstallError(
            f"Could not add the QuickBooks connector to the Start menu ({shortcut.path}): "
            f"exit code {result.returncode}" + (f": {detail[-1]}" if detail else "") + ".",
            fix="Run the connector again as a Windows administrator; the connector works "
            "without the Start-menu entry meanwhile.",
        )


def remove_shortcut(shortcut: StartMenuShortcut, fs: FileSystem) -> tuple[PurePath, ...]:
    """Delete the shortcut, then its folder when nothing else is in it; what was removed."""
    removed: list[PurePath] = []
    if fs.remove_file(shortcut.path):
        removed.append(shortcut.path)
    if fs.remove_empty_dir(shortcut.folder):
        removed.append(shortcut.folder)
    return tuple(removed)
