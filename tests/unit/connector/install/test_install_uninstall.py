from __future__ import annotations

from pathlib import Path, PurePath, PureWindowsPath

from qbdlink.connector.install.autostart import systemd_definition, windows_task_definition
from qbdlink.connector.install.paths import InstallLayout
from qbdlink.connector.install.seams import CommandResult, LocalFileSystem
from qbdlink.connector.install.uninstall import (
    execute_uninstall,
    plan_uninstall,
    windows_cleanup_script,
)
from tests.unit.connector.install.fakes import MemoryFileSystem, RecordingRunner

WIN_ENV = {"ProgramFiles(x86)": r"C:\Program Files (x86)", "ProgramData": r"C:\ProgramData"}
W = PureWindowsPath


def win_layout() -> InstallLayout:
    return InstallLayout.compute("win32", WIN_ENV, "Acme & Sons")


def test_the_windows_plan() -> None:
    layout = win_layout()
    autostart = windows_task_definition(layout, user_id="u")
    plan = plan_uninstall(layout, autostart=autostart)
    state = W(r"C:\ProgramData\Acme & Sons\QuickBooks-connector")
    assert plan.deferred
    assert plan.autostart is autostart
    assert plan.trees == (W(r"C:\Program Files (x86)\Acme & Sons\QuickBooks-connector"),)
    assert plan.files == (
        state / "connector.credential",
        state / "state.sqlite3",
        state / "state.sqlite3-wal",
        state / "state.sqlite3-shm",
        state / "state.sqlite3-journal",
        state / "connector.log",
        *(state / f"connector.log.{n}" for n in range(1, 6)),
    )
    assert plan.empty_dirs == (
        state,
        W(r"C:\ProgramData\Acme & Sons"),
        W(r"C:\Program Files (x86)\Acme & Sons"),
    )
    assert plan.secret_files == (state / "connector.credential",)
    lines = plan.describe()
    assert lines[0] == "the start-with-the-computer entry QuickBooksConnector_Acme & Sons"
    assert any("QuickBooks-connector and everything in it" in line for line in lines)


def test_keep_logs_and_qbdlink_home() -> None:
    layout = InstallLayout.compute("win32", {**WIN_ENV, "QBDLINK_HOME": r"D:\qbd"}, "Acme")
    plan = plan_uninstall(layout, keep_logs=True)
    assert not any(p.name.startswith("connector.log") for p in plan.files)
    # a QBDLINK_HOME folder is removed only if empty, and nothing above it
    assert plan.empty_dirs == (W(r"D:\qbd"), W(r"C:\Program Files (x86)\Acme"))
    assert W(r"D:\qbd") not in plan.trees


def test_the_windows_cleanup_script_text() -> None:
    layout = InstallLayout.compute(
        "win32", {**WIN_ENV, "QBDLINK_HOME": r"D:\100%\qbd"}, "Acme & Sons"
    )
    plan = plan_uninstall(layout)
    script = windows_cleanup_script(plan, pid=4242, max_wait_seconds=120)
    assert "\r\n" in script and "\n" not in script.replace("\r\n", "")
    prog = r'"C:\Program Files (x86)\Acme & Sons\QuickBooks-connector"'
    state = r"D:\100%%\qbd"
    assert script.split("\r\n") == [
        "@echo off",
        "chcp 65001 >nul",
        "rem Written by qbdlink: removes the QuickBooks connector for Acme & Sons",
        "rem once process 4242 has exited, then deletes this script.",
        "setlocal",
        "set /a waited=0",
        ":wait",
        'tasklist /NH /FI "PID eq 4242" 2>nul | find " 4242 " >nul',
        "if errorlevel 1 goto remove",
        "if %waited% GEQ 120 goto remove",
        "set /a waited+=1",
        "ping -n 2 127.0.0.1 >nul",
        "goto wait",
        ":remove",
        f"rmdir /s /q {prog} 2>nul",
        f"if exist {prog} ping -n 3 127.0.0.1 >nul",
        f"if exist {prog} rmdir /s /q {prog} 2>nul",
        f'del /f /q "{state}\\connector.credential" 2>nul',
        f'del /f /q "{state}\\state.sqlite3" 2>nul',
        f'del /f /q "{state}\\state.sqlite3-wal" 2>nul',
        f'del /f /q "{state}\\state.sqlite3-shm" 2>nul',
        f'del /f /q "{state}\\state.sqlite3-journal" 2>nul',
        f'del /f /q "{state}\\connector.log" 2>nul',
        *(f'del /f /q "{state}\\connector.log.{n}" 2>nul' for n in range(1, 6)),
        f'rmdir "{state}" 2>nul',
        r'rmdir "C:\Program Files (x86)\Acme & Sons" 2>nul',
        '(goto) 2>nul & del /f /q "%~f0"',
        "",
    ]


def test_a_windows_uninstall_unregisters_deletes_the_credential_and_defers_the_rest() -> None:
    layout = win_layout()
    autostart = windows_task_definition(layout, user_id="u")
    plan = plan_uninstall(layout, autostart=autostart)
    credential = layout.credential_path
    program_file = layout.program_dir / "qbdlink-connector.exe"
    fs = MemoryFileSystem({credential: b"blob", program_file: b"MZ"})
    runner = RecordingRunner()
    temp = W(r"C:\Users\alice\AppData\Local\Temp")
    report = execute_uninstall(plan, runner=runner, fs=fs, pid=4242, script_dir=temp)

    script = temp / "qbdlink-uninstall-4242.cmd"
    assert runner.calls == [("schtasks", "/Delete", "/TN", "QuickBooksConnector_Acme & Sons", "/F")]
    assert runner.detached == [("cmd.exe", "/d", "/c", str(script))]
    assert report.cleanup_script == script
    assert report.removed == (credential,)
    assert fs.files[script] == windows_cleanup_script(plan, pid=4242).encode("utf-8")
    assert program_file in fs.files  # the running executable goes after exit
    assert fs.ops[-1] == ("write", script)


def test_a_linux_uninstall_removes_everything_at_once(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path)}
    layout = InstallLayout.compute("linux", env, "Acme")
    autostart = systemd_definition(layout, env=env, python_executable="/usr/bin/python3")
    program = Path(layout.program_dir)
    state = Path(layout.state_dir)
    (program / "lib").mkdir(parents=True)
    (program / "lib" / "x.py").write_text("x")
    state.mkdir(parents=True)
    for name in ("connector.credential", "state.sqlite3", "connector.log", "connector.log.1"):
        (state / name).write_text("x")
    unit = Path(autostart.files[0].path)
    unit.parent.mkdir(parents=True)
    unit.write_text(autostart.files[0].content)
    (tmp_path / ".local" / "state" / "qbdlink" / "other-client").mkdir()

    plan = plan_uninstall(layout, autostart=autostart)
    assert not plan.deferred
    runner = RecordingRunner(
        {("systemctl", "--user", "disable", "--now", autostart.name): CommandResult(5)}
    )
    report = execute_uninstall(plan, runner=runner, fs=LocalFileSystem(), pid=1)

    assert report.cleanup_script is None
    assert report.autostart_failures == (CommandResult(5),)  # best effort: it goes on
    assert not program.exists() and not state.exists() and not unit.exists()
    assert not Path(layout.client_dir).exists()
    # the shared parent stays while another client uses it
    assert (tmp_path / ".local" / "state" / "qbdlink" / "other-client").is_dir()
    assert set(report.removed) >= {
        PurePath(layout.program_dir),
        PurePath(layout.credential_path),
        PurePath(layout.state_dir),
    }
    assert runner.detached == []


def test_an_uninstall_never_removes_other_files_in_qbdlink_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "notes.txt").write_text("mine")
    (home / "connector.credential").write_text("x")
    layout = InstallLayout.compute(
        "linux", {"HOME": str(tmp_path), "QBDLINK_HOME": str(home)}, "Acme"
    )
    execute_uninstall(plan_uninstall(layout), runner=RecordingRunner(), fs=LocalFileSystem(), pid=1)
    assert (home / "notes.txt").read_text() == "mine"
    assert not (home / "connector.credential").exists()
