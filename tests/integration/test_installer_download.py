"""The Link URL serves the connector installer, tagged and validly signed; the connector reads it.

A throwaway code-signing certificate is made here, pip's distlib launcher (a small real PE32+)
is signed with it by osslsigncode, and the platform serves that as its base installer. The
download must pass ``osslsigncode verify``; its tag must verify with the platform's published
key and prefill the connector's settings; a tampered copy must be ignored, so the connector's
``link`` command asks for the licence key.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pip
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from qbdlink.connector.install.tag import own_tag, read_own_tag
from qbdlink.connector.settings import load_connector_settings
from qbdlink.model.installer_tag import (
    INSTALLER_MEDIA_TYPE,
    TAG_MAGIC,
    extract_tag,
    public_key_from_base64,
    verify_tag,
)
from tests.support.platform import LivePlatform, Tenant, free_port, live_platform, new_tenant
from tests.support.processes import base_env

pytestmark = pytest.mark.integration

LAUNCHER = Path(pip.__file__).parent / "_vendor" / "distlib" / "t64.exe"
UK_URL = "https://uk.qbdlink.example"
CLIENT_NAME = 'O\'Brien & "Sons" / Ünïted .. Lending'
EXPECTED_FILENAME = "O-Brien-Sons-United-Lending-quickbooksDesktop-connector.exe"


@dataclass(frozen=True)
class CodeSigning:
    certificate: Path
    installer: Path  # t64.exe signed with the throwaway certificate
    unsigned: Path


def _osslsigncode() -> str:
    found = shutil.which("osslsigncode")
    if found is None:
        pytest.fail("osslsigncode is not installed (apt-get install osslsigncode)", pytrace=False)
    return found


def _throwaway_certificate(folder: Path) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "qbdlink test publisher")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture(scope="module")
def code_signing(tmp_path_factory: pytest.TempPathFactory) -> CodeSigning:
    folder = tmp_path_factory.mktemp("code-signing")
    cert, key = _throwaway_certificate(folder)
    unsigned = folder / "base.exe"
    shutil.copyfile(LAUNCHER, unsigned)
    signed = folder / "signed.exe"
    done = subprocess.run(
        [
            _osslsigncode(),
            "sign",
            *("-certs", str(cert), "-key", str(key), "-n", "qbdlink connector"),
            *("-in", str(unsigned), "-out", str(signed)),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return CodeSigning(certificate=cert, installer=signed, unsigned=unsigned)


def _verify_signature(code_signing: CodeSigning, exe: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_osslsigncode(), "verify", "-in", str(exe), "-CAfile", str(code_signing.certificate)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def platform(
    database_url: str, tmp_path: Path, code_signing: CodeSigning
) -> Iterator[LivePlatform]:
    """A live platform (SQLite and PostgreSQL) serving the signed installer."""
    with live_platform(
        database_url,
        tmp_path / "platform",
        connector_installer=code_signing.installer,
        region_urls={"uk": UK_URL},
    ) as live:
        yield live


def _pending_connection(live: LivePlatform, tenant: Tenant | None = None) -> tuple[str, str]:
    """A company and its PendingAuth connection: (company id, the connection's linkUrl)."""
    with live.client(tenant) as api:
        company = api.post("/companies", json={"name": "Corner Bakery"}).json()
        connection = api.post(
            f"/companies/{company['id']}/connections", json={"platformKey": "pqsw"}
        ).json()
    return company["id"], connection["linkUrl"]


def _download(tmp_path: Path, link_url: str) -> tuple[httpx.Response, Path]:
    response = httpx.get(link_url, timeout=60)  # no API key: the SMB downloads it
    path = tmp_path / "downloaded.exe"
    path.write_bytes(response.content)
    return response, path


def _platform_key(live: LivePlatform) -> str:
    answer = httpx.get(f"{live.base_url}/connector/v1/signing-key", timeout=30)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["algorithm"] == "Ed25519" and len(body["keyId"]) == 16
    key: str = body["publicKey"]
    return key


def _tampered(path: Path) -> Path:
    data = bytearray(path.read_bytes())
    start = bytes(data).rfind(TAG_MAGIC)
    assert start > 0
    data[start + 40] ^= 0x20  # a byte of the payload (the JSON), not the framing
    copy = path.with_name("tampered.exe")
    copy.write_bytes(bytes(data))
    return copy


def test_the_link_url_serves_a_signed_installer_tagged_for_the_client(
    platform: LivePlatform, code_signing: CodeSigning, tmp_path: Path
) -> None:
    tenant = new_tenant(platform.platform, CLIENT_NAME)
    company_id, link_url = _pending_connection(platform, tenant)
    assert link_url.startswith(f"{platform.base_url}/link/{company_id}/connections/")

    response, downloaded = _download(tmp_path, link_url)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == INSTALLER_MEDIA_TYPE
    disposition = response.headers["content-disposition"]
    assert disposition.startswith(f'attachment; filename="{EXPECTED_FILENAME}"; filename*=')
    assert urllib.parse.unquote(disposition.split("UTF-8''")[1]) == (
        "O-Brien-Sons-Ünïted-Lending-quickbooksDesktop-connector.exe"
    )
    assert response.headers["cache-control"] == "no-store"
    # The publisher's Authenticode signature is intact (and the PE checksum is right).
    verified = _verify_signature(code_signing, downloaded)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "Signature verification: ok" in verified.stdout
    assert "invalid PE checksum" not in verified.stdout + verified.stderr
    # The tag verifies with the key the platform publishes, and says what it should.
    public_key = public_key_from_base64(_platform_key(platform))
    blob = extract_tag(downloaded.read_bytes())
    assert blob is not None
    payload = verify_tag(blob, public_key)
    assert payload.client_name == CLIENT_NAME
    assert payload.licence_key == company_id
    assert payload.region_urls == {"us": platform.base_url, "uk": UK_URL}
    assert abs(payload.issued_at - datetime.now(UTC)) < timedelta(minutes=5)
    key_file = tmp_path / "platform" / "signing-key.pem"
    assert key_file.stat().st_mode & 0o777 == 0o600
    # The connector reads its own tag and prefills its settings from it.
    assert read_own_tag(downloaded, public_key) == payload
    settings = load_connector_settings(
        {"QBDLINK_HOME": str(tmp_path / "connector")}, quickbooks="simulator://x:1", tag=payload
    )
    assert settings.licence_key == company_id
    assert settings.region_urls == {"us": platform.base_url, "uk": UK_URL}
    assert settings.layout.client_name == CLIENT_NAME
    assert settings.platform_url("us") == platform.base_url
    # Without a pinned key, the key of the platform the connector is configured for serves.
    fetched = own_tag(
        {
            "QBDLINK_INSTALLER_FILE": str(downloaded),
            "QBDLINK_REGION_URLS": f"us={platform.base_url}",
        }
    )
    assert fetched == payload
    # A tampered tag, another platform's key, no trusted key, an untagged file: no tag.
    tampered = _tampered(downloaded)
    assert _verify_signature(code_signing, tampered).returncode == 0  # Authenticode can't tell
    assert read_own_tag(tampered, public_key) is None
    assert read_own_tag(downloaded, _another_key()) is None
    assert read_own_tag(downloaded, None) is None
    assert read_own_tag(code_signing.installer, public_key) is None
    assert read_own_tag(code_signing.unsigned, public_key) is None
    assert read_own_tag(tmp_path / "missing.exe", public_key) is None
    assert own_tag({"QBDLINK_INSTALLER_FILE": str(downloaded)}) is None  # nothing to trust


def _another_key() -> Ed25519PublicKey:
    return Ed25519PrivateKey.generate().public_key()


def _connector_link(
    tmp_path: Path, installer: Path, platform_key: str, answers: str
) -> subprocess.CompletedProcess[str]:
    """``qbdlink connector link`` as the installer would run it, with no options but QuickBooks."""
    env = base_env(tmp_path / "connector")
    env["QBDLINK_INSTALLER_FILE"] = str(installer)
    env["QBDLINK_PLATFORM_SIGNING_KEY"] = platform_key
    return subprocess.run(
        [
            *(sys.executable, "-m", "qbdlink", "connector", "link"),
            *("--quickbooks", f"simulator://127.0.0.1:{free_port()}"),
        ],
        input=answers,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_the_connector_links_from_its_tag_and_asks_when_it_is_tampered(
    platform: LivePlatform, tmp_path: Path
) -> None:
    _company_id, link_url = _pending_connection(platform)
    response, downloaded = _download(tmp_path, link_url)
    assert response.status_code == 200, response.text
    key = _platform_key(platform)

    # Tagged: no licence key asked; the tag's platform address answers with the company.
    # ("n": do not link now, so no QuickBooks is needed.)
    tagged = _connector_link(tmp_path / "good", downloaded, key, "n\n")
    assert "Using the licence key this installer was downloaded with." in tagged.stdout
    assert "Licence key:" not in tagged.stdout
    assert "Acme Lending: link QuickBooks to Corner Bakery." in tagged.stdout, tagged.stderr
    assert "Linking was cancelled" in tagged.stderr

    # Tampered: the tag is ignored and the licence key is asked for (end of input: aborted).
    tampered = _connector_link(tmp_path / "bad", _tampered(downloaded), key, "")
    assert "Licence key:" in tampered.stdout, tampered.stdout + tampered.stderr
    assert "Using the licence key" not in tampered.stdout
    assert "ignoring the installer tag" in tampered.stderr
    assert tampered.returncode != 0


def test_without_an_installer_the_link_url_says_how_to_configure_one(
    live: LivePlatform, tmp_path: Path
) -> None:
    _company_id, link_url = _pending_connection(live)
    response, _path = _download(tmp_path, link_url)
    assert response.status_code == 503
    body = response.json()
    assert body["statusCode"] == 503 and body["code"] == "installer.not_configured"
    assert "QBDLINK_CONNECTOR_INSTALLER" in body["fix"] and "signed" in body["fix"]


def test_unknown_and_spent_link_urls(platform: LivePlatform, tmp_path: Path) -> None:
    company_id, link_url = _pending_connection(platform)
    unknown = [
        f"{platform.base_url}/link/{company_id}/connections/not-a-connection/installer",
        f"{platform.base_url}/link/not-a-company/connections/x/installer",
        link_url.replace(f"/link/{company_id}/", "/link/00000000-0000-8000-9000-000000000000/"),
    ]
    for url in unknown:
        response = httpx.get(url, timeout=30)
        assert response.status_code == 404, (url, response.text)
        body = response.json()
        assert body["code"] == "installer.not_found" and body["fix"]
        assert "Corner Bakery" not in response.text
    connection_path = urllib.parse.urlsplit(link_url).path.removeprefix("/link")
    with platform.client() as api:
        unlinked = api.patch(
            "/companies" + connection_path.removesuffix("/installer"), json={"status": "Unlinked"}
        )
        assert unlinked.status_code == 200, unlinked.text
    spent = httpx.get(link_url, timeout=30)
    assert spent.status_code == 409
    assert spent.json()["code"] == "installer.not_pending"
    assert "Unlinked" in spent.json()["error"]


def test_an_unsigned_base_installer_is_a_clear_configuration_error(
    database_url: str, tmp_path: Path, code_signing: CodeSigning
) -> None:
    with live_platform(
        database_url, tmp_path / "platform", connector_installer=code_signing.unsigned
    ) as live:
        _company_id, link_url = _pending_connection(live)
        response = httpx.get(link_url, timeout=30)
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "installer.unusable"
    assert "no Authenticode signature" in body["error"]
    assert "QBDLINK_CONNECTOR_INSTALLER" in body["fix"]


def test_the_tagged_download_still_matches_the_signed_file_manifest(
    code_signing: CodeSigning, tmp_path: Path
) -> None:
    """The manifest is made from the signed build; the user installs the tagged download."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from qbdlink.connector.install.errors import TamperedFileError
    from qbdlink.connector.install.manifest import (
        build_manifest,
        sign_manifest,
        verify_installation,
    )
    from qbdlink.model.installer_tag import TagPayload, embed_tag, sign_tag

    publisher = Ed25519PrivateKey.generate()
    built = tmp_path / "build"
    built.mkdir()
    exe = built / "qbdlink-connector.exe"
    exe.write_bytes(code_signing.installer.read_bytes())
    signed_manifest = sign_manifest(build_manifest(built, [exe.name]), publisher)

    installed = tmp_path / "installed"
    installed.mkdir()
    tag = sign_tag(
        TagPayload(
            client_name="Acme",
            licence_key="1b4e28ba-2fa1-8d2f-9a3e-0123456789ab",
            region_urls={"us": "https://us.example.com"},
            issued_at=datetime.now(UTC),
        ),
        Ed25519PrivateKey.generate(),
    )
    (installed / exe.name).write_bytes(embed_tag(exe.read_bytes(), tag))
    verify_installation(installed, signed_manifest, publisher.public_key())

    altered = bytearray((installed / exe.name).read_bytes())
    altered[200] ^= 0xFF  # inside the signed code, not the certificate table
    (installed / exe.name).write_bytes(bytes(altered))
    with pytest.raises(TamperedFileError):
        verify_installation(installed, signed_manifest, publisher.public_key())
