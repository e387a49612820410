"""The two seams the install modules do their I/O through: commands and file removal/writes.

Tests pass recording fakes; the connector's composition root passes :class:`SubprocessRunner` and
:class:`LocalFileSystem`. Paths are ``PurePath``: a Windows layout can be planned (and recorded by
a fake) on any machine; :class:`LocalFileSystem` turns them into real paths.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Protocol

from ._fs import atomic_write_bytes

__all__ = [
    "CommandResult",
    "CommandRunner",
    "FileSystem",
    "LocalFileSystem",
    "SubprocessRunner",
]

# Windows process creation flags (subprocess defines them only on Windows).
_CREATE_NEW_PROCESS_GROUP = 0x00000200
_CREATE_NO_WINDOW = 0x08000000
_CREATE_BREAKAWAY_FROM_JOB = 0x01000000


@dataclass(frozen=True)
class CommandResult:
    returncode: int
    stdout: str = ""
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0


class CommandRunner(Protocol):
    def run(self, argv: Sequence[str]) -> CommandResult:
        """Run ``argv`` (no shell), wait, and return its exit code and output.

        A program that cannot be found is a result with return code 127, not an exception.
        """
        ...

    def start_detached(self, argv: Sequence[str]) -> None:
        """Start ``argv`` so it outlives this process (no console window on Windows)."""
        ...


class SubprocessRunner:
    """Runs commands with :mod:`subprocess`, never through a shell."""

    def __init__(self, timeout: float = 60.0) -> None:
        self.timeout = timeout

    def run(self, argv: Sequence[str]) -> CommandResult:
        try:
            done = subprocess.run(
                list(argv),
                capture_output=True,
                text=True,
                errors="replace",
                timeout=self.timeout,
                check=False,
                stdin=subprocess.DEVNULL,
                creationflags=_CREATE_NO_WINDOW if sys.platform == "win32" else 0,
            )
        except FileNotFoundError as exc:
            return CommandResult(127, "", f"{argv[0]}: {exc.strerror or 'not found'}")
        except subprocess.TimeoutExpired:
            return CommandResult(124, "", f"{argv[0]}: no answer after {self.timeout:g} s")
        return CommandResult(done.returncode, done.stdout, done.stderr)

    def start_detached(self, argv: Sequence[str]) -> None:
        if sys.platform == "win32":
            flags = _CREATE_NEW_PROCESS_GROUP | _CREATE_NO_WINDOW | _CREATE_BREAKAWAY_FROM_JOB
            subprocess.Popen(
                list(argv),
                creationflags=flags,
                close_fds=True,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        else:
            subprocess.Popen(
                list(argv),
                start_new_session=True,
                close_fds=True,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )


class FileSystem(Protocol):
    def write_bytes(self, path: PurePath, data: bytes, *, mode: int = 0o644) -> None:
        """Write atomically, creating the parent folders."""
        ...

    def exists(self, path: PurePath) -> bool: ...

    def remove_file(self, path: PurePath) -> bool:
        """Remove a file; False when there was none."""
        ...

    def remove_tree(self, path: PurePath) -> bool:
        """Remove a folder and everything in it; False when there was none."""
        ...

    def remove_empty_dir(self, path: PurePath) -> bool:
        """Remove a folder only if it is empty; False when it is absent or not empty."""
        ...


class LocalFileSystem:
    """The real file system."""

    def write_bytes(self, path: PurePath, data: bytes, *, mode: int = 0o644) -> None:
        atomic_write_bytes(Path(path), data, mode=mode)

    def exists(self, path: PurePath) -> bool:
        return os.path.lexists(path)

    def remove_file(self, path: PurePath) -> bool:
        try:
            os.unlink(path)
        except FileNotFoundError:
            return False
        return True

    def remove_tree(self, path: PurePath) -> bool:
        real = Path(path)
        if real.is_symlink():
            real.unlink()
            return True
        if not real.is_dir():
            return False
        if sys.version_info >= (3, 12):
            shutil.rmtree(real, onexc=_make_writable_and_retry)
        else:
            shutil.rmtree(real, onerror=lambda f, p, info: _make_writable_and_retry(f, p, info[1]))
        return True

    def remove_empty_dir(self, path: PurePath) -> bool:
        try:
            os.rmdir(path)
        except OSError:
            return False
        return True


def _make_writable_and_retry(func: Callable[[str], object], path: str, exc: BaseException) -> None:
    """Windows refuses to delete read-only files: clear the flag and try once more."""
    if not isinstance(exc, PermissionError):
        raise exc
    with contextlib.suppress(OSError):
        os.chmod(path, 0o700)
    func(path)
