from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from qbdlink.connector.install.errors import (
    IntegrityError,
    ManifestFormatError,
    ManifestSignatureError,
    MissingFileError,
    TamperedFileError,
)
from qbdlink.connector.install.manifest import (
    PUBLISHER_PUBLIC_KEY,
    Manifest,
    ManifestEntry,
    build_manifest,
    canonical_manifest_bytes,
    private_key_from_base64,
    public_key_from_base64,
    publisher_public_key,
    sign_manifest,
    verify_installation,
)
from qbdlink.errors import UserActionError

FILES = {
    "qbdlink-connector.exe": b"MZ" + bytes(range(256)) * 50,
    "lib/python311.zip": b"PK\x03\x04" + b"x" * 3000,
    "lib/certifi/cacert.pem": b"-----BEGIN CERTIFICATE-----\n",
    "empty.txt": b"",
}


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    for name, data in FILES.items():
        path = tmp_path.joinpath(*name.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return tmp_path


def signed(root: Path, key: Ed25519PrivateKey) -> bytes:
    return sign_manifest(build_manifest(root, FILES, version="1.2.3"), key)


def test_build_manifest_lists_size_and_sha256_sorted_by_path(installed: Path) -> None:
    manifest = build_manifest(installed, FILES)
    assert [e.path for e in manifest.files] == sorted(FILES)
    for entry in manifest.files:
        data = FILES[entry.path]
        assert entry.size == len(data)
        assert entry.sha256 == hashlib.sha256(data).hexdigest()


def test_canonical_bytes_do_not_depend_on_entry_order() -> None:
    a = ManifestEntry("a", 1, "0" * 64)
    b = ManifestEntry("b/c", 2, "1" * 64)
    one = canonical_manifest_bytes(Manifest((a, b), "1"))
    assert one == canonical_manifest_bytes(Manifest((b, a), "1"))
    assert one == (
        b'{"files":[{"path":"a","sha256":"' + b"0" * 64 + b'","size":1},'
        b'{"path":"b/c","sha256":"' + b"1" * 64 + b'","size":2}],'
        b'"format":"qbdlink-manifest/1","version":"1"}'
    )


def test_a_signed_manifest_carries_the_signed_text_and_an_ed25519_signature(
    installed: Path, key: Ed25519PrivateKey
) -> None:
    envelope = json.loads(signed(installed, key))
    assert envelope["format"] == "qbdlink-signed-manifest/1"
    signature = base64.b64decode(envelope["signature"])
    assert len(signature) == 64
    key.public_key().verify(signature, envelope["manifest"].encode())


def test_an_untouched_installation_verifies_with_progress(
    installed: Path, key: Ed25519PrivateKey
) -> None:
    seen: list[tuple[int, int, str]] = []
    manifest = verify_installation(
        installed,
        signed(installed, key),
        key.public_key(),
        progress=lambda done, total, path: seen.append((done, total, path)),
        chunk_size=1000,  # several chunks per file
    )
    assert manifest.version == "1.2.3"
    assert seen == [(i, 4, path) for i, path in enumerate(sorted(FILES), start=1)]


def test_files_the_manifest_does_not_list_are_not_examined(
    installed: Path, key: Ed25519PrivateKey
) -> None:
    document = signed(installed, key)
    (installed / "connector.log").write_text("not in the manifest")
    verify_installation(installed, document, key.public_key())


def test_one_changed_byte_is_tampering(installed: Path, key: Ed25519PrivateKey) -> None:
    document = signed(installed, key)
    exe = installed / "qbdlink-connector.exe"
    data = bytearray(exe.read_bytes())
    data[1000] ^= 0x01
    exe.write_bytes(bytes(data))
    with pytest.raises(TamperedFileError) as caught:
        verify_installation(installed, document, key.public_key())
    error = caught.value
    assert error.path == "qbdlink-connector.exe"
    assert "qbdlink-connector.exe" in error.message
    assert "SHA-256" in error.message
    assert "Link page" in error.fix and "reinstall" in error.fix
    assert isinstance(error, UserActionError)
    assert error.code == "connector.install.tampered_file"


def test_another_size_is_tampering(installed: Path, key: Ed25519PrivateKey) -> None:
    document = signed(installed, key)
    (installed / "lib" / "certifi" / "cacert.pem").write_bytes(b"-----BEGIN EVIL-----\n" * 2)
    with pytest.raises(TamperedFileError, match=r"lib/certifi/cacert\.pem"):
        verify_installation(installed, document, key.public_key())


def test_a_removed_file_is_missing(installed: Path, key: Ed25519PrivateKey) -> None:
    document = signed(installed, key)
    (installed / "lib" / "python311.zip").unlink()
    with pytest.raises(MissingFileError) as caught:
        verify_installation(installed, document, key.public_key())
    assert caught.value.path == "lib/python311.zip"
    assert "Link page" in caught.value.fix


def test_a_folder_in_place_of_a_file_is_missing(installed: Path, key: Ed25519PrivateKey) -> None:
    document = signed(installed, key)
    (installed / "empty.txt").unlink()
    (installed / "empty.txt").mkdir()
    with pytest.raises(MissingFileError, match=r"empty\.txt"):
        verify_installation(installed, document, key.public_key())


def test_the_wrong_key_is_a_signature_error(installed: Path, key: Ed25519PrivateKey) -> None:
    other = Ed25519PrivateKey.generate()
    with pytest.raises(ManifestSignatureError) as caught:
        verify_installation(installed, signed(installed, key), other.public_key())
    assert "not signed by the publisher" in caught.value.message
    assert "Link page" in caught.value.fix


def test_the_built_in_key_refuses_a_manifest_signed_by_someone_else(
    installed: Path, key: Ed25519PrivateKey
) -> None:
    with pytest.raises(ManifestSignatureError):
        verify_installation(installed, signed(installed, key))


def test_an_edited_manifest_is_a_signature_error(installed: Path, key: Ed25519PrivateKey) -> None:
    envelope = json.loads(signed(installed, key))
    # an attacker swaps in the hash of their own exe
    inner = json.loads(envelope["manifest"])
    inner["files"][2]["sha256"] = hashlib.sha256(b"evil").hexdigest()
    envelope["manifest"] = json.dumps(inner, sort_keys=True, separators=(",", ":"))
    with pytest.raises(ManifestSignatureError):
        verify_installation(installed, json.dumps(envelope).encode(), key.public_key())


def test_a_bad_signature_is_a_signature_error(installed: Path, key: Ed25519PrivateKey) -> None:
    envelope = json.loads(signed(installed, key))
    raw = bytearray(base64.b64decode(envelope["signature"]))
    raw[0] ^= 0xFF
    for signature in (base64.b64encode(bytes(raw)).decode(), "not base64!", ""):
        envelope["signature"] = signature
        with pytest.raises(ManifestSignatureError):
            verify_installation(installed, json.dumps(envelope).encode(), key.public_key())


@pytest.mark.parametrize(
    "document",
    [b"", b"\xff\xfe", b"[]", b'{"format": "other"}', b"{not json"],
)
def test_a_damaged_manifest_file_is_a_format_error(
    installed: Path, key: Ed25519PrivateKey, document: bytes
) -> None:
    with pytest.raises(ManifestFormatError) as caught:
        verify_installation(installed, document, key.public_key())
    assert isinstance(caught.value, IntegrityError)


@pytest.mark.parametrize("bad_path", ["../outside.txt", "/etc/passwd", "C:/x", "a//b", "a\\b"])
def test_a_signed_manifest_with_an_unsafe_path_is_refused(
    installed: Path, key: Ed25519PrivateKey, bad_path: str
) -> None:
    manifest = Manifest((ManifestEntry(bad_path, 1, "0" * 64),))
    with pytest.raises(ManifestFormatError):
        verify_installation(installed, sign_manifest(manifest, key), key.public_key())


def test_build_manifest_refuses_unsafe_paths(installed: Path) -> None:
    with pytest.raises(ValueError, match="relative"):
        build_manifest(installed, ["../x"])


def test_the_built_in_publisher_key_is_a_raw_32_byte_ed25519_key() -> None:
    raw = base64.b64decode(PUBLISHER_PUBLIC_KEY, validate=True)
    assert len(raw) == 32
    key = publisher_public_key()
    assert key.public_bytes(Encoding.Raw, PublicFormat.Raw) == raw


def test_keys_read_from_base64(installed: Path) -> None:
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    key = Ed25519PrivateKey.generate()
    private_text = base64.b64encode(
        key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    ).decode()
    public_text = base64.b64encode(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    document = sign_manifest(
        build_manifest(installed, FILES), private_key_from_base64(private_text)
    )
    verify_installation(installed, document, public_key_from_base64(public_text.decode()))
    with pytest.raises(ValueError, match="32 bytes"):
        public_key_from_base64(base64.b64encode(b"short").decode())
    with pytest.raises(ValueError, match="base64"):
        private_key_from_base64("@@@")
