"""Company files: creating one for an edition, and what HostQuery / CompanyQuery answer.

Each edition reports its own product name, country and qbXML versions, as QuickBooks does in
``HostRet`` and ``QBXMLVersionsForSession``. US follows the version-year table of
reference/qbxml.md section 3 (2.1 and 4.1 were US point releases). CA and UK are
approximations: the reference has no list for current CA/UK builds, so they get the pre-2008
regional specifications (CA2.0, CA3.0, UK2.0, UK3.0) and the one-for-all versions from 6.0 up
to their product year's version (CA 2023: 16.0, UK 2022: 15.0). Listed in FIDELITY.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..qbxml import messages as m
from ..qbxml.versions import Edition
from .store import CompanyStore

__all__ = ["EDITION_PROFILES", "EditionProfile", "company_ret", "create_company", "host_ret"]

_EARLY = ("1.0", "1.1", "2.0", "2.1", "3.0", "4.0", "4.1", "5.0")


def _plain(first: int, last: int) -> tuple[str, ...]:
    return tuple(f"{major}.0" for major in range(first, last + 1))


@dataclass(frozen=True)
class EditionProfile:
    edition: Edition
    product_name: str
    country: str
    major_version: str
    supported_versions: tuple[str, ...]
    utc_offset_minutes: int  # the sample company's local time zone


EDITION_PROFILES: dict[Edition, EditionProfile] = {
    Edition.US: EditionProfile(
        Edition.US, "QuickBooks Pro 2023", "US", "33", (*_EARLY, *_plain(6, 16)), -480
    ),
    Edition.CA: EditionProfile(
        Edition.CA,
        "QuickBooks Pro 2023 (Canada)",
        "CA",
        "33",
        ("CA2.0", "CA3.0", *_plain(6, 16)),
        -300,
    ),
    Edition.UK: EditionProfile(
        Edition.UK,
        "QuickBooks Pro 2022 (UK)",
        "UK",
        "32",
        ("UK2.0", "UK3.0", *_plain(6, 15)),
        0,
    ),
}


def create_company(path: Path | str, *, company_name: str, edition: Edition) -> CompanyStore:
    profile = EDITION_PROFILES[edition]
    return CompanyStore.create(
        path,
        {
            "company_name": company_name,
            "edition": edition.value,
            "utc_offset_minutes": str(profile.utc_offset_minutes),
            "txn_number": "1",
        },
    )


def edition_of(store: CompanyStore) -> Edition:
    return Edition(store.get_meta("edition") or "US")


def host_ret(store: CompanyStore, *, multi_user: bool = False) -> m.HostRet:
    profile = EDITION_PROFILES[edition_of(store)]
    return m.HostRet(
        product_name=profile.product_name,
        major_version=profile.major_version,
        minor_version="0",
        country=profile.country,
        supported_qbxml_version=profile.supported_versions,
        is_automatic_login=False,
        qb_file_mode="MultiUser" if multi_user else "SingleUser",
    )


def company_ret(store: CompanyStore, data_ext: tuple[m.DataExtRet, ...] = ()) -> m.CompanyRet:
    return m.CompanyRet(
        is_sample_company=False,
        company_name=store.get_meta("company_name"),
        legal_company_name=store.get_meta("company_name"),
        first_month_fiscal_year="January",
        data_ext_ret=data_ext,
    )
