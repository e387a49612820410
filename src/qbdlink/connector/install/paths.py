"""Where the connector lives on disk: pure functions of (platform, environment, client name).

Windows: ``%ProgramFiles(x86)%\\<Client>\\QuickBooks-connector`` for the program files (what the
Link page tells the user), ``%ProgramData%\\<Client>\\QuickBooks-connector`` for the local state.
Elsewhere (development against the simulator): a configurable root, by default under the
user's XDG data folder, and the state under the XDG state folder. ``QBDLINK_HOME``, when set,
is the state folder on every platform.

Nothing here touches the file system: the paths are ``PureWindowsPath`` on Windows and
``PurePosixPath`` elsewhere, so every platform's layout can be computed (and tested) anywhere.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath, PurePosixPath, PureWindowsPath
from typing import Literal

__all__ = [
    "CREDENTIAL_FILE_NAME",
    "LOG_FILE_NAME",
    "MANIFEST_FILE_NAME",
    "PROGRAM_FOLDER_NAME",
    "STATE_DB_FILE_NAME",
    "WINDOWS_EXECUTABLE_NAME",
    "InstallLayout",
    "Platform",
    "client_slug",
    "normalize_platform",
    "safe_folder_name",
]

Platform = Literal["win32", "linux", "darwin"]

PROGRAM_FOLDER_NAME = "QuickBooks-connector"
WINDOWS_EXECUTABLE_NAME = "qbdlink-connector.exe"
MANIFEST_FILE_NAME = "manifest.signed.json"
LOG_FILE_NAME = "connector.log"
STATE_DB_FILE_NAME = "state.sqlite3"
CREDENTIAL_FILE_NAME = "connector.credential"

# A folder name that is fine on Windows (the strictest file system the connector meets).
_MAX_CHARS = 64
_MAX_UTF8_BYTES = 180  # ext4 and most POSIX file systems allow 255 bytes per name
_FALLBACK_NAME = "Client"
# Characters Windows refuses in a name, plus '%' (expanded by cmd.exe and Task Scheduler).
_FORBIDDEN = frozenset('<>:"/\\|?*%')
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{dev}{n}" for dev in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")}
)
_DASHES = re.compile(r"-{2,}")
_SPACES = re.compile(r" {2,}")
_DOTS = re.compile(r"\.{2,}")


def safe_folder_name(client_name: str, *, max_chars: int = _MAX_CHARS) -> str:
    """The client's name made safe as one folder name on Windows (and everywhere else).

    Forbidden characters (``<>:"/\\|?*``, ``%``) become ``-``; control and format characters
    (including bidirectional overrides) are dropped; other whitespace becomes a space; runs of
    dots, dashes and spaces collapse; leading and trailing dots, dashes and spaces go (Windows
    drops trailing dots and spaces, a leading dot hides a folder on POSIX). Reserved device
    names (``CON``, ``NUL``, ``COM1`` ... also with an extension: ``con.txt``) get a ``_``
    appended to their stem. Letters of any script are kept (NFC). The result is at most
    ``max_chars`` characters and 180 UTF-8 bytes, and never empty (``Client``).
    """
    text = unicodedata.normalize("NFC", client_name)
    out: list[str] = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in _FORBIDDEN:
            out.append("-")
        elif category in ("Zs", "Zl", "Zp") or ch in "\t\n\r\v\f":
            out.append(" ")
        elif category in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        else:
            out.append(ch)
    name = _tidy("".join(out))
    name = _cap(name, max_chars)
    stem, dot, rest = name.partition(".")
    if stem.rstrip(" ").upper() in _RESERVED:
        name = _cap(f"{stem.rstrip(' ')}_{dot}{rest}", max_chars)
    return name or _FALLBACK_NAME


def _tidy(name: str) -> str:
    name = _SPACES.sub(" ", name)
    name = _DASHES.sub("-", name)
    name = _DOTS.sub(".", name)
    return name.strip(" .-")


def _cap(name: str, max_chars: int) -> str:
    name = name[:max_chars]
    while len(name.encode("utf-8")) > _MAX_UTF8_BYTES:
        name = name[:-1]
    return _tidy(name)


def client_slug(client_name: str) -> str:
    """An ASCII identifier for the client (systemd unit and ``.desktop`` file names).

    Lower-case letters, digits and single dashes, accents folded (``Café`` -> ``cafe``), at most
    40 characters. A name with nothing ASCII left (``株式会社``) becomes ``client-`` and the first
    10 hex digits of its SHA-256, so two such clients still get two names.
    """
    folded = unicodedata.normalize("NFKD", client_name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:40].strip("-")
    if slug:
        return slug
    digest = hashlib.sha256(unicodedata.normalize("NFC", client_name).encode("utf-8"))
    return f"client-{digest.hexdigest()[:10]}"


def normalize_platform(platform: str) -> Platform:
    """``sys.platform`` as one of the three layouts (``cygwin`` counts as Windows, others POSIX)."""
    if platform in ("win32", "cygwin"):
        return "win32"
    if platform == "darwin":
        return "darwin"
    return "linux"


@dataclass(frozen=True)
class InstallLayout:
    """Every place the connector reads or writes, for one client on one machine."""

    platform: Platform
    client_name: str
    safe_client: str
    slug: str
    install_root: PurePath
    state_dir: PurePath
    state_dir_from_env: bool = False  # QBDLINK_HOME: never remove anything above it

    @classmethod
    def compute(
        cls,
        platform: str,
        env: Mapping[str, str],
        client_name: str,
        configured_root: str | PurePath | None = None,
    ) -> InstallLayout:
        """The layout for ``client_name``; ``env`` is the process environment (``os.environ``).

        ``configured_root`` replaces the default install root (on Windows too, where the default
        is ``Program Files (x86)``).
        """
        plat = normalize_platform(platform)
        path_type: type[PurePath] = PureWindowsPath if plat == "win32" else PurePosixPath
        safe = safe_folder_name(client_name)
        if configured_root is not None and str(configured_root).strip():
            root = path_type(configured_root)
        else:
            root = _default_root(plat, env)
        home = env.get("QBDLINK_HOME", "").strip()
        state = path_type(home) if home else _default_state_dir(plat, env, safe)
        return cls(plat, client_name, safe, client_slug(client_name), root, state, bool(home))

    @property
    def client_dir(self) -> PurePath:
        """``<root>/<Client>``: created by the install, removed by uninstall when empty."""
        return self.install_root / self.safe_client

    @property
    def program_dir(self) -> PurePath:
        return self.client_dir / PROGRAM_FOLDER_NAME

    @property
    def manifest_path(self) -> PurePath:
        return self.program_dir / MANIFEST_FILE_NAME

    @property
    def executable_path(self) -> PurePath:
        """The connector's executable on Windows (the frozen build)."""
        return self.program_dir / WINDOWS_EXECUTABLE_NAME

    @property
    def log_path(self) -> PurePath:
        return self.state_dir / LOG_FILE_NAME

    @property
    def state_db_path(self) -> PurePath:
        return self.state_dir / STATE_DB_FILE_NAME

    @property
    def credential_path(self) -> PurePath:
        return self.state_dir / CREDENTIAL_FILE_NAME

    @property
    def requires_administrator(self) -> bool:
        """Installing writes under Program Files: Windows needs an administrator."""
        return self.platform == "win32"

    @property
    def windows_task_name(self) -> str:
        return f"QuickBooksConnector_{self.safe_client}"


def _default_root(platform: Platform, env: Mapping[str, str]) -> PurePath:
    if platform == "win32":
        folder = env.get("ProgramFiles(x86)") or env.get("ProgramFiles") or ""
        return PureWindowsPath(folder or r"C:\Program Files (x86)")
    home = PurePosixPath(env.get("HOME") or "/")
    if platform == "darwin":
        return home / "Library" / "Application Support" / "qbdlink"
    data = env.get("XDG_DATA_HOME", "")
    return (PurePosixPath(data) if data.startswith("/") else home / ".local" / "share") / "qbdlink"


def _default_state_dir(platform: Platform, env: Mapping[str, str], safe: str) -> PurePath:
    if platform == "win32":
        folder = env.get("ProgramData") or r"C:\ProgramData"
        return PureWindowsPath(folder) / safe / PROGRAM_FOLDER_NAME
    home = PurePosixPath(env.get("HOME") or "/")
    if platform == "darwin":
        return home / "Library" / "Application Support" / "qbdlink" / safe / "state"
    state = env.get("XDG_STATE_HOME", "")
    base = PurePosixPath(state) if state.startswith("/") else home / ".local" / "state"
    return base / "qbdlink" / safe
