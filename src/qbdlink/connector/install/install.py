"""Install the connector's files into the program folder and check them against the signed manifest.

``install`` is idempotent: a file already in place with the same size and SHA-256 is left
alone, others are replaced atomically (temporary file + rename), so running the installer again
repairs an installation. The signed manifest's signature is checked before anything is copied;
after copying, every file it lists is verified. File-system failures come back as typed errors
with the fix: disk full, permission denied (not an administrator, antivirus), file in use (the
connector still running).

Registering autostart (ongoing mode) is not part of installing: it follows the first link
(:mod:`.autostart`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ...errors import QbdlinkError
from ._fs import atomic_write_bytes
from .admin import AdminCheck, is_administrator, require_administrator
from .errors import DiskFullError, FileInUseError, InstallError, InstallPermissionError
from .manifest import (
    Manifest,
    ProgressCallback,
    file_sha256,
    parse_signed_manifest,
    verify_installation,
)
from .paths import InstallLayout

__all__ = [
    "CopyFile",
    "InstallReport",
    "copy_file_atomic",
    "install",
    "translate_os_error",
]

CopyFile = Callable[[Path, Path], None]

# Windows error codes (OSError.winerror)
_ERROR_ACCESS_DENIED = 5
_ERROR_SHARING_VIOLATION = 32
_ERROR_LOCK_VIOLATION = 33
_ERROR_HANDLE_DISK_FULL = 39
_ERROR_DISK_FULL = 112


@dataclass(frozen=True)
class InstallReport:
    program_dir: Path
    copied: tuple[str, ...]
    unchanged: tuple[str, ...]
    manifest: Manifest | None


def copy_file_atomic(source: Path, destination: Path) -> None:
    """Copy through a temporary file beside ``destination``, then rename over it."""
    tmp = destination.with_name(f".{destination.name}.{secrets.token_hex(6)}.tmp")
    try:
        shutil.copyfile(source, tmp)
        shutil.copymode(source, tmp)
        os.replace(tmp, destination)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def install(
    layout: InstallLayout,
    source_files: Mapping[str, Path],
    *,
    signed_manifest: bytes | None = None,
    public_key: Ed25519PublicKey | None = None,
    progress: ProgressCallback | None = None,
    verify_progress: ProgressCallback | None = None,
    is_admin: AdminCheck = is_administrator,
    copy_file: CopyFile = copy_file_atomic,
) -> InstallReport:
    """Copy ``source_files`` (relative ``/``-separated name -> source file) into the program folder.

    Windows needs an administrator (checked first, :class:`~.errors.AdministratorRequiredError`).
    ``progress(done, total, name)`` follows each file copied or found in place. With a
    ``signed_manifest``, its signature is checked before copying (``public_key`` defaults to the
    publisher's), it is written beside the files, and the installation is verified
    (``verify_progress``).
    """
    if layout.requires_administrator:
        require_administrator(is_admin)
    manifest = (
        parse_signed_manifest(signed_manifest, public_key) if signed_manifest is not None else None
    )
    program_dir = Path(layout.program_dir)
    names = sorted(source_files)
    for name in names:
        _check_name(name)
    needed = _total_size(source_files)
    copied: list[str] = []
    unchanged: list[str] = []
    current = program_dir
    try:
        program_dir.mkdir(parents=True, exist_ok=True)
        state_dir = Path(layout.state_dir)
        current = state_dir
        state_dir.mkdir(parents=True, exist_ok=True)
        for done, name in enumerate(names, start=1):
            source = source_files[name]
            destination = program_dir.joinpath(*PurePosixPath(name).parts)
            current = destination
            if _same_file(source, destination):
                unchanged.append(name)
            else:
                destination.parent.mkdir(parents=True, exist_ok=True)
                copy_file(source, destination)
                copied.append(name)
            if progress is not None:
                progress(done, len(names), name)
        if signed_manifest is not None:
            current = Path(layout.manifest_path)
            atomic_write_bytes(current, signed_manifest)
    except OSError as exc:
        raise translate_os_error(
            exc, current, needed_bytes=needed, windows=layout.platform == "win32"
        ) from exc
    if signed_manifest is not None:
        verify_installation(program_dir, signed_manifest, public_key, progress=verify_progress)
    return InstallReport(program_dir, tuple(copied), tuple(unchanged), manifest)


def _check_name(name: str) -> None:
    parts = name.split("/")
    if not name or "\\" in name or ":" in name or any(p in ("", ".", "..") for p in parts):
        raise InstallError(
            f"The installer lists a file with an unsafe name: {name!r}.",
            fix="The installer is damaged: download it again from the Link page.",
        )


def _total_size(source_files: Mapping[str, Path]) -> int:
    total = 0
    for path in source_files.values():
        with contextlib.suppress(OSError):
            total += path.stat().st_size
    return total


def _same_file(source: Path, destination: Path) -> bool:
    try:
        if source.stat().st_size != destination.stat().st_size:
            return False
    except FileNotFoundError:
        return False
    return file_sha256(source) == file_sha256(destination)


def translate_os_error(
    exc: OSError, path: Path, *, needed_bytes: int = 0, windows: bool = True
) -> QbdlinkError:
    """A file-system failure while installing ``path``, as a typed error with its fix."""
    winerror = getattr(exc, "winerror", None)
    detail = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT) or winerror in (
        _ERROR_DISK_FULL,
        _ERROR_HANDLE_DISK_FULL,
    ):
        megabytes = max(1, -(-needed_bytes // (1024 * 1024)))
        return DiskFullError(
            f"There is not enough free disk space to install the QuickBooks connector "
            f"(writing {path}).",
            fix=f"Free at least {megabytes} MB on that drive, then run the connector again.",
        )
    if winerror in (_ERROR_SHARING_VIOLATION, _ERROR_LOCK_VIOLATION) or exc.errno == errno.ETXTBSY:
        return FileInUseError(
            f"{path} is in use, so it cannot be replaced ({detail}).",
            fix=(
                "Close the QuickBooks connector (it may still be running in the background), "
                "then run the installer again."
            ),
        )
    if (
        isinstance(exc, PermissionError)
        or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS)
        or winerror == _ERROR_ACCESS_DENIED
    ):
        if windows:
            fix = (
                "Run the connector as a Windows administrator (right-click it and choose 'Run as "
                "administrator'). If antivirus software blocked it, ask whoever manages it to "
                "allow the connector's folder, then run it again."
            )
        else:
            fix = (
                f"Make {path.parent} writable for this user, or choose another install folder, "
                "then run the connector again."
            )
        return InstallPermissionError(
            f"The QuickBooks connector is not allowed to write {path} ({detail}).", fix=fix
        )
    return InstallError(
        f"Installing the QuickBooks connector failed while writing {path}: {detail}."
    )
