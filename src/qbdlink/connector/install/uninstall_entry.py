"""The connector's entry in Windows' Apps & features, which runs the connector's own uninstall.

A pure generator: :func:`uninstall_entry` gives the registry key
(``HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\QuickBooksConnector_<Client>``),
its values, and the ``reg add`` / ``reg delete`` commands that write and remove them;
:func:`register_uninstall_entry` and :func:`remove_uninstall_entry` run them through a
:class:`~.seams.CommandRunner`. ``UninstallString`` runs ``qbdlink-connector.exe uninstall``
(the connector asks for confirmation); ``QuietUninstallString`` adds ``--yes``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .errors import InstallError
from .paths import InstallLayout
from .seams import CommandResult, CommandRunner

__all__ = [
    "UNINSTALL_ROOT",
    "RegistryValue",
    "UninstallEntry",
    "register_uninstall_entry",
    "remove_uninstall_entry",
    "uninstall_entry",
]

UNINSTALL_ROOT = r"HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall"


@dataclass(frozen=True)
class RegistryValue:
    name: str
    kind: Literal["REG_SZ", "REG_DWORD"]
    data: str


@dataclass(frozen=True)
class UninstallEntry:
    key: str
    values: tuple[RegistryValue, ...]

    def register_commands(self) -> tuple[tuple[str, ...], ...]:
        return tuple(
            ("reg", "add", self.key, "/v", value.name, "/t", value.kind, "/d", value.data, "/f")
            for value in self.values
        )

    def unregister_command(self) -> tuple[str, ...]:
        return ("reg", "delete", self.key, "/f")


def uninstall_entry(
    layout: InstallLayout, *, version: str, publisher: str, size_bytes: int = 0
) -> UninstallEntry:
    """The Apps & features entry of ``layout``'s connector, at ``version``."""
    exe = f'"{layout.executable_path}"'
    values = [
        RegistryValue("DisplayName", "REG_SZ", f"{layout.safe_client} QuickBooks connector"),
        RegistryValue("DisplayVersion", "REG_SZ", version),
        RegistryValue("Publisher", "REG_SZ", publisher),
        RegistryValue("InstallLocation", "REG_SZ", str(layout.program_dir)),
        RegistryValue("DisplayIcon", "REG_SZ", f"{layout.executable_path},0"),
        RegistryValue("UninstallString", "REG_SZ", f"{exe} uninstall"),
        RegistryValue("QuietUninstallString", "REG_SZ", f"{exe} uninstall --yes"),
        RegistryValue("NoModify", "REG_DWORD", "1"),
        RegistryValue("NoRepair", "REG_DWORD", "1"),
    ]
    if size_bytes > 0:
        values.append(RegistryValue("EstimatedSize", "REG_DWORD", str(-(-size_bytes // 1024))))
    return UninstallEntry(f"{UNINSTALL_ROOT}\\{layout.windows_task_name}", tuple(values))


def register_uninstall_entry(entry: UninstallEntry, runner: CommandRunner) -> None:
    """Write every value; the first failing ``reg add`` raises (with the fix)."""
    for argv in entry.register_commands():
        result = runner.run(argv)
        if not result.ok:
            raise InstallError(
                f"Could not add the QuickBooks connector to Apps & features ({entry.key}): "
                f"{_why(result)}.",
                fix="Run the connector again as a Windows administrator.",
            )


def remove_uninstall_entry(entry: UninstallEntry, runner: CommandRunner) -> CommandResult:
    """Delete the key (best effort: the result says whether it went)."""
    return runner.run(entry.unregister_command())


def _why(result: CommandResult) -> str:
    text = (result.stderr or result.stdout).strip().splitlines()
    return f"exit code {result.returncode}" + (f": {text[-1]}" if text else "")
