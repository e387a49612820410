from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from qbdlink.connector.install.credentials import (
    DpapiCredentialStore,
    FileCredentialStore,
    credential_store_for,
    dpapi_protect,
)
from qbdlink.connector.install.errors import (
    CredentialProtectionError,
    InsecureCredentialFileError,
)
from qbdlink.connector.install.paths import InstallLayout
from qbdlink.errors import ConfigurationError

CREDENTIAL = "qbdc_live_4f9a8c7e6d5b4a3f2e1d0c9b8a7f6e5d"

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@posix_only
def test_the_file_store_writes_mode_0600_whatever_the_umask(tmp_path: Path) -> None:
    path = tmp_path / "state" / "connector.credential"
    store = FileCredentialStore(path)
    old = os.umask(0)
    try:
        store.store(CREDENTIAL)
    finally:
        os.umask(old)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert path.read_text() == CREDENTIAL
    assert store.load() == CREDENTIAL


def test_the_file_store_replaces_atomically_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    store = FileCredentialStore(tmp_path / "connector.credential")
    store.store(CREDENTIAL)
    store.store("qbdc_second")
    assert store.load() == "qbdc_second"
    assert [p.name for p in tmp_path.iterdir()] == ["connector.credential"]


def test_nothing_stored_is_none_and_delete_is_idempotent(tmp_path: Path) -> None:
    store = FileCredentialStore(tmp_path / "connector.credential")
    assert store.load() is None
    store.store(CREDENTIAL)
    store.delete()
    assert store.load() is None
    store.delete()


@posix_only
@pytest.mark.parametrize("bad_mode", [0o640, 0o604, 0o644, 0o660])
def test_a_group_or_world_readable_file_is_refused_with_the_fix(
    tmp_path: Path, bad_mode: int
) -> None:
    path = tmp_path / "connector.credential"
    store = FileCredentialStore(path)
    store.store(CREDENTIAL)
    path.chmod(bad_mode)
    with pytest.raises(InsecureCredentialFileError) as caught:
        store.load()
    error = caught.value
    assert isinstance(error, ConfigurationError)
    assert f"{bad_mode:04o}" in error.message
    assert f"chmod 600 '{path}'" in error.fix
    assert CREDENTIAL not in error.user_text()


@posix_only
def test_a_symlink_is_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.write_text(CREDENTIAL)
    target.chmod(0o600)
    link = tmp_path / "connector.credential"
    link.symlink_to(target)
    with pytest.raises(OSError):
        FileCredentialStore(link).load()


def test_the_stores_never_show_the_credential(tmp_path: Path) -> None:
    store = FileCredentialStore(tmp_path / "c")
    store.store(CREDENTIAL)
    assert CREDENTIAL not in repr(store)
    with pytest.raises(ValueError) as caught:
        store.store(CREDENTIAL + "\n")
    assert CREDENTIAL not in str(caught.value)
    with pytest.raises(ValueError):
        store.store("")


def xor_protect(data: bytes) -> bytes:
    """A reversible stand-in for DPAPI: tests the store around it, not the cipher."""
    return b"DPAPI" + bytes(b ^ 0x5A for b in data)


def xor_unprotect(blob: bytes) -> bytes:
    if not blob.startswith(b"DPAPI"):
        raise CredentialProtectionError("not a DPAPI blob")
    return bytes(b ^ 0x5A for b in blob[5:])


def test_the_dpapi_store_writes_only_the_protected_blob(tmp_path: Path) -> None:
    path = tmp_path / "connector.credential"
    store = DpapiCredentialStore(path, protect=xor_protect, unprotect=xor_unprotect)
    store.store(CREDENTIAL)
    assert path.read_bytes() == xor_protect(CREDENTIAL.encode())
    assert CREDENTIAL.encode() not in path.read_bytes()
    assert store.load() == CREDENTIAL
    store.delete()
    assert store.load() is None
    assert CREDENTIAL not in repr(store)


def test_the_dpapi_store_reports_a_blob_it_cannot_read(tmp_path: Path) -> None:
    path = tmp_path / "connector.credential"
    path.write_bytes(b"garbage")
    store = DpapiCredentialStore(path, protect=xor_protect, unprotect=xor_unprotect)
    with pytest.raises(CredentialProtectionError):
        store.load()
    path.write_bytes(xor_protect(b"\xff\xfe"))
    with pytest.raises(CredentialProtectionError, match="damaged"):
        store.load()


def test_real_dpapi_on_windows_and_a_typed_error_elsewhere(tmp_path: Path) -> None:
    """On Windows the real DPAPI round trip; elsewhere DPAPI is a clear error, not a crash."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        store = DpapiCredentialStore(tmp_path / "c")
        store.store(CREDENTIAL)
        assert store.load() == CREDENTIAL
        return
    with pytest.raises(CredentialProtectionError, match="only available on Windows"):
        dpapi_protect(b"x")


def test_the_store_follows_the_platform(tmp_path: Path) -> None:
    win = InstallLayout.compute("win32", {"ProgramData": r"C:\ProgramData"}, "Acme")
    assert isinstance(credential_store_for(win), DpapiCredentialStore)
    linux = InstallLayout.compute("linux", {"QBDLINK_HOME": str(tmp_path)}, "Acme")
    store = credential_store_for(linux)
    assert isinstance(store, FileCredentialStore)
    assert store.path == tmp_path / "connector.credential"
