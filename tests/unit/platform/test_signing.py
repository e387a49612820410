"""The platform's installer-tag signing key: made on first use (0600), kept, or the operator's."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from qbdlink.platform.settings import PlatformSettings, load_settings
from qbdlink.platform.signing import SigningKeyError, TagSigningKey


def _settings(home: Path, key_file: Path | None = None) -> PlatformSettings:
    return PlatformSettings(
        home=home, database_url=f"sqlite:///{home / 'p.sqlite3'}", signing_key_file=key_file
    )


def _pem(key: object) -> bytes:
    assert hasattr(key, "private_bytes")
    pem: bytes = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    return pem


def test_the_default_key_is_made_on_first_use_private_and_kept(tmp_path: Path) -> None:
    signing = TagSigningKey.from_settings(_settings(tmp_path))
    path = tmp_path / "signing-key.pem"
    assert not path.exists()  # nothing until a key is needed
    first = signing.public_key_base64()
    assert path.stat().st_mode & 0o777 == 0o600
    again = TagSigningKey.from_settings(_settings(tmp_path)).public_key_base64()
    assert again == first
    assert len(signing.key_id()) == 16
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_processes_racing_to_make_the_key_all_end_up_with_one(tmp_path: Path) -> None:
    found: list[str] = []

    def load() -> None:
        found.append(TagSigningKey(tmp_path / "k.pem", create_if_missing=True).public_key_base64())

    threads = [threading.Thread(target=load) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 8 and len(set(found)) == 1


def test_an_operators_key_file_is_used_as_it_is(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    path = tmp_path / "operator.pem"
    path.write_bytes(_pem(key))
    path.chmod(0o600)
    settings = load_settings(
        {"QBDLINK_HOME": str(tmp_path / "home"), "QBDLINK_SIGNING_KEY_FILE": str(path)}
    )
    assert settings.signing_key_file == path
    signing = TagSigningKey.from_settings(settings)
    assert signing.public_key() == key.public_key()
    assert not (tmp_path / "home" / "signing-key.pem").exists()


def test_a_named_key_file_that_is_missing_is_not_made_up(tmp_path: Path) -> None:
    signing = TagSigningKey.from_settings(_settings(tmp_path, tmp_path / "absent.pem"))
    with pytest.raises(SigningKeyError) as caught:
        signing.private_key()
    assert caught.value.code == "platform.signing_key"
    assert "openssl genpkey -algorithm ed25519" in caught.value.fix
    assert not (tmp_path / "absent.pem").exists()


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"not a key", "not an unencrypted PEM"),
        (_pem(generate_private_key(public_exponent=65537, key_size=1024)), "not Ed25519"),
    ],
    ids=["garbage", "RSA"],
)
def test_a_key_file_of_the_wrong_kind_is_refused(tmp_path: Path, content: bytes, why: str) -> None:
    path = tmp_path / "key.pem"
    path.write_bytes(content)
    with pytest.raises(SigningKeyError, match=why):
        TagSigningKey(path, create_if_missing=False).private_key()


def test_a_key_others_can_read_is_warned_about(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "key.pem"
    path.write_bytes(_pem(Ed25519PrivateKey.generate()))
    path.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="qbdlink.platform.signing"):
        TagSigningKey(path, create_if_missing=False).private_key()
    assert "chmod 600" in caplog.text
