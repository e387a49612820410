"""The parts of the Windows build that run anywhere: the version stamp, the signed manifest,
the Authenticode commands and the order of the build's steps (packaging/build.py)."""

from __future__ import annotations

import base64
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

import qbdlink
from qbdlink.connector.install.errors import ManifestSignatureError, TamperedFileError
from qbdlink.connector.install.manifest import parse_signed_manifest, verify_installation

PACKAGING = Path(__file__).resolve().parents[3] / "packaging"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"test_packaging_{name}", PACKAGING / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


version = load("version")
build = load("build")


def raw_key_b64(key: Ed25519PrivateKey) -> str:
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return base64.b64encode(raw).decode()


# ---- the version stamp -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.1.0", (0, 1, 0, 0)),
        ("1.2", (1, 2, 0, 0)),
        ("1.2.3.4", (1, 2, 3, 4)),
        ("2.0.1rc1", (2, 0, 1, 0)),
        ("3.1.dev7", (3, 1, 0, 0)),
    ],
)
def test_version_tuple(text: str, expected: tuple[int, int, int, int]) -> None:
    assert version.version_tuple(text) == expected


@pytest.mark.parametrize("text", ["", "v1", "70000.1"])
def test_a_version_windows_cannot_hold_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        version.version_tuple(text)


def test_the_version_resource_is_what_pyinstaller_reads() -> None:
    text = version.version_info_text("0.1.0", company="Acme 'Lending'", year=2026)
    recorded: dict[str, Any] = {}

    def record(kind: str) -> Any:
        def make(*args: Any, **kwargs: Any) -> dict[str, Any]:
            recorded.setdefault(kind, []).append((args, kwargs))
            return {"kind": kind, "args": args, "kwargs": kwargs}

        return make

    names = (
        "VSVersionInfo FixedFileInfo StringFileInfo StringTable StringStruct VarFileInfo VarStruct"
    )
    namespace = {name: record(name) for name in names.split()}
    eval(text, namespace)  # PyInstaller evaluates the file the same way
    fixed = recorded["FixedFileInfo"][0][1]
    assert fixed["filevers"] == fixed["prodvers"] == (0, 1, 0, 0)
    strings = dict(args for args, _ in recorded["StringStruct"])
    assert strings["ProductVersion"] == "0.1.0"
    assert strings["FileVersion"] == "0.1.0.0"
    assert strings["OriginalFilename"] == "qbdlink-connector.exe"
    assert strings["CompanyName"] == "Acme 'Lending'"
    assert strings["LegalCopyright"] == "© 2026 Acme 'Lending'"
    assert text.startswith("# UTF-8\n")


def test_the_version_file_carries_qbdlinks_version(tmp_path: Path) -> None:
    path = version.write_version_file(tmp_path / "build" / "version_info.txt")
    assert f"StringStruct('ProductVersion', '{qbdlink.__version__}')" in path.read_text("utf-8")


# ---- the signed manifest ---------------------------------------------------------------------


def dist_with_files(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    (dist / "licences").mkdir(parents=True)
    (dist / "qbdlink-connector.exe").write_bytes(b"MZ" + b"\0" * 5000)
    (dist / "licences" / "THIRD-PARTY.txt").write_text("licences", encoding="utf-8")
    return dist


def test_the_manifest_lists_every_file_and_verifies_with_the_public_key(tmp_path: Path) -> None:
    dist = dist_with_files(tmp_path)
    key = Ed25519PrivateKey.generate()
    (dist / "manifest.signed.json").write_text("an older one", encoding="utf-8")
    path = build.write_signed_manifest(dist, publisher_key_b64=raw_key_b64(key), version="0.1.0")
    assert path == dist / "manifest.signed.json"
    signed = path.read_bytes()
    manifest = parse_signed_manifest(signed, key.public_key())
    assert [entry.path for entry in manifest.files] == [
        "licences/THIRD-PARTY.txt",
        "qbdlink-connector.exe",
    ]
    assert manifest.version == "0.1.0"
    verify_installation(dist, signed, key.public_key())  # what the installer does
    with pytest.raises(ManifestSignatureError):
        parse_signed_manifest(signed, Ed25519PrivateKey.generate().public_key())
    (dist / "qbdlink-connector.exe").write_bytes(b"MZ" + b"\1" * 5000)
    with pytest.raises(TamperedFileError):
        verify_installation(dist, signed, key.public_key())


@pytest.mark.parametrize(
    ("key", "says"), [("", "QBDLINK_PUBLISHER_KEY is not set"), ("bm90IGEga2V5", "32 bytes")]
)
def test_a_missing_or_bad_publisher_key_stops_the_build(
    tmp_path: Path, key: str, says: str
) -> None:
    with pytest.raises(build.BuildError, match=says):
        build.write_signed_manifest(dist_with_files(tmp_path), publisher_key_b64=key, version="1")


# ---- Authenticode and the steps --------------------------------------------------------------


CERT = build.SigningCertificate(Path("C:/keys/code.pfx"), "s3cret", "http://ts.example")


def test_signtool_on_windows() -> None:
    commands = build.authenticode_commands(
        Path("dist/qbdlink-connector.exe"), CERT, platform="win32"
    )
    assert commands == [
        [
            "signtool", "sign", "/fd", "SHA256", "/f", str(CERT.pfx), "/p", "s3cret",
            "/tr", "http://ts.example", "/td", "SHA256", "/d", "QuickBooks connector",
            str(Path("dist/qbdlink-connector.exe")),
        ],
        ["signtool", "verify", "/pa", str(Path("dist/qbdlink-connector.exe"))],
    ]  # fmt: skip


def test_osslsigncode_elsewhere() -> None:
    exe = Path("dist/qbdlink-connector.exe")
    commands = build.authenticode_commands(exe, CERT, platform="linux")
    assert commands[0][:2] == ["osslsigncode", "sign"]
    assert commands[0][commands[0].index("-pkcs12") + 1] == str(CERT.pfx)
    assert commands[0][commands[0].index("-h") + 1] == "sha256"
    assert commands[0][-4:] == ["-in", str(exe), "-out", str(exe) + ".signed"]
    assert commands[1] == ["osslsigncode", "verify", "-in", str(exe) + ".signed"]


def test_the_printed_command_hides_the_password() -> None:
    signtool, _ = build.authenticode_commands(Path("a.exe"), CERT, platform="win32")
    assert "s3cret" not in build.shown(signtool) and "/p ***" in build.shown(signtool)


def test_the_certificate_comes_from_the_environment() -> None:
    with pytest.raises(build.BuildError, match="QBDLINK_SIGNING_PFX"):
        build.SigningCertificate.from_env({})
    cert = build.SigningCertificate.from_env(
        {"QBDLINK_SIGNING_PFX": "c.pfx", "QBDLINK_SIGNING_PASSWORD": "pw"}
    )
    assert cert == build.SigningCertificate(Path("c.pfx"), "pw", build.DEFAULT_TIMESTAMP_URL)


def test_the_build_signs_the_executable_before_writing_its_manifest(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    key = Ed25519PrivateKey.generate()
    ran: list[list[str]] = []

    def run(argv: Sequence[str]) -> None:
        ran.append(list(argv))
        if argv[-1].endswith(".spec"):  # "PyInstaller"
            dist.mkdir()
            (dist / "qbdlink-connector.exe").write_bytes(b"MZ unsigned")
        elif argv[:2] == ["osslsigncode", "sign"]:
            Path(argv[-1]).write_bytes(b"MZ signed")

    env = {
        "QBDLINK_PUBLISHER_KEY": raw_key_b64(key),
        "QBDLINK_SIGNING_PFX": "code.pfx",
        "QBDLINK_SIGNING_PASSWORD": "pw",
    }
    manifest = build.build(dist=dist, work=tmp_path / "build", env=env, run=run, platform="linux")
    assert [argv[1] if argv[0] == "osslsigncode" else "pyinstaller" for argv in ran] == [
        "pyinstaller",
        "sign",
        "verify",
    ]
    assert ran[0][1:3] == ["-m", "PyInstaller"]
    assert (dist / "qbdlink-connector.exe").read_bytes() == b"MZ signed"
    verify_installation(dist, manifest.read_bytes(), key.public_key())  # of the signed bytes
    assert (tmp_path / "build" / "version_info.txt").is_file()
