"""Start the connector with the machine (ongoing mode): the exact definitions, and registering them.

Three kinds, each a pure function of the layout:

- Windows: a Task Scheduler task ``QuickBooksConnector_<Client>``, run at the user's logon (after
  a delay) as that user with highest privileges, running ``<program dir>\\qbdlink-connector.exe
  run``; registered with ``schtasks /Create /XML <file> /TN <name> /F``. Only a logon trigger:
  QuickBooks' request processor needs the user's interactive session, which a boot trigger
  would not have.
- Linux with a systemd user manager: ``~/.config/systemd/user/qbdlink-connector-<slug>.service``
  (``ExecStart=<python> -m qbdlink connector run``, ``Restart=on-failure``), then
  ``systemctl --user daemon-reload`` and ``systemctl --user enable --now <unit>``.
- Linux without one: an XDG autostart entry
  ``~/.config/autostart/qbdlink-connector-<slug>.desktop``.

:func:`register` and :func:`unregister` write and remove the files through a
:class:`~.seams.FileSystem` and run the commands through a :class:`~.seams.CommandRunner`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath, PurePosixPath
from typing import Literal

from lxml import etree

from .errors import AutostartError
from .paths import InstallLayout
from .seams import CommandResult, CommandRunner, FileSystem, LocalFileSystem

__all__ = [
    "TASK_NAMESPACE",
    "AutostartDefinition",
    "AutostartFile",
    "AutostartKind",
    "autostart_definition",
    "register",
    "systemd_definition",
    "systemd_unit_text",
    "systemd_user_available",
    "unregister",
    "windows_task_definition",
    "windows_task_xml",
    "windows_user_id",
    "xdg_autostart_text",
    "xdg_definition",
]

AutostartKind = Literal["windows-task", "systemd-user", "xdg-autostart"]
Argv = tuple[str, ...]

TASK_NAMESPACE = "http://schemas.microsoft.com/windows/2004/02/mit/task"
TASK_XML_FILE_NAME = "autostart-task.xml"
DEFAULT_LOGON_DELAY = "PT1M"
PRODUCT = "QuickBooks connector"


@dataclass(frozen=True)
class AutostartFile:
    path: PurePath
    content: str
    encoding: Literal["utf-8", "utf-16"] = "utf-8"

    def data(self) -> bytes:
        """The file's bytes: UTF-16 files are little-endian with a BOM (what schtasks reads)."""
        if self.encoding == "utf-16":
            return b"\xff\xfe" + self.content.encode("utf-16-le")
        return self.content.encode("utf-8")


@dataclass(frozen=True)
class AutostartDefinition:
    """Everything one autostart entry consists of, in the order it is set up and taken down.

    register: write ``files``, then run ``register_commands``.
    unregister: run ``unregister_commands``, remove ``files``, run ``after_unregister_commands``.
    """

    kind: AutostartKind
    name: str
    files: tuple[AutostartFile, ...]
    register_commands: tuple[Argv, ...] = ()
    unregister_commands: tuple[Argv, ...] = ()
    after_unregister_commands: tuple[Argv, ...] = ()


# --- Windows: Task Scheduler ------------------------------------------------------------------


def windows_user_id(env: Mapping[str, str]) -> str:
    """``DOMAIN\\user`` of the process environment (``USERDOMAIN``, ``USERNAME``)."""
    user = env.get("USERNAME", "")
    if not user:
        raise AutostartError(
            "The Windows user the connector should start for is unknown (USERNAME is not set).",
            fix="Run the connector from a normal Windows session of the user who uses QuickBooks.",
        )
    domain = env.get("USERDOMAIN", "")
    return f"{domain}\\{user}" if domain else user


def windows_task_xml(
    *,
    task_name: str,
    command: str,
    arguments: str,
    working_directory: str,
    user_id: str,
    description: str,
    delay: str = DEFAULT_LOGON_DELAY,
) -> str:
    """A Task Scheduler (schema 1.2) task: at ``user_id``'s logon after ``delay``, run ``command``.

    It runs as that user, interactively, with highest privileges; one instance at a time; no
    time limit; not stopped on battery; restarted (3 times, 5 minutes apart) when it fails.
    """

    def sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
        child = etree.SubElement(parent, f"{{{TASK_NAMESPACE}}}{tag}")
        if text is not None:
            child.text = text
        return child

    task = etree.Element(f"{{{TASK_NAMESPACE}}}Task", nsmap={None: TASK_NAMESPACE})
    task.set("version", "1.2")
    info = sub(task, "RegistrationInfo")
    sub(info, "Author", "qbdlink")
    sub(info, "Description", description)
    sub(info, "URI", f"\\{task_name}")
    trigger = sub(sub(task, "Triggers"), "LogonTrigger")
    sub(trigger, "Enabled", "true")
    sub(trigger, "UserId", user_id)
    sub(trigger, "Delay", delay)
    principal = sub(sub(task, "Principals"), "Principal")
    principal.set("id", "Author")
    sub(principal, "UserId", user_id)
    sub(principal, "LogonType", "InteractiveToken")
    sub(principal, "RunLevel", "HighestAvailable")
    settings = sub(task, "Settings")
    for tag, value in (
        ("MultipleInstancesPolicy", "IgnoreNew"),
        ("DisallowStartIfOnBatteries", "false"),
        ("StopIfGoingOnBatteries", "false"),
        ("AllowHardTerminate", "true"),
        ("StartWhenAvailable", "true"),
        ("RunOnlyIfNetworkAvailable", "false"),
    ):
        sub(settings, tag, value)
    idle = sub(settings, "IdleSettings")
    sub(idle, "StopOnIdleEnd", "false")
    sub(idle, "RestartOnIdle", "false")
    for tag, value in (
        ("AllowStartOnDemand", "true"),
        ("Enabled", "true"),
        ("Hidden", "false"),
        ("RunOnlyIfIdle", "false"),
        ("WakeToRun", "false"),
        ("ExecutionTimeLimit", "PT0S"),
        ("Priority", "7"),
    ):
        sub(settings, tag, value)
    restart = sub(settings, "RestartOnFailure")
    sub(restart, "Interval", "PT5M")
    sub(restart, "Count", "3")
    actions = sub(task, "Actions")
    actions.set("Context", "Author")
    exec_ = sub(actions, "Exec")
    sub(exec_, "Command", command)
    sub(exec_, "Arguments", arguments)
    sub(exec_, "WorkingDirectory", working_directory)
    body = etree.tostring(task, encoding="unicode", pretty_print=True)
    return '<?xml version="1.0" encoding="UTF-16"?>\n' + body


def windows_task_definition(
    layout: InstallLayout, *, user_id: str, delay: str = DEFAULT_LOGON_DELAY
) -> AutostartDefinition:
    name = layout.windows_task_name
    xml_path = layout.state_dir / TASK_XML_FILE_NAME
    xml = windows_task_xml(
        task_name=name,
        # quoted: an unquoted path with spaces lets Windows try C:\Program.exe first
        command=f'"{layout.executable_path}"',
        arguments="run",
        working_directory=str(layout.program_dir),
        user_id=user_id,
        description=f"Starts the {PRODUCT} for {layout.safe_client} when {user_id} logs on.",
        delay=delay,
    )
    return AutostartDefinition(
        kind="windows-task",
        name=name,
        files=(AutostartFile(xml_path, xml, "utf-16"),),
        register_commands=(("schtasks", "/Create", "/XML", str(xml_path), "/TN", name, "/F"),),
        unregister_commands=(("schtasks", "/Delete", "/TN", name, "/F"),),
    )


# --- Linux: systemd user unit -----------------------------------------------------------------

_SYSTEMD_PLAIN = re.compile(r"[^\s\"'\\;]+")


def _systemd_word(arg: str, *, dollar: bool = True) -> str:
    """One argument as systemd reads it: specifiers (``%``) and, in commands, ``$`` doubled."""
    arg = arg.replace("%", "%%")
    if dollar:
        arg = arg.replace("$", "$$")
    if _SYSTEMD_PLAIN.fullmatch(arg):
        return arg
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'


def systemd_unit_text(
    *,
    description: str,
    exec_argv: Sequence[str],
    environment: Mapping[str, str],
    working_directory: str,
) -> str:
    """A systemd user service running ``exec_argv``, restarted on failure, wanted at login."""
    lines = [
        "# Written by qbdlink. Remove it with the connector's uninstall, not by hand.",
        "[Unit]",
        f"Description={description.replace('%', '%%')}",
        "StartLimitIntervalSec=600",
        "StartLimitBurst=5",
        "",
        "[Service]",
        "Type=simple",
    ]
    lines += [
        f"Environment={_systemd_word(f'{key}={value}', dollar=False)}"
        for key, value in sorted(environment.items())
    ]
    lines += [
        f"WorkingDirectory={working_directory.replace('%', '%%')}",
        "ExecStart=" + " ".join(_systemd_word(arg) for arg in exec_argv),
        "Restart=on-failure",
        "RestartSec=30",
        "",
        "[Install]",
        "WantedBy=default.target",
        "",
    ]
    return "\n".join(lines)


def _config_home(env: Mapping[str, str]) -> PurePosixPath:
    config = env.get("XDG_CONFIG_HOME", "")
    if config.startswith("/"):
        return PurePosixPath(config)
    return PurePosixPath(env.get("HOME") or "/") / ".config"


def _connector_argv(python_executable: str) -> Argv:
    return (python_executable, "-m", "qbdlink", "connector", "run")


def systemd_definition(
    layout: InstallLayout, *, env: Mapping[str, str], python_executable: str
) -> AutostartDefinition:
    unit = f"qbdlink-connector-{layout.slug}.service"
    path = _config_home(env) / "systemd" / "user" / unit
    text = systemd_unit_text(
        description=f"{PRODUCT} for {layout.safe_client} (qbdlink)",
        exec_argv=_connector_argv(python_executable),
        environment={"QBDLINK_HOME": str(layout.state_dir)},
        working_directory=str(layout.state_dir),
    )
    systemctl = ("systemctl", "--user")
    return AutostartDefinition(
        kind="systemd-user",
        name=unit,
        files=(AutostartFile(path, text),),
        register_commands=((*systemctl, "daemon-reload"), (*systemctl, "enable", "--now", unit)),
        unregister_commands=((*systemctl, "disable", "--now", unit),),
        after_unregister_commands=((*systemctl, "daemon-reload"),),
    )


def systemd_user_available(runner: CommandRunner) -> bool:
    """Whether a systemd user manager answers (``systemctl --user show-environment``)."""
    return runner.run(("systemctl", "--user", "show-environment")).ok


# --- Linux: XDG autostart ---------------------------------------------------------------------

_DESKTOP_RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")


def _desktop_exec_word(arg: str) -> str:
    """One Exec argument (Desktop Entry spec): quoted if needed, ``%`` doubled."""
    if any(ch in _DESKTOP_RESERVED for ch in arg) or not arg:
        escaped = "".join(f"\\{ch}" if ch in '"`$\\' else ch for ch in arg)
        arg = f'"{escaped}"'
    return arg.replace("%", "%%")


def _desktop_string(value: str) -> str:
    """A string value of a ``.desktop`` key (backslashes and line breaks escaped)."""
    return (
        value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    )


def xdg_autostart_text(
    *, name: str, comment: str, exec_argv: Sequence[str], delay_seconds: int = 30
) -> str:
    """An XDG autostart ``.desktop`` entry that runs ``exec_argv`` at login, with no window."""
    exec_line = " ".join(_desktop_exec_word(arg) for arg in exec_argv)
    return "\n".join(
        [
            "[Desktop Entry]",
            "Type=Application",
            "Version=1.0",
            f"Name={_desktop_string(name)}",
            f"Comment={_desktop_string(comment)}",
            f"Exec={_desktop_string(exec_line)}",
            "Terminal=false",
            "NoDisplay=true",
            "X-GNOME-Autostart-enabled=true",
            f"X-GNOME-Autostart-Delay={delay_seconds}",
            "",
        ]
    )


def xdg_definition(
    layout: InstallLayout, *, env: Mapping[str, str], python_executable: str
) -> AutostartDefinition:
    file_name = f"qbdlink-connector-{layout.slug}.desktop"
    path = _config_home(env) / "autostart" / file_name
    argv = ("env", f"QBDLINK_HOME={layout.state_dir}", *_connector_argv(python_executable))
    text = xdg_autostart_text(
        name=f"{PRODUCT} ({layout.safe_client})",
        comment="Syncs QuickBooks with the platform (qbdlink).",
        exec_argv=argv,
    )
    return AutostartDefinition(
        kind="xdg-autostart", name=file_name, files=(AutostartFile(path, text),)
    )


# --- choosing and registering -----------------------------------------------------------------


def autostart_definition(
    layout: InstallLayout,
    *,
    env: Mapping[str, str],
    python_executable: str,
    systemd_available: bool,
    windows_user: str | None = None,
) -> AutostartDefinition:
    """The definition for this layout's platform: a task on Windows; on Linux a systemd user
    unit when ``systemctl --user`` answers (:func:`systemd_user_available`), else XDG autostart.
    """
    if layout.platform == "win32":
        return windows_task_definition(layout, user_id=windows_user or windows_user_id(env))
    if layout.platform == "linux" and systemd_available:
        return systemd_definition(layout, env=env, python_executable=python_executable)
    return xdg_definition(layout, env=env, python_executable=python_executable)


def register(
    definition: AutostartDefinition,
    runner: CommandRunner,
    fs: FileSystem | None = None,
) -> None:
    """Write the definition's files, then run its commands; a failing command raises."""
    files = fs or LocalFileSystem()
    for item in definition.files:
        files.write_bytes(item.path, item.data(), mode=0o644)
    for argv in definition.register_commands:
        result = runner.run(argv)
        if not result.ok:
            raise AutostartError(
                f"Could not set the {PRODUCT} to start with this computer: "
                f"`{' '.join(argv)}` failed ({_why(result)}).",
                fix=_autostart_fix(definition),
            )


def unregister(
    definition: AutostartDefinition,
    runner: CommandRunner,
    fs: FileSystem | None = None,
    *,
    check: bool = False,
) -> tuple[CommandResult, ...]:
    """Stop and remove the entry; return the failed commands (or raise them when ``check``).

    Best effort by default: uninstalling goes on when the entry is already gone.
    """
    files = fs or LocalFileSystem()
    failed: list[CommandResult] = []
    for argv in definition.unregister_commands:
        result = runner.run(argv)
        if not result.ok:
            failed.append(result)
    for item in definition.files:
        files.remove_file(item.path)
    for argv in definition.after_unregister_commands:
        result = runner.run(argv)
        if not result.ok:
            failed.append(result)
    if failed and check:
        raise AutostartError(
            f"Could not stop the {PRODUCT} from starting with this computer ({_why(failed[0])}).",
            fix=_autostart_fix(definition),
        )
    return tuple(failed)


def _why(result: CommandResult) -> str:
    text = (result.stderr or result.stdout).strip().splitlines()
    return f"exit code {result.returncode}" + (f": {text[-1]}" if text else "")


def _autostart_fix(definition: AutostartDefinition) -> str:
    if definition.kind == "windows-task":
        return (
            "Run the connector as a Windows administrator, or ask the administrator to check "
            f"that Task Scheduler is running and that no policy blocks new tasks "
            f"(task {definition.name})."
        )
    if definition.kind == "systemd-user":
        return (
            f"Check `systemctl --user status {definition.name}` and "
            f"`journalctl --user -u {definition.name}`, then run the connector again."
        )
    return "Check that your desktop supports XDG autostart entries, then run the connector again."
