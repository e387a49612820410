"""The platform's installer-tag signing key: Ed25519, kept in a PEM file.

``QBDLINK_SIGNING_KEY_FILE`` (``signing_key_file`` in ``platform.toml``) names a key the
operator manages: it must exist. Without it the key is ``<QBDLINK_HOME>/signing-key.pem``,
created on first use, readable by its owner only (0600). Every process of one deployment must
sign with the same key (connectors pin its public half, ``GET /connector/v1/signing-key``), so
a deployment of several processes or hosts sets ``QBDLINK_SIGNING_KEY_FILE`` to one shared
secret file rather than relying on each host's home folder.
"""

from __future__ import annotations

import logging
import os
import stat
import sys
import threading
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from qbdlink.model.installer_tag import key_id, public_key_to_base64
from qbdlink.platform.services.errors import NotConfiguredError
from qbdlink.platform.settings import ENV_SIGNING_KEY_FILE, PlatformSettings

__all__ = ["DEFAULT_KEY_FILE_NAME", "SigningKeyError", "TagSigningKey", "load_or_create_key"]

log = logging.getLogger("qbdlink.platform.signing")

DEFAULT_KEY_FILE_NAME = "signing-key.pem"


class SigningKeyError(NotConfiguredError):
    """The key file is missing (when named), unreadable or not an Ed25519 key (HTTP 503)."""

    default_code = "platform.signing_key"


class TagSigningKey:
    """The key, loaded (or created) the first time it is needed, then kept; thread-safe."""

    def __init__(self, path: Path, *, create_if_missing: bool) -> None:
        self.path = path
        self.create_if_missing = create_if_missing
        self._key: Ed25519PrivateKey | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: PlatformSettings) -> TagSigningKey:
        if settings.signing_key_file is not None:
            return cls(settings.signing_key_file, create_if_missing=False)
        return cls(settings.home / DEFAULT_KEY_FILE_NAME, create_if_missing=True)

    def private_key(self) -> Ed25519PrivateKey:
        with self._lock:
            if self._key is None:
                self._key = load_or_create_key(self.path, create=self.create_if_missing)
            return self._key

    def public_key(self) -> Ed25519PublicKey:
        return self.private_key().public_key()

    def public_key_base64(self) -> str:
        return public_key_to_base64(self.public_key())

    def key_id(self) -> str:
        return key_id(self.public_key())


def load_or_create_key(path: Path, *, create: bool) -> Ed25519PrivateKey:
    """Read the PEM key at ``path``; when it is absent and ``create``, make one (0600)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if not create:
            raise SigningKeyError(
                f"The installer signing key {path} does not exist.",
                fix=f"Create it (openssl genpkey -algorithm ed25519 -out {path}) or unset "
                f"{ENV_SIGNING_KEY_FILE} to let the platform make one in its home folder.",
            ) from None
        return _create(path)
    except OSError as exc:
        raise SigningKeyError(
            f"Cannot read the installer signing key {path}: {exc.strerror or exc}.",
            fix="Let the platform's user read the file.",
        ) from exc
    _warn_if_readable_by_others(path)
    return _parse(path, data)


def _parse(path: Path, data: bytes) -> Ed25519PrivateKey:
    try:
        key = load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise SigningKeyError(
            f"The installer signing key {path} is not an unencrypted PEM private key.",
            fix="Use an Ed25519 key in PKCS#8 PEM (openssl genpkey -algorithm ed25519).",
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(
            f"The installer signing key {path} is a {type(key).__name__}, not Ed25519.",
            fix="Use an Ed25519 key in PKCS#8 PEM (openssl genpkey -algorithm ed25519).",
        )
    return key


def _create(path: Path) -> Ed25519PrivateKey:
    """Write a new key without ever replacing one another process wrote meanwhile."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(pem)
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.link(temporary, path)  # fails if the file appeared: never clobber a key
        except FileExistsError:
            return _parse(path, path.read_bytes())
    except OSError as exc:
        raise SigningKeyError(
            f"Cannot create the installer signing key {path}: {exc.strerror or exc}.",
            fix=f"Let the platform's user write to {path.parent}, or set {ENV_SIGNING_KEY_FILE}.",
        ) from exc
    finally:
        temporary.unlink(missing_ok=True)
    log.info("created the installer signing key %s (key id %s)", path, key_id(key.public_key()))
    return key


def _warn_if_readable_by_others(path: Path) -> None:
    if sys.platform == "win32":
        return
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning(
            "the installer signing key %s can be read by other users (mode %o): chmod 600 it",
            path,
            stat.S_IMODE(mode),
        )
