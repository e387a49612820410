from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest
from lxml import etree

from qbdlink.connector.install.autostart import (
    TASK_NAMESPACE,
    AutostartDefinition,
    autostart_definition,
    register,
    systemd_definition,
    systemd_unit_text,
    systemd_user_available,
    unregister,
    windows_task_definition,
    windows_user_id,
    xdg_definition,
)
from qbdlink.connector.install.errors import AutostartError
from qbdlink.connector.install.paths import InstallLayout
from qbdlink.connector.install.seams import CommandResult, LocalFileSystem
from tests.unit.connector.install.fakes import MemoryFileSystem, RecordingRunner

NS = {"t": TASK_NAMESPACE}
WIN_ENV = {
    "ProgramFiles(x86)": r"C:\Program Files (x86)",
    "ProgramData": r"C:\ProgramData",
    "USERDOMAIN": "SHOP-PC",
    "USERNAME": "Alice",
}
PYTHON = "/usr/bin/python3"


def win_layout(name: str = "Acme & Sons") -> InstallLayout:
    return InstallLayout.compute("win32", WIN_ENV, name)


def linux_layout(home: Path, name: str = "Acme Lending") -> InstallLayout:
    return InstallLayout.compute("linux", {"HOME": str(home)}, name)


def text(root: etree._Element, path: str) -> str | None:
    found = root.find(path, NS)
    assert found is not None, path
    return found.text


# --- Windows task -----------------------------------------------------------------------------


def test_windows_task_definition() -> None:
    layout = win_layout()
    definition = windows_task_definition(layout, user_id=r"SHOP-PC\Alice")
    name = "QuickBooksConnector_Acme & Sons"
    xml_path = PureWindowsPath(
        r"C:\ProgramData\Acme & Sons\QuickBooks-connector\autostart-task.xml"
    )
    assert definition.kind == "windows-task"
    assert definition.name == name
    assert [f.path for f in definition.files] == [xml_path]
    assert definition.register_commands == (
        ("schtasks", "/Create", "/XML", str(xml_path), "/TN", name, "/F"),
    )
    assert definition.unregister_commands == (("schtasks", "/Delete", "/TN", name, "/F"),)
    assert definition.after_unregister_commands == ()


def test_windows_task_xml_is_utf16_with_a_bom_and_declares_it() -> None:
    data = windows_task_definition(win_layout(), user_id=r"SHOP-PC\Alice").files[0].data()
    assert data.startswith(b"\xff\xfe")
    assert data.decode("utf-16").startswith('<?xml version="1.0" encoding="UTF-16"?>\n<Task ')


def test_windows_task_xml_elements() -> None:
    layout = win_layout()
    data = windows_task_definition(layout, user_id=r"SHOP-PC\Alice").files[0].data()
    root = etree.fromstring(data)
    assert root.tag == f"{{{TASK_NAMESPACE}}}Task"
    assert root.get("version") == "1.2"
    assert text(root, "t:RegistrationInfo/t:URI") == r"\QuickBooksConnector_Acme & Sons"
    assert text(root, "t:RegistrationInfo/t:Author") == "qbdlink"
    # at logon of that user, after a delay; nothing else triggers it
    triggers = root.find("t:Triggers", NS)
    assert triggers is not None
    assert [etree.QName(t).localname for t in triggers] == ["LogonTrigger"]
    assert text(root, "t:Triggers/t:LogonTrigger/t:UserId") == r"SHOP-PC\Alice"
    assert text(root, "t:Triggers/t:LogonTrigger/t:Delay") == "PT1M"
    assert text(root, "t:Triggers/t:LogonTrigger/t:Enabled") == "true"
    # as the user, interactively, with highest privileges
    principal = root.find("t:Principals/t:Principal", NS)
    assert principal is not None and principal.get("id") == "Author"
    assert text(principal, "t:UserId") == r"SHOP-PC\Alice"
    assert text(principal, "t:LogonType") == "InteractiveToken"
    assert text(principal, "t:RunLevel") == "HighestAvailable"
    # runs the installed connector
    actions = root.find("t:Actions", NS)
    assert actions is not None and actions.get("Context") == "Author"
    assert text(root, "t:Actions/t:Exec/t:Command") == (
        r'"C:\Program Files (x86)\Acme & Sons\QuickBooks-connector\qbdlink-connector.exe"'
    )
    assert text(root, "t:Actions/t:Exec/t:Arguments") == "run"
    assert text(root, "t:Actions/t:Exec/t:WorkingDirectory") == (
        r"C:\Program Files (x86)\Acme & Sons\QuickBooks-connector"
    )
    settings = {
        etree.QName(e).localname: e.text
        for e in root.iterfind("t:Settings/*", NS)
        if e.text and e.text.strip()
    }
    assert settings["MultipleInstancesPolicy"] == "IgnoreNew"
    assert settings["DisallowStartIfOnBatteries"] == "false"
    assert settings["StopIfGoingOnBatteries"] == "false"
    assert settings["ExecutionTimeLimit"] == "PT0S"
    assert settings["Enabled"] == "true"
    assert settings["StartWhenAvailable"] == "true"
    assert text(root, "t:Settings/t:RestartOnFailure/t:Interval") == "PT5M"
    assert text(root, "t:Settings/t:RestartOnFailure/t:Count") == "3"


def test_windows_task_xml_escapes_markup_in_names() -> None:
    raw = windows_task_definition(win_layout("A&B <Loans>"), user_id="u").files[0].content
    assert "&amp;" in raw and "<Loans>" not in raw
    root = etree.fromstring(raw.encode("utf-16"))
    assert text(root, "t:RegistrationInfo/t:URI") == r"\QuickBooksConnector_A&B -Loans"


def test_windows_user_id() -> None:
    assert windows_user_id(WIN_ENV) == r"SHOP-PC\Alice"
    assert windows_user_id({"USERNAME": "bob"}) == "bob"
    with pytest.raises(AutostartError):
        windows_user_id({})


def test_register_a_windows_task_writes_the_xml_then_runs_schtasks() -> None:
    definition = windows_task_definition(win_layout(), user_id=r"SHOP-PC\Alice")
    runner, fs = RecordingRunner(), MemoryFileSystem()
    register(definition, runner, fs)
    xml_path = definition.files[0].path
    assert fs.ops == [("write", xml_path)]
    assert fs.files[xml_path] == definition.files[0].data()
    assert runner.calls == [
        (
            "schtasks",
            "/Create",
            "/XML",
            r"C:\ProgramData\Acme & Sons\QuickBooks-connector\autostart-task.xml",
            "/TN",
            "QuickBooksConnector_Acme & Sons",
            "/F",
        )
    ]


def test_a_failing_schtasks_is_a_typed_error_with_the_reason() -> None:
    definition = windows_task_definition(win_layout(), user_id="u")
    runner = RecordingRunner(
        default=CommandResult(1, "", "ERROR: Access is denied.\r\n"),
    )
    with pytest.raises(AutostartError) as caught:
        register(definition, runner, MemoryFileSystem())
    assert "Access is denied." in caught.value.message
    assert "exit code 1" in caught.value.message
    assert "administrator" in caught.value.fix


def test_unregister_a_windows_task() -> None:
    definition = windows_task_definition(win_layout(), user_id="u")
    fs = MemoryFileSystem({definition.files[0].path: b"x"})
    runner = RecordingRunner()
    assert unregister(definition, runner, fs) == ()
    assert runner.calls == [("schtasks", "/Delete", "/TN", "QuickBooksConnector_Acme & Sons", "/F")]
    assert fs.files == {}


def test_unregister_is_best_effort_unless_checked() -> None:
    definition = windows_task_definition(win_layout(), user_id="u")
    missing = CommandResult(1, "", "ERROR: The system cannot find the file specified.")
    failures = unregister(definition, RecordingRunner(default=missing), MemoryFileSystem())
    assert failures == (missing,)
    with pytest.raises(AutostartError, match="cannot find"):
        unregister(definition, RecordingRunner(default=missing), MemoryFileSystem(), check=True)


# --- systemd user unit ------------------------------------------------------------------------


def test_systemd_unit_text_exactly(tmp_path: Path) -> None:
    layout = InstallLayout.compute(
        "linux", {"HOME": "/home/ann", "QBDLINK_HOME": "/home/ann/qbd"}, "Acme Lending"
    )
    definition = systemd_definition(layout, env={"HOME": "/home/ann"}, python_executable=PYTHON)
    assert definition.kind == "systemd-user"
    assert definition.name == "qbdlink-connector-acme-lending.service"
    assert [f.path for f in definition.files] == [
        PurePosixPath("/home/ann/.config/systemd/user/qbdlink-connector-acme-lending.service")
    ]
    assert definition.files[0].content == (
        "# Written by qbdlink. Remove it with the connector's uninstall, not by hand.\n"
        "[Unit]\n"
        "Description=QuickBooks connector for Acme Lending (qbdlink)\n"
        "StartLimitIntervalSec=600\n"
        "StartLimitBurst=5\n"
        "\n"
        "[Service]\n"
        "Type=simple\n"
        "Environment=QBDLINK_HOME=/home/ann/qbd\n"
        "WorkingDirectory=/home/ann/qbd\n"
        "ExecStart=/usr/bin/python3 -m qbdlink connector run\n"
        "Restart=on-failure\n"
        "RestartSec=30\n"
        "\n"
        "[Install]\n"
        "WantedBy=default.target\n"
    )


def test_systemd_unit_quotes_spaces_and_escapes_specifiers() -> None:
    unit = systemd_unit_text(
        description="100% Acme",
        exec_argv=["/opt/my python/bin/python", "-m", "qbdlink", "$HOME", 'say "hi"'],
        environment={"QBDLINK_HOME": "/srv/a b/%h"},
        working_directory="/srv/a b",
    )
    assert "Description=100%% Acme\n" in unit
    assert 'Environment="QBDLINK_HOME=/srv/a b/%%h"\n' in unit
    assert 'ExecStart="/opt/my python/bin/python" -m qbdlink $$HOME "say \\"hi\\""\n' in unit


def test_systemd_honours_xdg_config_home() -> None:
    layout = InstallLayout.compute("linux", {"HOME": "/home/ann"}, "Acme")
    env = {"HOME": "/home/ann", "XDG_CONFIG_HOME": "/cfg"}
    definition = systemd_definition(layout, env=env, python_executable=PYTHON)
    assert definition.files[0].path == PurePosixPath(
        "/cfg/systemd/user/qbdlink-connector-acme.service"
    )


def test_register_and_unregister_a_systemd_unit(tmp_path: Path) -> None:
    layout = linux_layout(tmp_path)
    definition = systemd_definition(layout, env={"HOME": str(tmp_path)}, python_executable=PYTHON)
    runner = RecordingRunner()
    register(definition, runner, LocalFileSystem())
    unit_file = tmp_path / ".config/systemd/user/qbdlink-connector-acme-lending.service"
    assert unit_file.read_text() == definition.files[0].content
    assert runner.calls == [
        ("systemctl", "--user", "daemon-reload"),
        ("systemctl", "--user", "enable", "--now", "qbdlink-connector-acme-lending.service"),
    ]
    runner.calls.clear()
    unregister(definition, runner, LocalFileSystem())
    assert not unit_file.exists()
    assert runner.calls == [
        ("systemctl", "--user", "disable", "--now", "qbdlink-connector-acme-lending.service"),
        ("systemctl", "--user", "daemon-reload"),
    ]


# --- XDG autostart ----------------------------------------------------------------------------


def test_xdg_autostart_entry_exactly() -> None:
    layout = InstallLayout.compute("linux", {"HOME": "/home/ann"}, "Acme Lending")
    definition = xdg_definition(layout, env={"HOME": "/home/ann"}, python_executable=PYTHON)
    assert definition.kind == "xdg-autostart"
    assert definition.register_commands == ()
    assert definition.files[0].path == PurePosixPath(
        "/home/ann/.config/autostart/qbdlink-connector-acme-lending.desktop"
    )
    assert definition.files[0].content == (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Version=1.0\n"
        "Name=QuickBooks connector (Acme Lending)\n"
        "Comment=Syncs QuickBooks with the platform (qbdlink).\n"
        'Exec=env "QBDLINK_HOME=/home/ann/.local/state/qbdlink/Acme Lending"'
        " /usr/bin/python3 -m qbdlink connector run\n"
        "Terminal=false\n"
        "NoDisplay=true\n"
        "X-GNOME-Autostart-enabled=true\n"
        "X-GNOME-Autostart-Delay=30\n"
    )


def test_xdg_exec_escapes_per_the_desktop_entry_spec() -> None:
    layout = InstallLayout.compute("linux", {"HOME": "/home/ann"}, "Acme")
    definition = xdg_definition(layout, env={"HOME": "/home/ann"}, python_executable="/o$t/py%1")
    exec_line = next(
        line for line in definition.files[0].content.splitlines() if line.startswith("Exec=")
    )
    # $ escaped inside quotes, then the string-level backslash escape doubles the backslash
    assert exec_line.endswith('"/o\\\\$t/py%%1" -m qbdlink connector run')


def test_register_xdg_writes_the_file_and_runs_nothing(tmp_path: Path) -> None:
    layout = linux_layout(tmp_path)
    definition = xdg_definition(layout, env={"HOME": str(tmp_path)}, python_executable=PYTHON)
    runner = RecordingRunner()
    register(definition, runner, LocalFileSystem())
    path = tmp_path / ".config/autostart/qbdlink-connector-acme-lending.desktop"
    assert path.read_text() == definition.files[0].content
    assert runner.calls == []
    unregister(definition, runner, LocalFileSystem())
    assert not path.exists()


# --- choosing ---------------------------------------------------------------------------------


def choose(layout: InstallLayout, systemd: bool) -> AutostartDefinition:
    return autostart_definition(
        layout,
        env={**WIN_ENV, "HOME": "/home/ann"},
        python_executable=PYTHON,
        systemd_available=systemd,
    )


def test_autostart_definition_per_platform(tmp_path: Path) -> None:
    assert choose(win_layout(), systemd=True).kind == "windows-task"
    assert choose(linux_layout(tmp_path), systemd=True).kind == "systemd-user"
    assert choose(linux_layout(tmp_path), systemd=False).kind == "xdg-autostart"
    darwin = InstallLayout.compute("darwin", {"HOME": "/Users/a"}, "Acme")
    assert choose(darwin, systemd=True).kind == "xdg-autostart"


def test_systemd_probe_asks_the_user_manager() -> None:
    runner = RecordingRunner()
    assert systemd_user_available(runner)
    assert runner.calls == [("systemctl", "--user", "show-environment")]
    no_manager = CommandResult(1, "", "Failed to connect to bus: No medium found")
    assert not systemd_user_available(RecordingRunner(default=no_manager))
    assert not systemd_user_available(RecordingRunner(default=CommandResult(127)))
