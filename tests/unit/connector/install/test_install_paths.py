from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qbdlink.connector.install.paths import InstallLayout, client_slug, safe_folder_name

WINDOWS_FORBIDDEN = set('<>:"/\\|?*')
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10))} | {
    f"LPT{n}" for n in range(1, 10)
}

WIN_ENV = {
    "ProgramFiles(x86)": r"C:\Program Files (x86)",
    "ProgramFiles": r"C:\Program Files",
    "ProgramData": r"C:\ProgramData",
    "USERNAME": "alice",
}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Acme Lending", "Acme Lending"),
        ("  Acme   Lending  ", "Acme Lending"),
        ("Smith & Sons", "Smith & Sons"),
        ('Bob\'s "Best" Loans', "Bob's -Best- Loans"),
        ("A/B\\C", "A-B-C"),
        ("Acme: <Finance> | Loans?*", "Acme- -Finance- - Loans"),
        ("..", "Client"),
        ("../../Windows/System32", "Windows-System32"),
        ("a..b", "a.b"),
        ("Trailing dots...", "Trailing dots"),
        ("Trailing space ", "Trailing space"),
        (".hidden", "hidden"),
        ("100% Capital", "100- Capital"),
        ("Tab\tand\nnewline", "Tab and newline"),
        ("bell\x07\x00nul", "bellnul"),
        ("right\u202eto-left", "rightto-left"),
        ("株式会社テスト", "株式会社テスト"),
        ("Ακμή Δάνεια", "Ακμή Δάνεια"),
        ("Société Générale", "Société Générale"),
        ("", "Client"),
        ("   ", "Client"),
        ("///", "Client"),
        ("CON", "CON_"),
        ("con", "con_"),
        ("Nul.txt", "Nul_.txt"),
        ("COM1", "COM1_"),
        ("LPT9", "LPT9_"),
        ("COM0", "COM0"),
        ("Console", "Console"),
        ("AUX Finance", "AUX Finance"),
    ],
)
def test_safe_folder_name(name: str, expected: str) -> None:
    assert safe_folder_name(name) == expected


def test_safe_folder_name_nfc_normalises_combining_accents() -> None:
    assert safe_folder_name("Cafe\u0301") == "Café"


def test_safe_folder_name_caps_long_names_without_a_trailing_space_or_dot() -> None:
    name = safe_folder_name("Acme " * 40)
    assert len(name) <= 64
    assert name == name.strip(" .")
    assert name.startswith("Acme Acme")


def test_safe_folder_name_caps_utf8_bytes_for_posix_file_systems() -> None:
    name = safe_folder_name("𝔄" * 100)  # 4 bytes each in UTF-8
    assert len(name.encode("utf-8")) <= 180
    assert name == "𝔄" * 45


@given(st.text(max_size=300))
def test_safe_folder_name_is_always_a_valid_windows_name(name: str) -> None:
    safe = safe_folder_name(name)
    assert safe
    assert not WINDOWS_FORBIDDEN & set(safe)
    assert all(ord(ch) >= 32 for ch in safe)
    assert not safe.endswith((".", " "))
    assert safe not in (".", "..")
    assert ".." not in safe
    assert safe.split(".")[0].strip().upper() not in RESERVED
    assert len(safe) <= 64
    assert safe_folder_name(safe) == safe  # idempotent


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Acme Lending", "acme-lending"),
        ("Smith & Sons, Ltd.", "smith-sons-ltd"),
        ("Société Générale", "societe-generale"),
        ("../etc", "etc"),
    ],
)
def test_client_slug(name: str, expected: str) -> None:
    assert client_slug(name) == expected


def test_client_slug_of_a_non_latin_name_is_a_stable_hash() -> None:
    first = client_slug("株式会社テスト")
    assert first.startswith("client-") and len(first) == len("client-") + 10
    assert client_slug("株式会社テスト") == first
    assert client_slug("株式会社サンプル") != first


def test_windows_layout() -> None:
    layout = InstallLayout.compute("win32", WIN_ENV, "Acme: Lending")
    assert layout.platform == "win32"
    assert layout.safe_client == "Acme- Lending"
    assert layout.program_dir == PureWindowsPath(
        r"C:\Program Files (x86)\Acme- Lending\QuickBooks-connector"
    )
    assert layout.client_dir == PureWindowsPath(r"C:\Program Files (x86)\Acme- Lending")
    assert layout.state_dir == PureWindowsPath(r"C:\ProgramData\Acme- Lending\QuickBooks-connector")
    assert layout.log_path.name == "connector.log"
    assert layout.log_path.parent == layout.state_dir
    assert layout.state_db_path == layout.state_dir / "state.sqlite3"
    assert layout.credential_path == layout.state_dir / "connector.credential"
    assert layout.manifest_path == layout.program_dir / "manifest.signed.json"
    assert layout.executable_path == layout.program_dir / "qbdlink-connector.exe"
    assert layout.requires_administrator
    assert layout.windows_task_name == "QuickBooksConnector_Acme- Lending"
    assert not layout.state_dir_from_env


def test_windows_layout_on_32_bit_windows_uses_program_files() -> None:
    env = {k: v for k, v in WIN_ENV.items() if k != "ProgramFiles(x86)"}
    layout = InstallLayout.compute("win32", env, "Acme")
    assert layout.install_root == PureWindowsPath(r"C:\Program Files")


def test_windows_layout_without_environment_uses_the_usual_folders() -> None:
    layout = InstallLayout.compute("win32", {}, "Acme")
    assert layout.program_dir == PureWindowsPath(
        r"C:\Program Files (x86)\Acme\QuickBooks-connector"
    )
    assert layout.state_dir == PureWindowsPath(r"C:\ProgramData\Acme\QuickBooks-connector")


def test_qbdlink_home_is_the_state_folder_on_every_platform() -> None:
    win = InstallLayout.compute("win32", {**WIN_ENV, "QBDLINK_HOME": r"D:\qbd"}, "Acme")
    assert win.state_dir == PureWindowsPath(r"D:\qbd")
    assert win.state_dir_from_env
    linux = InstallLayout.compute("linux", {"HOME": "/home/a", "QBDLINK_HOME": "/srv/q"}, "Acme")
    assert linux.state_dir == PurePosixPath("/srv/q")
    assert linux.credential_path == PurePosixPath("/srv/q/connector.credential")


def test_linux_layout_defaults_to_xdg_folders() -> None:
    layout = InstallLayout.compute("linux", {"HOME": "/home/ann"}, "Acme Lending")
    assert layout.program_dir == PurePosixPath(
        "/home/ann/.local/share/qbdlink/Acme Lending/QuickBooks-connector"
    )
    assert layout.state_dir == PurePosixPath("/home/ann/.local/state/qbdlink/Acme Lending")
    assert not layout.requires_administrator
    env = {"HOME": "/home/ann", "XDG_DATA_HOME": "/data", "XDG_STATE_HOME": "/state"}
    layout = InstallLayout.compute("linux", env, "Acme")
    assert layout.program_dir == PurePosixPath("/data/qbdlink/Acme/QuickBooks-connector")
    assert layout.state_dir == PurePosixPath("/state/qbdlink/Acme")


def test_configured_root_replaces_the_default() -> None:
    layout = InstallLayout.compute("linux", {"HOME": "/home/ann"}, "Acme", "/opt/connectors")
    assert layout.program_dir == PurePosixPath("/opt/connectors/Acme/QuickBooks-connector")
    win = InstallLayout.compute("win32", WIN_ENV, "Acme", r"D:\Apps")
    assert win.program_dir == PureWindowsPath(r"D:\Apps\Acme\QuickBooks-connector")


def test_darwin_layout() -> None:
    layout = InstallLayout.compute("darwin", {"HOME": "/Users/ann"}, "Acme")
    assert layout.program_dir == PurePosixPath(
        "/Users/ann/Library/Application Support/qbdlink/Acme/QuickBooks-connector"
    )


def test_a_client_name_cannot_escape_the_install_root() -> None:
    layout = InstallLayout.compute("linux", {"HOME": "/home/ann"}, "../../../etc")
    assert layout.client_dir.parent == layout.install_root
    win = InstallLayout.compute("win32", WIN_ENV, "..\\..\\Windows")
    assert win.client_dir.parent == win.install_root
