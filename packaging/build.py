"""Build the Windows connector on the Windows build machine: one signed .exe and its signed
manifest.

    python packaging/build.py [--dist dist] [--skip-pyinstaller] [--skip-authenticode]

Steps, in this order:

1. the version stamp (``build/version_info.txt``, ``packaging/version.py``);
2. PyInstaller with ``packaging/windows/qbdlink-connector.spec`` -> ``dist/qbdlink-connector.exe``;
3. Authenticode: ``signtool`` on Windows, ``osslsigncode`` elsewhere, with the code-signing
   certificate ``QBDLINK_SIGNING_PFX`` (a .pfx file) and its password
   ``QBDLINK_SIGNING_PASSWORD``, timestamped by ``QBDLINK_TIMESTAMP_URL``;
4. the manifest of the *signed* executable (Authenticode changes its bytes, so the manifest
   comes after), signed with the publisher's Ed25519 key ``QBDLINK_PUBLISHER_KEY`` (base64 of
   the raw 32 bytes) and written as ``dist/manifest.signed.json``; the installer checks it with
   the public key built into the connector (``connector/install/manifest.py``).

Steps 1 and 4 and the signing commands are plain functions, tested on Linux
(tests/unit/packaging); steps 2 and 3 need the build machine and its certificate.

This folder is deliberately not a Python package: a package named ``packaging`` would shadow
the ``packaging`` library that pip and pytest import. Its modules load each other by path.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
SPEC = HERE / "windows" / "qbdlink-connector.spec"
EXECUTABLE = "qbdlink-connector.exe"
MANIFEST = "manifest.signed.json"
DEFAULT_TIMESTAMP_URL = "http://timestamp.digicert.com"

ENV_PUBLISHER_KEY = "QBDLINK_PUBLISHER_KEY"
ENV_PFX = "QBDLINK_SIGNING_PFX"
ENV_PFX_PASSWORD = "QBDLINK_SIGNING_PASSWORD"
ENV_TIMESTAMP_URL = "QBDLINK_TIMESTAMP_URL"

Run = Callable[[Sequence[str]], None]


class BuildError(Exception):
    """A build step failed; the message says which and what to do."""


def load_sibling(name: str) -> ModuleType:
    """``packaging/<name>.py`` as a module (this folder is not a package, see above)."""
    spec = importlib.util.spec_from_file_location(f"qbdlink_packaging_{name}", HERE / f"{name}.py")
    if spec is None or spec.loader is None:
        raise BuildError(f"cannot load packaging/{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def manifest_module() -> ModuleType:
    """The connector's ``install/manifest.py`` (from ``src/`` when qbdlink is not installed)."""
    src = ROOT / "src"
    if str(src) not in sys.path:
        sys.path.insert(0, str(src))
    return importlib.import_module("qbdlink.connector.install.manifest")


# ---- the manifest ----------------------------------------------------------------------------


def manifest_files(dist: Path) -> list[str]:
    """The files the manifest lists: everything in ``dist`` but the manifest itself."""
    return sorted(
        path.relative_to(dist).as_posix()
        for path in dist.rglob("*")
        if path.is_file() and path.name != MANIFEST
    )


def write_signed_manifest(
    dist: Path, *, publisher_key_b64: str, version: str, files: Sequence[str] | None = None
) -> Path:
    """Write ``dist/manifest.signed.json``: the files' sizes and SHA-256, Ed25519-signed."""
    if not publisher_key_b64.strip():
        raise BuildError(
            f"{ENV_PUBLISHER_KEY} is not set: the manifest must be signed with the publisher's "
            "Ed25519 key (base64 of the raw 32 bytes), kept on the build machine only."
        )
    manifests = manifest_module()
    try:
        key = manifests.private_key_from_base64(publisher_key_b64)
    except ValueError as exc:
        raise BuildError(f"{ENV_PUBLISHER_KEY}: {exc}") from exc
    listed = list(files) if files is not None else manifest_files(dist)
    if not listed:
        raise BuildError(f"nothing to list in the manifest: {dist} is empty")
    manifest = manifests.build_manifest(dist, listed, version=version)
    path = dist / MANIFEST
    path.write_bytes(manifests.sign_manifest(manifest, key))
    return path


# ---- Authenticode ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SigningCertificate:
    pfx: Path
    password: str
    timestamp_url: str = DEFAULT_TIMESTAMP_URL

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SigningCertificate:
        pfx = env.get(ENV_PFX, "").strip()
        if not pfx:
            raise BuildError(
                f"{ENV_PFX} is not set: point it at the code-signing certificate (.pfx) and set "
                f"{ENV_PFX_PASSWORD}, or pass --skip-authenticode for an unsigned test build."
            )
        return cls(
            Path(pfx),
            env.get(ENV_PFX_PASSWORD, ""),
            env.get(ENV_TIMESTAMP_URL, "").strip() or DEFAULT_TIMESTAMP_URL,
        )


def authenticode_commands(
    executable: Path, certificate: SigningCertificate, *, platform: str = sys.platform
) -> list[list[str]]:
    """The commands that Authenticode-sign ``executable`` in place (SHA-256, RFC 3161
    timestamp): signtool on Windows; osslsigncode elsewhere (it writes a new file, which then
    replaces the original)."""
    if platform == "win32":
        return [
            [
                "signtool",
                "sign",
                "/fd",
                "SHA256",
                "/f",
                str(certificate.pfx),
                "/p",
                certificate.password,
                "/tr",
                certificate.timestamp_url,
                "/td",
                "SHA256",
                "/d",
                "QuickBooks connector",
                str(executable),
            ],
            ["signtool", "verify", "/pa", str(executable)],
        ]
    signed = executable.with_name(executable.name + ".signed")
    return [
        [
            "osslsigncode",
            "sign",
            "-pkcs12",
            str(certificate.pfx),
            "-pass",
            certificate.password,
            "-h",
            "sha256",
            "-n",
            "QuickBooks connector",
            "-ts",
            certificate.timestamp_url,
            "-in",
            str(executable),
            "-out",
            str(signed),
        ],
        ["osslsigncode", "verify", "-in", str(signed)],
    ]


def pyinstaller_command(dist: Path, work: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--distpath",
        str(dist),
        "--workpath",
        str(work),
        str(SPEC),
    ]


def shown(argv: Sequence[str]) -> str:
    """The command as printed: the certificate's password hidden."""
    words = list(argv)
    for index, word in enumerate(words[:-1]):
        if word in ("/p", "-pass"):
            words[index + 1] = "***"
    return " ".join(words)


def run_checked(argv: Sequence[str]) -> None:
    print("+", shown(argv), flush=True)
    done = subprocess.run(list(argv), check=False)
    if done.returncode != 0:
        raise BuildError(f"{argv[0]} failed with exit code {done.returncode}")


# ---- the build -------------------------------------------------------------------------------


def build(
    *,
    dist: Path,
    work: Path,
    env: Mapping[str, str],
    run: Run = run_checked,
    platform: str = sys.platform,
    skip_pyinstaller: bool = False,
    skip_authenticode: bool = False,
) -> Path:
    """All four steps; returns the signed manifest's path."""
    version_module = load_sibling("version")
    version = str(version_module.current_version())
    version_file = version_module.write_version_file(work / "version_info.txt", version)
    if not skip_pyinstaller:
        os.environ["QBDLINK_VERSION_FILE"] = str(version_file)
        run(pyinstaller_command(dist, work))
    executable = dist / EXECUTABLE
    if not executable.is_file():
        raise BuildError(f"{executable} was not built")
    if not skip_authenticode:
        certificate = SigningCertificate.from_env(env)
        for argv in authenticode_commands(executable, certificate, platform=platform):
            run(argv)
        if platform != "win32":
            executable.with_name(executable.name + ".signed").replace(executable)
    return write_signed_manifest(
        dist, publisher_key_b64=env.get(ENV_PUBLISHER_KEY, ""), version=version
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build")
    parser.add_argument("--skip-pyinstaller", action="store_true", help="reuse dist/")
    parser.add_argument("--skip-authenticode", action="store_true", help="an unsigned test build")
    args = parser.parse_args(argv)
    try:
        manifest = build(
            dist=args.dist,
            work=args.work,
            env=os.environ,
            skip_pyinstaller=args.skip_pyinstaller,
            skip_authenticode=args.skip_authenticode,
        )
    except BuildError as error:
        print(f"build.py: {error}", file=sys.stderr)
        return 1
    print(f"built {args.dist / EXECUTABLE} and {manifest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
