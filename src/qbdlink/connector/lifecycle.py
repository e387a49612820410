"""Starting with the machine (ongoing mode) and removing the connector (one-time mode, or asked).

Thin glue between the link outcome and the install package: which autostart entry, and the
uninstall plan for this layout. Commands and files go through injectable seams.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePath

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from qbdlink.connector.install.autostart import (
    AutostartDefinition,
    autostart_definition,
    register,
    systemd_user_available,
)
from qbdlink.connector.install.manifest import ProgressCallback, verify_installation
from qbdlink.connector.install.paths import InstallLayout
from qbdlink.connector.install.seams import CommandRunner, FileSystem, LocalFileSystem
from qbdlink.connector.install.uninstall import (
    UninstallReport,
    execute_uninstall,
    plan_uninstall,
)

log = logging.getLogger("qbdlink.connector")


def verify_program_files(
    layout: InstallLayout,
    *,
    public_key: Ed25519PublicKey | None = None,
    progress: ProgressCallback | None = None,
) -> bool:
    """Check the installed files against the signed manifest installed beside them.

    Returns False when there is no manifest (a development install); raises the integrity
    error (naming the file, with the fix: reinstall from the Link page) when one was altered.
    """
    manifest = Path(layout.manifest_path)
    if not manifest.is_file():
        return False
    verify_installation(
        Path(layout.program_dir), manifest.read_bytes(), public_key, progress=progress
    )
    return True


def autostart_for(
    layout: InstallLayout, runner: CommandRunner, env: Mapping[str, str] | None = None
) -> AutostartDefinition:
    environment = os.environ if env is None else env
    return autostart_definition(
        layout,
        env=environment,
        python_executable=sys.executable,
        systemd_available=layout.platform == "linux" and systemd_user_available(runner),
    )


def start_with_the_machine(
    layout: InstallLayout,
    runner: CommandRunner,
    fs: FileSystem | None = None,
    env: Mapping[str, str] | None = None,
) -> AutostartDefinition:
    definition = autostart_for(layout, runner, env)
    register(definition, runner, fs)
    log.info("registered to start with the machine: %s (%s)", definition.name, definition.kind)
    return definition


def remove_connector(
    layout: InstallLayout,
    runner: CommandRunner,
    fs: FileSystem | None = None,
    env: Mapping[str, str] | None = None,
) -> UninstallReport:
    """Remove the autostart entry, the credential, the state, the logs and the program files.

    On Windows the files in use go after this process exits (a detached cleanup script).
    """
    plan = plan_uninstall(layout, autostart=autostart_for(layout, runner, env))
    for handler in list(logging.getLogger("qbdlink").handlers):
        handler.close()  # the log file is one of the files removed
        logging.getLogger("qbdlink").removeHandler(handler)
    return execute_uninstall(
        plan,
        runner=runner,
        fs=fs or LocalFileSystem(),
        pid=os.getpid(),
        script_dir=PurePath(tempfile.gettempdir()),
    )
