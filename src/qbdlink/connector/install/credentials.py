"""The connector credential at rest: DPAPI on Windows, a 0600 file elsewhere.

The credential is what the platform gave the connector in exchange for the licence key; whoever
holds it can upload on the company's behalf, so it is never logged and never readable by other
users. Both stores write atomically (temporary file + rename), so a crash leaves the old
credential or the new one.

Windows: the file holds a DPAPI blob (``CryptProtectData``, current-user scope by default, with
the connector's own entropy); the ctypes code is imported only when it runs on Windows, and the
protect/unprotect functions can be injected, so everything around them is tested anywhere.
POSIX: the file is created with mode 0600; a file that is group- or world-readable, or that
belongs to another user, is refused with the command that fixes it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from ._fs import atomic_write_bytes
from .errors import CredentialProtectionError, InsecureCredentialFileError
from .paths import InstallLayout

__all__ = [
    "CredentialStore",
    "DpapiCredentialStore",
    "FileCredentialStore",
    "credential_store_for",
    "dpapi_protect",
    "dpapi_unprotect",
]

_ENTROPY = b"qbdlink-connector-credential/1"
_CRYPTPROTECT_UI_FORBIDDEN = 0x1
_CRYPTPROTECT_LOCAL_MACHINE = 0x4


class CredentialStore(Protocol):
    """Where the connector keeps its credential between runs."""

    def store(self, credential: str) -> None: ...

    def load(self) -> str | None:
        """The stored credential, or None when the connector has not been linked."""
        ...

    def delete(self) -> None:
        """Remove the credential; nothing happens when there is none."""
        ...


class FileCredentialStore:
    """The credential in a file only its owner can read (mode 0600), for POSIX systems."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __repr__(self) -> str:
        return f"FileCredentialStore({str(self.path)!r})"

    def store(self, credential: str) -> None:
        _check_credential(credential)
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic_write_bytes(self.path, credential.encode("utf-8"), mode=0o600)

    def load(self) -> str | None:
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(self.path, flags)
        except FileNotFoundError:
            return None
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(f.fileno())
            self._check_private(st)
            text = f.read().decode("utf-8").strip()
        return text or None

    def _check_private(self, st: os.stat_result) -> None:
        geteuid = getattr(os, "geteuid", None)
        if geteuid is not None and st.st_uid != geteuid():
            raise InsecureCredentialFileError(
                f"The connector credential file {self.path} belongs to another user.",
                fix=f"Delete {self.path} and link the connector again from the Link page.",
            )
        if st.st_mode & 0o077:
            raise InsecureCredentialFileError(
                f"The connector credential file {self.path} can be read by other users "
                f"(mode {stat.S_IMODE(st.st_mode):04o}); the connector will not use it.",
                fix=(
                    f"Run `chmod 600 '{self.path}'`, or delete the file and link the connector "
                    "again from the Link page."
                ),
            )

    def delete(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


Transform = Callable[[bytes], bytes]


class DpapiCredentialStore:
    """The credential encrypted with Windows DPAPI, in a file.

    ``protect`` and ``unprotect`` default to :func:`dpapi_protect` / :func:`dpapi_unprotect`
    (Windows only); tests inject a reversible pair to check everything else on any platform.
    ``machine_scope`` lets any account on this PC decrypt (current user by default).
    """

    def __init__(
        self,
        path: Path,
        *,
        machine_scope: bool = False,
        protect: Transform | None = None,
        unprotect: Transform | None = None,
    ) -> None:
        self.path = path
        self._protect: Transform = protect or (lambda b: dpapi_protect(b, machine_scope))
        self._unprotect: Transform = unprotect or (lambda b: dpapi_unprotect(b, machine_scope))

    def __repr__(self) -> str:
        return f"DpapiCredentialStore({str(self.path)!r})"

    def store(self, credential: str) -> None:
        _check_credential(credential)
        atomic_write_bytes(self.path, self._protect(credential.encode("utf-8")), mode=0o600)

    def load(self) -> str | None:
        try:
            blob = self.path.read_bytes()
        except FileNotFoundError:
            return None
        if not blob:
            return None
        try:
            text = self._unprotect(blob).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CredentialProtectionError(
                f"The connector credential in {self.path} is damaged."
            ) from exc
        return text.strip() or None

    def delete(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


def credential_store_for(layout: InstallLayout) -> CredentialStore:
    """DPAPI on Windows, a 0600 file elsewhere, at the layout's credential path."""
    path = Path(layout.credential_path)
    if layout.platform == "win32":
        return DpapiCredentialStore(path)
    return FileCredentialStore(path)


def _check_credential(credential: str) -> None:
    if not credential or credential != credential.strip() or "\n" in credential:
        # The message never includes the value.
        raise ValueError("a connector credential is one non-empty line without outer spaces")


def dpapi_protect(data: bytes, machine_scope: bool = False) -> bytes:
    """``CryptProtectData`` (Windows only)."""
    return _dpapi(data, protect=True, machine_scope=machine_scope)


def dpapi_unprotect(data: bytes, machine_scope: bool = False) -> bytes:
    """``CryptUnprotectData`` (Windows only)."""
    return _dpapi(data, protect=False, machine_scope=machine_scope)


def _dpapi(data: bytes, *, protect: bool, machine_scope: bool) -> bytes:
    if sys.platform == "win32":
        import ctypes
        from ctypes import wintypes

        class _Blob(ctypes.Structure):
            _fields_ = [("cbData", wintypes.DWORD), ("pbData", ctypes.POINTER(ctypes.c_char))]

        def blob_of(buf: ctypes.Array[ctypes.c_char]) -> _Blob:
            return _Blob(len(buf), ctypes.cast(buf, ctypes.POINTER(ctypes.c_char)))

        data_buf = ctypes.create_string_buffer(data, len(data))
        entropy_buf = ctypes.create_string_buffer(_ENTROPY, len(_ENTROPY))
        data_in, entropy, out = blob_of(data_buf), blob_of(entropy_buf), _Blob()
        flags = _CRYPTPROTECT_UI_FORBIDDEN | (_CRYPTPROTECT_LOCAL_MACHINE if machine_scope else 0)
        crypt32 = ctypes.WinDLL("crypt32", use_last_error=True)
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        if protect:
            ok = crypt32.CryptProtectData(
                ctypes.byref(data_in), "qbdlink connector credential", ctypes.byref(entropy),
                None, None, flags, ctypes.byref(out),
            )  # fmt: skip
        else:
            ok = crypt32.CryptUnprotectData(
                ctypes.byref(data_in), None, ctypes.byref(entropy), None, None, flags,
                ctypes.byref(out),
            )  # fmt: skip
        if not ok:
            error = ctypes.get_last_error()
            raise CredentialProtectionError(
                f"Windows could not {'protect' if protect else 'read'} the connector credential "
                f"(DPAPI error {error}: {ctypes.FormatError(error).strip()})."
            )
        try:
            return ctypes.string_at(out.pbData, out.cbData)
        finally:
            kernel32.LocalFree(out.pbData)
    else:
        raise CredentialProtectionError(
            "DPAPI is only available on Windows.",
            fix="Use FileCredentialStore on this system.",
        )
