"""The Start-menu shortcut and the Apps & features entry: the exact commands, for a Windows
layout computed anywhere."""

from __future__ import annotations

from pathlib import PureWindowsPath

import pytest

from qbdlink.connector.install.errors import InstallError
from qbdlink.connector.install.paths import InstallLayout
from qbdlink.connector.install.seams import CommandResult
from qbdlink.connector.install.start_menu import (
    create_shortcut,
    powershell_quote,
    remove_shortcut,
    start_menu_shortcut,
)
from qbdlink.connector.install.uninstall_entry import (
    register_uninstall_entry,
    remove_uninstall_entry,
    uninstall_entry,
)
from tests.unit.connector.install.fakes import MemoryFileSystem, RecordingRunner

ENV = {
    "ProgramFiles(x86)": r"C:\Program Files (x86)",
    "ProgramData": r"C:\ProgramData",
    "USERNAME": "anna",
}
LAYOUT = InstallLayout.compute("win32", ENV, "O'Brien & Co")
PROGRAM = r"C:\Program Files (x86)\O'Brien & Co\QuickBooks-connector"
EXE = PROGRAM + r"\qbdlink-connector.exe"
FOLDER = r"C:\ProgramData\Microsoft\Windows\Start Menu\Programs\O'Brien & Co"


def test_powershell_quoting_doubles_single_quotes() -> None:
    assert powershell_quote("O'Brien") == "'O''Brien'"
    assert powershell_quote("a\u2019b $x `y") == "'a\u2019\u2019b $x `y'"


def test_the_shortcut_opens_the_status_window() -> None:
    shortcut = start_menu_shortcut(LAYOUT, ENV)
    assert shortcut.path == PureWindowsPath(FOLDER) / "QuickBooks connector status.lnk"
    assert shortcut.create_argv() == (
        "powershell.exe",
        "-NoProfile",
        "-NonInteractive",
        "-ExecutionPolicy",
        "Bypass",
        "-Command",
        "$ErrorActionPreference = 'Stop'; "
        f"New-Item -ItemType Directory -Force -Path '{FOLDER.replace(chr(39), chr(39) * 2)}' "
        "| Out-Null; "
        "$shell = New-Object -ComObject WScript.Shell; "
        "$link = $shell.CreateShortcut("
        f"'{FOLDER.replace(chr(39), chr(39) * 2)}\\QuickBooks connector status.lnk'); "
        f"$link.TargetPath = '{EXE.replace(chr(39), chr(39) * 2)}'; "
        "$link.Arguments = 'status-window'; "
        f"$link.WorkingDirectory = '{PROGRAM.replace(chr(39), chr(39) * 2)}'; "
        "$link.Description = 'Whether QuickBooks syncs with O''Brien & Co; sync now, pause, "
        "uninstall.'; "
        f"$link.IconLocation = '{EXE.replace(chr(39), chr(39) * 2)},0'; "
        "$link.Save()",
    )


def test_creating_and_removing_the_shortcut() -> None:
    shortcut = start_menu_shortcut(LAYOUT, ENV)
    runner = RecordingRunner()
    create_shortcut(shortcut, runner)
    assert runner.calls == [shortcut.create_argv()]
    fs = MemoryFileSystem({shortcut.path: b"lnk"})
    assert remove_shortcut(shortcut, fs) == (shortcut.path,)
    assert fs.ops == [("remove_file", shortcut.path), ("remove_empty_dir", shortcut.folder)]


def test_a_failing_powershell_says_so() -> None:
    shortcut = start_menu_shortcut(LAYOUT, ENV)
    runner = RecordingRunner(default=CommandResult(1, "", "Access is denied."))
    with pytest.raises(InstallError, match="Access is denied") as caught:
        create_shortcut(shortcut, runner)
    assert "administrator" in caught.value.fix


def test_the_apps_and_features_entry_runs_the_connectors_uninstall() -> None:
    entry = uninstall_entry(LAYOUT, version="0.1.0", publisher="Acme Lending", size_bytes=3000)
    key = (
        r"HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\QuickBooksConnector_O'Brien & Co"
    )
    assert entry.key == key

    def add(name: str, kind: str, data: str) -> tuple[str, ...]:
        return ("reg", "add", key, "/v", name, "/t", kind, "/d", data, "/f")

    assert entry.register_commands() == (
        add("DisplayName", "REG_SZ", "O'Brien & Co QuickBooks connector"),
        add("DisplayVersion", "REG_SZ", "0.1.0"),
        add("Publisher", "REG_SZ", "Acme Lending"),
        add("InstallLocation", "REG_SZ", PROGRAM),
        add("DisplayIcon", "REG_SZ", EXE + ",0"),
        add("UninstallString", "REG_SZ", f'"{EXE}" uninstall'),
        add("QuietUninstallString", "REG_SZ", f'"{EXE}" uninstall --yes'),
        add("NoModify", "REG_DWORD", "1"),
        add("NoRepair", "REG_DWORD", "1"),
        add("EstimatedSize", "REG_DWORD", "3"),
    )
    runner = RecordingRunner()
    register_uninstall_entry(entry, runner)
    assert tuple(runner.calls) == entry.register_commands()
    remove_uninstall_entry(entry, runner)
    assert runner.calls[-1] == ("reg", "delete", key, "/f")


def test_a_refused_reg_add_stops_with_the_fix() -> None:
    entry = uninstall_entry(LAYOUT, version="0.1.0", publisher="Acme")
    runner = RecordingRunner(default=CommandResult(1, "", "ERROR: Access is denied."))
    with pytest.raises(InstallError, match="Apps & features") as caught:
        register_uninstall_entry(entry, runner)
    assert len(runner.calls) == 1
    assert "administrator" in caught.value.fix
