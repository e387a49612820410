"""qbXML versions, regional editions, and choosing the version for a session.

QuickBooks reports the versions it supports (``QBXMLVersionsForSession`` or HostQuery's
``SupportedQBXMLVersion``), ascending. Builds older than QuickBooks 2008 outside the US
list region-prefixed versions such as ``CA3.0`` or ``UK2.0``; from 6.0 on there is one
specification for every region, with elements marked "not in QBCA/QBUK".
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import UnsupportedVersionError

__all__ = ["NEWEST", "Edition", "QbxmlVersion", "choose_version", "edition_from_country"]

_VERSION = re.compile(r"^(?P<region>CA|UK|OZ|AU)?(?P<major>\d{1,2})\.(?P<minor>\d{1,2})$")


class Edition(enum.Enum):
    """The regional edition of QuickBooks Desktop."""

    US = "US"
    CA = "CA"
    UK = "UK"


def edition_from_country(country: str | None) -> Edition:
    """Map HostRet/Country to an edition; QuickBooks without the element is US."""
    if country is None or country.strip() == "":
        return Edition.US
    try:
        return Edition(country.strip().upper())
    except ValueError:
        raise UnsupportedVersionError(
            f"QuickBooks reports country {country!r}, which qbdlink does not support",
            fix="qbdlink supports the US, Canadian and UK editions of QuickBooks Desktop.",
        ) from None


@dataclass(frozen=True, order=True)
class QbxmlVersion:
    major: int
    minor: int
    region: str = ""  # "CA", "UK", ... for pre-6.0 regional specifications

    @classmethod
    def parse(cls, text: str) -> QbxmlVersion:
        match = _VERSION.match(text.strip())
        if match is None or int(match["major"]) < 1:
            raise UnsupportedVersionError(
                f"{text!r} is not a qbXML version",
                fix='qbXML versions look like "13.0", "16.0" or, before 6.0, "CA3.0".',
            )
        major, region = int(match["major"]), match["region"] or ""
        if region and major >= 6:
            raise UnsupportedVersionError(
                f"{text!r} is not a qbXML version: regional versions such as CA3.0 exist only "
                f'before 6.0; from 6.0 on every region uses the plain version ("{major}.'
                f'{match["minor"]}")',
                fix='Use the plain version, e.g. "13.0".',
            )
        return cls(major, int(match["minor"]), region)

    @property
    def number(self) -> tuple[int, int]:
        return (self.major, self.minor)

    def __str__(self) -> str:
        return f"{self.region}{self.major}.{self.minor}"


NEWEST = QbxmlVersion(16, 0)


def choose_version(
    supported: Iterable[str], edition: Edition = Edition.US, *, newest: QbxmlVersion = NEWEST
) -> QbxmlVersion:
    """The highest version QuickBooks supports that qbdlink can speak, for ``edition``.

    Region-prefixed versions only count for their own edition; plain versions from 6.0
    count for every edition; before 6.0 a non-US edition needs its prefixed version.
    """
    supported = list(supported)
    candidates: list[QbxmlVersion] = []
    for text in supported:
        try:
            version = QbxmlVersion.parse(text)
        except UnsupportedVersionError:
            continue  # QuickBooks may list versions we do not know how to read
        if version.number <= newest.number and _usable(version, edition):
            candidates.append(version)
    if not candidates:
        listed = ", ".join(supported) or "none"
        raise UnsupportedVersionError(
            f"QuickBooks supports qbXML {listed}; none of them works for the "
            f"{edition.value} edition",
            fix="Update QuickBooks Desktop to a release from 2008 or later.",
        )
    return max(candidates, key=lambda v: (v.number, v.region == ""))


def _usable(version: QbxmlVersion, edition: Edition) -> bool:
    if version.region:
        return version.region == edition.value
    return edition is Edition.US or version.number >= (6, 0)
