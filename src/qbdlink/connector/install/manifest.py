"""The connector's installed files, as a manifest signed with the publisher's Ed25519 key.

A manifest lists each file by its path relative to the program folder (``/``-separated), its
size and its SHA-256; its canonical form is JSON with sorted keys, no spaces and ASCII only,
files sorted by path. The signed manifest (``manifest.signed.json``, beside the files) is a JSON
envelope holding that canonical text *as a string*, so the verifier checks the exact bytes that
were signed, and the base64 Ed25519 signature over them::

    {"format": "qbdlink-signed-manifest/1", "manifest": "{\\"files\\":[...],...}",
     "signature": "<base64, 64 bytes>"}

The publisher's public key is built in (:data:`PUBLISHER_PUBLIC_KEY`); the private key is never
in the repository: the build script takes it from its environment
(:func:`private_key_from_base64`). Verification streams each file in chunks, so memory stays flat
whatever the file sizes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from qbdlink.model.installer_tag import signed_content_ranges

from .errors import (
    ManifestFormatError,
    ManifestSignatureError,
    MissingFileError,
    TamperedFileError,
)

__all__ = [
    "MANIFEST_FORMAT",
    "PUBLISHER_PUBLIC_KEY",
    "SIGNED_MANIFEST_FORMAT",
    "Manifest",
    "ManifestEntry",
    "ProgressCallback",
    "build_manifest",
    "canonical_manifest_bytes",
    "file_sha256",
    "parse_signed_manifest",
    "private_key_from_base64",
    "public_key_from_base64",
    "publisher_public_key",
    "sign_manifest",
    "verify_installation",
]

# The publisher's Ed25519 public key (raw 32 bytes, base64). Its private half signs releases.
PUBLISHER_PUBLIC_KEY = "hQGkbcjZ/2yyh+YtAHSbTwv/i7ku5lfCuxH61C4J6zA="

MANIFEST_FORMAT = "qbdlink-manifest/1"
SIGNED_MANIFEST_FORMAT = "qbdlink-signed-manifest/1"
CHUNK_SIZE = 1024 * 1024

ProgressCallback = Callable[[int, int, str], None]
"""``progress(done, total, path)``: after each file, ``done`` of ``total``; ``path`` relative."""


@dataclass(frozen=True)
class ManifestEntry:
    path: str  # relative, '/'-separated
    size: int
    sha256: str  # lower-case hex


@dataclass(frozen=True)
class Manifest:
    files: tuple[ManifestEntry, ...]
    version: str | None = None

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "format": MANIFEST_FORMAT,
            "files": [{"path": e.path, "sha256": e.sha256, "size": e.size} for e in self.files],
        }
        if self.version is not None:
            doc["version"] = self.version
        return doc


def canonical_manifest_bytes(manifest: Manifest) -> bytes:
    """The bytes that are signed: sorted keys, no whitespace, ASCII, files sorted by path."""
    ordered = Manifest(tuple(sorted(manifest.files, key=lambda e: e.path)), manifest.version)
    text = json.dumps(ordered.to_json(), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return text.encode("ascii")


_SIGNED_EXECUTABLES = (".exe", ".dll")


def file_sha256(path: Path, chunk_size: int = CHUNK_SIZE) -> tuple[int, str]:
    """The size and SHA-256 (hex) of a file, read in chunks.

    A signed Windows executable counts without its certificate table (and the two header
    fields that describe it): the download personalises the installer with a tag placed there
    (``qbdlink.model.installer_tag``), and the same file must still match the manifest.
    """
    if path.suffix.lower() in _SIGNED_EXECUTABLES:
        stable = _signed_executable_digest(path)
        if stable is not None:
            return stable
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(chunk_size):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _signed_executable_digest(path: Path) -> tuple[int, str] | None:
    data = path.read_bytes()
    ranges = signed_content_ranges(data)
    if ranges is None:
        return None
    digest = hashlib.sha256()
    for start, end in ranges:
        digest.update(data[start:end])
    return ranges[-1][1], digest.hexdigest()


def build_manifest(root: Path, files: Iterable[str], *, version: str | None = None) -> Manifest:
    """The manifest of ``files`` (paths relative to ``root``, ``/``-separated) as they are now."""
    entries = []
    for rel in sorted(set(files)):
        clean = _check_relative(rel)
        size, digest = file_sha256(root.joinpath(*PurePosixPath(clean).parts))
        entries.append(ManifestEntry(clean, size, digest))
    return Manifest(tuple(entries), version)


def sign_manifest(manifest: Manifest, private_key: Ed25519PrivateKey) -> bytes:
    """The signed manifest file's content (UTF-8 JSON envelope, newline-terminated)."""
    payload = canonical_manifest_bytes(manifest)
    signature = private_key.sign(payload)
    envelope = {
        "format": SIGNED_MANIFEST_FORMAT,
        "manifest": payload.decode("ascii"),
        "signature": base64.b64encode(signature).decode("ascii"),
    }
    return (json.dumps(envelope, sort_keys=True, indent=1) + "\n").encode("utf-8")


def public_key_from_base64(text: str) -> Ed25519PublicKey:
    raw = _b64(text, "public key")
    if len(raw) != 32:
        raise ValueError(f"an Ed25519 public key is 32 bytes, not {len(raw)}")
    return Ed25519PublicKey.from_public_bytes(raw)


def private_key_from_base64(text: str) -> Ed25519PrivateKey:
    """The signing key as the build script reads it from its environment (raw 32 bytes, base64)."""
    raw = _b64(text.strip(), "private key")
    if len(raw) != 32:
        raise ValueError(f"an Ed25519 private key is 32 bytes, not {len(raw)}")
    return Ed25519PrivateKey.from_private_bytes(raw)


def publisher_public_key() -> Ed25519PublicKey:
    return public_key_from_base64(PUBLISHER_PUBLIC_KEY)


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"the {what} is not valid base64") from exc


def parse_signed_manifest(
    signed_manifest: bytes, public_key: Ed25519PublicKey | None = None
) -> Manifest:
    """Check the signature, then read the manifest. Raises the typed errors of this module."""
    key = public_key if public_key is not None else publisher_public_key()
    try:
        envelope = json.loads(signed_manifest.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestFormatError("The connector's file manifest is damaged.") from exc
    if (
        not isinstance(envelope, dict)
        or envelope.get("format") != SIGNED_MANIFEST_FORMAT
        or not isinstance(envelope.get("manifest"), str)
        or not isinstance(envelope.get("signature"), str)
    ):
        raise ManifestFormatError("The connector's file manifest is not in the expected format.")
    payload = envelope["manifest"].encode("utf-8")
    try:
        signature = base64.b64decode(envelope["signature"], validate=True)
        key.verify(signature, payload)
    except (binascii.Error, ValueError, InvalidSignature) as exc:
        raise ManifestSignatureError(
            "The connector's file manifest is not signed by the publisher: the installed "
            "files cannot be trusted, so the connector will not run."
        ) from exc
    return _manifest_from_json(payload)


def _manifest_from_json(payload: bytes) -> Manifest:
    bad = ManifestFormatError("The connector's file manifest has an unexpected shape.")
    try:
        doc = json.loads(payload)
    except json.JSONDecodeError as exc:
        raise bad from exc
    if not isinstance(doc, dict) or doc.get("format") != MANIFEST_FORMAT:
        raise bad
    files, version = doc.get("files"), doc.get("version")
    if not isinstance(files, list) or not (version is None or isinstance(version, str)):
        raise bad
    entries = []
    for item in files:
        if not isinstance(item, dict):
            raise bad
        path, size, digest = item.get("path"), item.get("size"), item.get("sha256")
        if not (
            isinstance(path, str)
            and isinstance(size, int)
            and not isinstance(size, bool)
            and size >= 0
            and isinstance(digest, str)
            and len(digest) == 64
        ):
            raise bad
        try:
            clean = _check_relative(path)
        except ValueError as exc:
            raise bad from exc
        entries.append(ManifestEntry(clean, size, digest.lower()))
    return Manifest(tuple(entries), version)


def _check_relative(path: str) -> str:
    """A manifest path: relative, '/'-separated, no '.', '..', empty parts or drive letters."""
    parts = path.split("/")
    if not path or "\\" in path or ":" in path or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"not a relative manifest path: {path!r}")
    return path


def verify_installation(
    root: Path,
    signed_manifest: bytes,
    public_key: Ed25519PublicKey | None = None,
    *,
    progress: ProgressCallback | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Manifest:
    """Check every file the signed manifest lists under ``root``; return the manifest.

    The signature first (:class:`ManifestSignatureError`, :class:`ManifestFormatError`), then
    each file in manifest order: absent (:class:`MissingFileError`), another size or another
    SHA-256 (:class:`TamperedFileError`). The first bad file stops the check; the error names
    it and says to reinstall from the Link page. ``public_key`` defaults to the publisher's.
    Files in ``root`` that the manifest does not list are not examined.
    """
    manifest = parse_signed_manifest(signed_manifest, public_key)
    total = len(manifest.files)
    for done, entry in enumerate(manifest.files, start=1):
        _verify_file(root, entry, chunk_size)
        if progress is not None:
            progress(done, total, entry.path)
    return manifest


def _verify_file(root: Path, entry: ManifestEntry, chunk_size: int) -> None:
    path = root.joinpath(*PurePosixPath(entry.path).parts)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    if st is None or not _is_regular(st.st_mode):
        raise MissingFileError(
            f"The connector's file {entry.path} is missing (looked in {path}).", path=entry.path
        )
    try:
        size, digest = file_sha256(path, chunk_size)
    except OSError as exc:
        raise MissingFileError(
            f"The connector's file {entry.path} cannot be read: {exc.strerror or exc}.",
            path=entry.path,
        ) from exc
    if size != entry.size:
        raise TamperedFileError(
            f"The connector's file {entry.path} has been changed since it was installed "
            f"({size} bytes instead of {entry.size}).",
            path=entry.path,
        )
    if digest != entry.sha256:
        raise TamperedFileError(
            f"The connector's file {entry.path} has been changed since it was installed "
            "(its SHA-256 does not match the signed manifest).",
            path=entry.path,
        )


def _is_regular(mode: int) -> bool:
    return stat.S_ISREG(mode)
