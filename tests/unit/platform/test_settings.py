"""Platform settings: parsed once from defaults, the settings file, the environment, options."""

from __future__ import annotations

from pathlib import Path

import pytest

from qbdlink.errors import ConfigurationError
from qbdlink.platform.settings import default_home, load_settings


def test_defaults_put_a_sqlite_file_in_the_data_directory(tmp_path: Path) -> None:
    settings = load_settings({"QBDLINK_HOME": str(tmp_path)})
    assert settings.home == tmp_path
    assert settings.database_url == f"sqlite:///{tmp_path / 'platform.sqlite3'}"
    assert settings.region == "us"
    assert settings.base_url == "http://127.0.0.1:8000"


def test_per_user_default_home() -> None:
    assert default_home({"LOCALAPPDATA": r"C:\Users\a\AppData\Local"}, "win32").name == "qbdlink"
    assert default_home({"XDG_DATA_HOME": "/x"}, "linux") == Path("/x/qbdlink")


def test_environment_then_file_then_options(tmp_path: Path) -> None:
    (tmp_path / "platform.toml").write_text(
        'region = "ca"\npublic_url = "https://ca.example.com/"\n'
        '[region_urls]\nuk = "https://uk.example.com"\n'
    )
    settings = load_settings({"QBDLINK_HOME": str(tmp_path)})
    assert settings.region == "ca"
    assert settings.base_url == "https://ca.example.com"
    assert settings.url_of_region("uk") == "https://uk.example.com"
    from_env = load_settings(
        {
            "QBDLINK_HOME": str(tmp_path),
            "QBDLINK_REGION": "UK",
            "QBDLINK_DATABASE_URL": "postgresql://app:secret@db:5432/qbd",
        }
    )
    assert from_env.region == "uk"
    assert from_env.database_url.startswith("postgresql+psycopg://")
    assert "secret" not in str(from_env.describe())
    overridden = from_env.with_overrides(region="us", database_url=None)
    assert overridden.region == "us"
    assert overridden.database_url == from_env.database_url


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"QBDLINK_REGION": "mars"}, "unknown region"),
        ({"QBDLINK_DATABASE_URL": "mysql://x/y"}, "not supported"),
        ({"QBDLINK_DATABASE_URL": "::nonsense"}, "not a database URL"),
        ({"QBDLINK_REGION_URLS": "uk"}, "region=url"),
    ],
)
def test_bad_settings_say_what_is_wrong(tmp_path: Path, env: dict[str, str], expected: str) -> None:
    with pytest.raises(ConfigurationError, match=expected):
        load_settings({"QBDLINK_HOME": str(tmp_path), **env})


def test_unknown_or_broken_settings_file(tmp_path: Path) -> None:
    (tmp_path / "platform.toml").write_text('regoin = "us"\n')
    with pytest.raises(ConfigurationError, match="unknown settings regoin"):
        load_settings({"QBDLINK_HOME": str(tmp_path)})
    (tmp_path / "platform.toml").write_text("region = \n")
    with pytest.raises(ConfigurationError, match="Cannot read the settings file"):
        load_settings({"QBDLINK_HOME": str(tmp_path)})
