"""qbXML versions, regional editions and choosing the version for a session (versions.py)."""

from __future__ import annotations

import pytest

from qbdlink.errors import PermanentError
from qbdlink.qbxml.errors import UnsupportedVersionError
from qbdlink.qbxml.versions import (
    NEWEST,
    Edition,
    QbxmlVersion,
    choose_version,
    edition_from_country,
)


@pytest.mark.parametrize(
    ("text", "major", "minor", "region"),
    [
        ("13.0", 13, 0, ""),
        ("16.0", 16, 0, ""),
        ("2.1", 2, 1, ""),
        ("CA3.0", 3, 0, "CA"),
        ("UK2.0", 2, 0, "UK"),
        (" 14.0 ", 14, 0, ""),
    ],
)
def test_parse_known_versions(text: str, major: int, minor: int, region: str) -> None:
    version = QbxmlVersion.parse(text)
    assert (version.major, version.minor, version.region) == (major, minor, region)
    assert version.number == (major, minor)
    assert str(version) == text.strip()


@pytest.mark.parametrize("text", ["", "abc", "13", "13.0.1", "v13.0", "XX3.0", "13,0", "CA"])
def test_parse_garbage_is_unsupported_version(text: str) -> None:
    with pytest.raises(UnsupportedVersionError) as info:
        QbxmlVersion.parse(text)
    assert isinstance(info.value, PermanentError)
    assert repr(text) in info.value.message
    assert info.value.fix
    assert info.value.code == "qbxml.unsupported_version"


def test_newest_is_16_0() -> None:
    assert QbxmlVersion(16, 0) == NEWEST


def test_choose_version_picks_highest_supported() -> None:
    assert choose_version(["1.0", "2.0", "13.0", "14.0", "16.0"]) == QbxmlVersion(16, 0)
    assert choose_version(["2.0", "13.0", "8.0"]) == QbxmlVersion(13, 0)


def test_choose_version_never_exceeds_16_0() -> None:
    assert choose_version(["13.0", "16.0", "17.0"]) == QbxmlVersion(16, 0)
    assert choose_version(["13.0", "17.0", "99.0"]) == QbxmlVersion(13, 0)


def test_choose_version_respects_newest_argument() -> None:
    assert choose_version(["13.0", "16.0"], newest=QbxmlVersion(14, 0)) == QbxmlVersion(13, 0)


def test_choose_version_skips_unparseable_entries() -> None:
    assert choose_version(["junk", "13.0", "", "x.y"]) == QbxmlVersion(13, 0)


def test_choose_version_ca_prefers_regional_version_before_6_0() -> None:
    chosen = choose_version(["CA2.0", "CA3.0", "2.0", "3.0"], Edition.CA)
    assert chosen == QbxmlVersion(3, 0, "CA")
    assert str(chosen) == "CA3.0"


def test_choose_version_ca_uses_plain_versions_from_6_0() -> None:
    chosen = choose_version(["CA2.0", "CA3.0", "3.0", "6.0", "13.0"], Edition.CA)
    assert chosen == QbxmlVersion(13, 0)
    assert choose_version(["6.0"], Edition.UK) == QbxmlVersion(6, 0)


def test_choose_version_ca_ignores_other_regions() -> None:
    assert choose_version(["UK3.0", "CA2.0", "UK2.0"], Edition.CA) == QbxmlVersion(2, 0, "CA")


def test_choose_version_us_ignores_regional_versions() -> None:
    assert choose_version(["CA3.0", "UK3.0", "2.0"], Edition.US) == QbxmlVersion(2, 0)


def test_choose_version_ca_with_only_old_plain_versions_fails() -> None:
    with pytest.raises(UnsupportedVersionError) as info:
        choose_version(["2.0", "3.0", "5.0"], Edition.CA)
    assert "CA" in info.value.message
    assert info.value.fix


@pytest.mark.parametrize(
    ("supported", "edition"),
    [
        ([], Edition.US),
        (["17.0", "18.0"], Edition.US),
        (["CA3.0", "UK2.0"], Edition.US),
        (["junk"], Edition.UK),
    ],
)
def test_choose_version_nothing_usable(supported: list[str], edition: Edition) -> None:
    with pytest.raises(UnsupportedVersionError) as info:
        choose_version(supported, edition)
    error = info.value
    assert error.fix
    assert edition.value in error.message
    for text in supported:
        assert text in error.message


def test_choose_version_error_lists_versions_from_an_iterator() -> None:
    # choose_version takes any Iterable; a one-shot iterator must not lose the listed versions.
    with pytest.raises(UnsupportedVersionError) as info:
        choose_version(iter(["CA3.0", "UK2.0"]), Edition.US)
    assert "CA3.0" in info.value.message
    assert "UK2.0" in info.value.message


def test_choose_version_accepts_a_generator() -> None:
    assert choose_version(v for v in ("2.0", "13.0")) == QbxmlVersion(13, 0)


@pytest.mark.parametrize(
    ("country", "edition"),
    [
        ("US", Edition.US),
        ("CA", Edition.CA),
        ("UK", Edition.UK),
        ("ca", Edition.CA),
        (" UK ", Edition.UK),
        (None, Edition.US),
        ("", Edition.US),
    ],
)
def test_edition_from_country(country: str | None, edition: Edition) -> None:
    assert edition_from_country(country) is edition


@pytest.mark.parametrize("country", ["AU", "OZ", "FR"])
def test_edition_from_unsupported_country(country: str) -> None:
    with pytest.raises(UnsupportedVersionError) as info:
        edition_from_country(country)
    assert country in info.value.message
    assert info.value.fix


def test_versions_order_by_number() -> None:
    assert QbxmlVersion.parse("2.0") < QbxmlVersion.parse("13.0") < QbxmlVersion.parse("16.0")
