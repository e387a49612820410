from __future__ import annotations

import errno
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from qbdlink.connector.install.errors import (
    AdministratorRequiredError,
    DiskFullError,
    FileInUseError,
    InstallError,
    InstallPermissionError,
    ManifestSignatureError,
    TamperedFileError,
)
from qbdlink.connector.install.install import copy_file_atomic, install, translate_os_error
from qbdlink.connector.install.manifest import build_manifest, sign_manifest
from qbdlink.connector.install.paths import InstallLayout
from qbdlink.errors import PermanentError, UserActionError

FILES = {
    "qbdlink-connector.exe": b"MZ connector",
    "lib/base_library.zip": b"PK library" * 100,
    "lib/certifi/cacert.pem": b"certs",
}


@pytest.fixture
def source(tmp_path: Path) -> dict[str, Path]:
    build = tmp_path / "build"
    out: dict[str, Path] = {}
    for name, data in FILES.items():
        path = build.joinpath(*name.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        out[name] = path
    return out


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def layout_in(tmp_path: Path) -> InstallLayout:
    env = {"HOME": str(tmp_path), "QBDLINK_HOME": str(tmp_path / "state")}
    return InstallLayout.compute("linux", env, "Acme & Sons", tmp_path / "root")


def signed_for(source: dict[str, Path], key: Ed25519PrivateKey) -> bytes:
    build = source["qbdlink-connector.exe"].parent
    return sign_manifest(build_manifest(build, source), key)


def test_install_copies_writes_the_manifest_and_verifies(
    tmp_path: Path, source: dict[str, Path], key: Ed25519PrivateKey
) -> None:
    layout = layout_in(tmp_path)
    document = signed_for(source, key)
    copied: list[tuple[int, int, str]] = []
    verified: list[tuple[int, int, str]] = []
    report = install(
        layout,
        source,
        signed_manifest=document,
        public_key=key.public_key(),
        progress=lambda *a: copied.append(a),
        verify_progress=lambda *a: verified.append(a),
    )
    program = tmp_path / "root" / "Acme & Sons" / "QuickBooks-connector"
    assert report.program_dir == program
    for name, data in FILES.items():
        assert program.joinpath(*name.split("/")).read_bytes() == data
    assert (program / "manifest.signed.json").read_bytes() == document
    assert (tmp_path / "state").is_dir()
    assert report.copied == tuple(sorted(FILES))
    assert report.unchanged == ()
    assert report.manifest is not None and len(report.manifest.files) == 3
    expected = [(i, 3, name) for i, name in enumerate(sorted(FILES), start=1)]
    assert copied == expected
    assert verified == expected
    assert not [p for p in program.rglob("*.tmp")]


def test_installing_again_changes_nothing_and_repairs_a_changed_file(
    tmp_path: Path, source: dict[str, Path], key: Ed25519PrivateKey
) -> None:
    layout = layout_in(tmp_path)
    document = signed_for(source, key)
    install(layout, source, signed_manifest=document, public_key=key.public_key())
    again = install(layout, source, signed_manifest=document, public_key=key.public_key())
    assert again.copied == ()
    assert again.unchanged == tuple(sorted(FILES))
    exe = tmp_path / "root" / "Acme & Sons" / "QuickBooks-connector" / "qbdlink-connector.exe"
    exe.write_bytes(b"MZ evil!!!!!")
    repaired = install(layout, source, signed_manifest=document, public_key=key.public_key())
    assert repaired.copied == ("qbdlink-connector.exe",)
    assert exe.read_bytes() == FILES["qbdlink-connector.exe"]


def test_a_manifest_signed_by_another_key_stops_before_copying(
    tmp_path: Path, source: dict[str, Path], key: Ed25519PrivateKey
) -> None:
    layout = layout_in(tmp_path)
    with pytest.raises(ManifestSignatureError):
        install(layout, source, signed_manifest=signed_for(source, key))  # built-in key
    assert not (tmp_path / "root").exists()


def test_source_files_that_do_not_match_the_manifest_fail_verification(
    tmp_path: Path, source: dict[str, Path], key: Ed25519PrivateKey
) -> None:
    document = signed_for(source, key)
    source["lib/certifi/cacert.pem"].write_bytes(b"CERTS")
    with pytest.raises(TamperedFileError, match=r"cacert\.pem"):
        install(layout_in(tmp_path), source, signed_manifest=document, public_key=key.public_key())


def test_windows_needs_an_administrator_before_anything_is_written(
    tmp_path: Path, source: dict[str, Path]
) -> None:
    layout = InstallLayout.compute("win32", {}, "Acme", str(tmp_path / "root"))
    with pytest.raises(AdministratorRequiredError):
        install(layout, source, is_admin=lambda: False)
    assert not (tmp_path / "root").exists()


def test_posix_needs_no_administrator(tmp_path: Path, source: dict[str, Path]) -> None:
    install(layout_in(tmp_path), source, is_admin=lambda: False)


@pytest.mark.parametrize("name", ["../evil.dll", "/abs", "a//b", "C:x", "a\\b", ""])
def test_unsafe_names_are_refused(tmp_path: Path, source: dict[str, Path], name: str) -> None:
    with pytest.raises(InstallError, match="unsafe name"):
        install(layout_in(tmp_path), {name: source["qbdlink-connector.exe"]})


def test_a_full_disk_is_a_user_action_with_the_space_needed(
    tmp_path: Path, source: dict[str, Path]
) -> None:
    def disk_full(source: Path, destination: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(DiskFullError) as caught:
        install(layout_in(tmp_path), source, copy_file=disk_full)
    assert isinstance(caught.value, UserActionError)
    assert "not enough free disk space" in caught.value.message
    assert caught.value.fix.startswith("Free at least 1 MB")


def test_permission_denied_says_how_to_get_the_right(
    tmp_path: Path, source: dict[str, Path]
) -> None:
    def denied(source: Path, destination: Path) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    with pytest.raises(InstallPermissionError) as caught:
        install(layout_in(tmp_path), source, copy_file=denied)
    assert "not allowed to write" in caught.value.message
    assert "writable" in caught.value.fix


def test_translate_windows_errors() -> None:
    path = Path("qbdlink-connector.exe")
    in_use = OSError(errno.EACCES, "The process cannot access the file")
    in_use.winerror = 32  # type: ignore[attr-defined]
    assert isinstance(translate_os_error(in_use, path), FileInUseError)
    full = OSError(errno.EIO, "There is not enough space on the disk")
    full.winerror = 112  # type: ignore[attr-defined]
    assert isinstance(translate_os_error(full, path, needed_bytes=50 * 2**20), DiskFullError)
    assert translate_os_error(full, path, needed_bytes=50 * 2**20).fix.startswith(
        "Free at least 50 MB"
    )
    denied = translate_os_error(PermissionError(errno.EACCES, "Access is denied"), path)
    assert isinstance(denied, InstallPermissionError)
    assert "Run as administrator" in denied.fix
    assert "antivirus" in denied.fix
    busy = translate_os_error(OSError(errno.ETXTBSY, "Text file busy"), path, windows=False)
    assert isinstance(busy, FileInUseError)
    other = translate_os_error(OSError(errno.EIO, "I/O error"), path)
    assert type(other) is InstallError and isinstance(other, PermanentError)


def test_copy_file_atomic_replaces_and_keeps_the_mode(tmp_path: Path) -> None:
    src = tmp_path / "a"
    src.write_bytes(b"new")
    src.chmod(0o755)
    dst = tmp_path / "b"
    dst.write_bytes(b"old")
    copy_file_atomic(src, dst)
    assert dst.read_bytes() == b"new"
    assert dst.stat().st_mode & 0o777 == 0o755
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]
