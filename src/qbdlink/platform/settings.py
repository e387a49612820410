"""The platform's settings, parsed once per process into one typed object.

Sources, later ones winning: built-in defaults, the settings file ``platform.toml`` in the data
directory (or ``QBDLINK_SETTINGS_FILE``), the environment (``QBDLINK_*``), then the command line.
Secrets (database passwords) are never logged: use :meth:`PlatformSettings.describe`.
"""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from qbdlink.errors import ConfigurationError

REGIONS = ("us", "uk", "ca")
REGION_NAMES = {"us": "United States", "uk": "United Kingdom", "ca": "Canada"}
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000

ENV_HOME = "QBDLINK_HOME"
ENV_DATABASE_URL = "QBDLINK_DATABASE_URL"
ENV_REGION = "QBDLINK_REGION"
ENV_PUBLIC_URL = "QBDLINK_PUBLIC_URL"
ENV_SETTINGS_FILE = "QBDLINK_SETTINGS_FILE"
ENV_REGION_URLS = "QBDLINK_REGION_URLS"
ENV_CONNECTOR_INSTALLER = "QBDLINK_CONNECTOR_INSTALLER"
ENV_SIGNING_KEY_FILE = "QBDLINK_SIGNING_KEY_FILE"


def default_home(env: Mapping[str, str], platform: str = sys.platform) -> Path:
    """The per-user data folder: %LOCALAPPDATA%\\qbdlink, ~/Library/..., or XDG data home."""
    if platform == "win32" and env.get("LOCALAPPDATA"):
        return Path(env["LOCALAPPDATA"]) / "qbdlink"
    if platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "qbdlink"
    xdg = env.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "qbdlink"


def home_from(env: Mapping[str, str]) -> Path:
    """The data directory every command uses: ``QBDLINK_HOME`` or the per-user default."""
    value = env.get(ENV_HOME)
    return Path(value).expanduser() if value else default_home(env)


@dataclass(frozen=True, kw_only=True)
class PlatformSettings:
    home: Path
    database_url: str
    region: str = "us"
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    public_url: str | None = None
    # The public URL of each region's deployment, for connectors and for "wrong region" errors.
    region_urls: Mapping[str, str] = field(default_factory=dict)
    connector_installer: Path | None = None
    # The Ed25519 key that signs installer tags (PEM); None: <home>/signing-key.pem, made on
    # first use (see signing.py).
    signing_key_file: Path | None = None
    # How long a connector's work request may wait for work (long poll), in seconds.
    work_wait_seconds: float = 25.0
    scheduler_interval_seconds: float = 30.0

    @property
    def base_url(self) -> str:
        """Where clients and connectors reach this deployment (no trailing slash)."""
        if self.public_url:
            return self.public_url.rstrip("/")
        return f"http://{self.host}:{self.port}"

    def url_of_region(self, region: str) -> str | None:
        if region == self.region:
            return self.base_url
        return self.region_urls.get(region)

    def describe(self) -> dict[str, str]:
        """The settings as text for logs and ``--help`` output, with secrets hidden."""
        return {
            "home": str(self.home),
            "database": make_url(self.database_url).render_as_string(hide_password=True),
            "region": self.region,
            "public url": self.base_url,
        }

    def with_overrides(self, **overrides: Any) -> PlatformSettings:
        given = {key: value for key, value in overrides.items() if value is not None}
        if "region" in given:
            given["region"] = parse_region(str(given["region"]), source="--region")
        if "database_url" in given:
            given["database_url"] = parse_database_url(str(given["database_url"]), "--database-url")
        return replace(self, **given)


def parse_region(value: str, *, source: str) -> str:
    region = value.strip().lower()
    if region == "gb":
        region = "uk"
    if region not in REGIONS:
        raise ConfigurationError(
            f"{source}: unknown region {value!r}.",
            code="settings.region",
            fix="Use one of: us, uk, ca.",
        )
    return region


def parse_database_url(value: str, source: str) -> str:
    try:
        url = make_url(value)
    except ArgumentError as exc:
        raise ConfigurationError(
            f"{source}: {value!r} is not a database URL.",
            code="settings.database_url",
            fix="Use sqlite:///path/to/file.sqlite3 or postgresql://user@host:5432/database.",
        ) from exc
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ConfigurationError(
            f"{source}: the {backend} database is not supported.",
            code="settings.database_url",
            fix="Use SQLite (the default) or PostgreSQL.",
        )
    if backend == "postgresql" and url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def _parse_region_urls(text: str, source: str) -> dict[str, str]:
    """``us=https://us.example.com,uk=https://uk.example.com``."""
    urls: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, url = part.partition("=")
        if not sep or not url.strip():
            raise ConfigurationError(
                f"{source}: {part!r} is not region=url.",
                code="settings.region_urls",
                fix="Write it as us=https://us.example.com,uk=https://uk.example.com.",
            )
        urls[parse_region(name, source=source)] = url.strip().rstrip("/")
    return urls


def _read_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except FileNotFoundError:
        return {}
    except (tomllib.TOMLDecodeError, OSError) as exc:
        raise ConfigurationError(
            f"Cannot read the settings file {path}: {exc}.",
            code="settings.file",
            fix="Correct the file (TOML) or remove it.",
        ) from exc


def load_settings(env: Mapping[str, str] | None = None) -> PlatformSettings:
    """Parse the settings file and the environment into :class:`PlatformSettings`."""
    env = os.environ if env is None else env
    home = home_from(env)
    settings_file = Path(env.get(ENV_SETTINGS_FILE) or home / "platform.toml")
    from_file = _read_file(settings_file)
    known = {
        "database_url",
        "region",
        "public_url",
        "region_urls",
        "connector_installer",
        "signing_key_file",
    }
    unknown = sorted(set(from_file) - known)
    if unknown:
        raise ConfigurationError(
            f"{settings_file}: unknown settings {', '.join(unknown)}.",
            code="settings.file",
            fix=f"Known settings: {', '.join(sorted(known))}.",
        )

    def pick(key: str, env_name: str) -> str | None:
        value = env.get(env_name)
        if value:
            return value
        raw = from_file.get(key)
        return None if raw is None else str(raw)

    database_url = pick("database_url", ENV_DATABASE_URL)
    region_urls_text = env.get(ENV_REGION_URLS)
    if region_urls_text:
        region_urls = _parse_region_urls(region_urls_text, ENV_REGION_URLS)
    else:
        table = from_file.get("region_urls", {})
        region_urls = _parse_region_urls(
            ",".join(f"{k}={v}" for k, v in dict(table).items()), str(settings_file)
        )
    installer = pick("connector_installer", ENV_CONNECTOR_INSTALLER)
    region = pick("region", ENV_REGION)
    signing_key_file = pick("signing_key_file", ENV_SIGNING_KEY_FILE)
    return PlatformSettings(
        home=home,
        database_url=(
            parse_database_url(database_url, ENV_DATABASE_URL)
            if database_url
            else f"sqlite:///{home / 'platform.sqlite3'}"
        ),
        region=parse_region(region, source=ENV_REGION) if region else "us",
        public_url=pick("public_url", ENV_PUBLIC_URL),
        region_urls=region_urls,
        connector_installer=Path(installer) if installer else None,
        signing_key_file=Path(signing_key_file).expanduser() if signing_key_file else None,
    )
