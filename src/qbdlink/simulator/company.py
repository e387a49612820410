"""Company files: creating one for an edition, and what HostQuery / CompanyQuery answer.

Each edition reports its own product name, country and qbXML versions, as QuickBooks does in
``HostRet`` and ``QBXMLVersionsForSession``. The version lists follow reference/qbxml.md
section 3: every US release since 2002; Canadian and UK builds listed their ``CA``/``UK``
prefixed versions before 6.0 and share the plain ones from 6.0 on. The highest version
current CA/UK builds support is not documented (reference: "?"); we give them 13.0 (UK
QuickBooks 2022 support ended before 16.0), an approximation listed in FIDELITY.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..qbxml import messages as m
from ..qbxml.versions import Edition
from .store import CompanyStore

__all__ = ["EDITION_PROFILES", "EditionProfile", "company_ret", "create_company", "host_ret"]

_PLAIN = ["1.0", "1.1", "2.0", "2.1", "3.0", "4.0", "4.1", "5.0", "6.0", "7.0", "8.0",
          "9.0", "10.0", "11.0", "12.0", "13.0"]  # fmt: skip


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
        Edition.US, "QuickBooks Pro 2023", "US", "33", (*_PLAIN, "14.0", "15.0", "16.0"), -480
    ),
    Edition.CA: EditionProfile(
        Edition.CA,
        "QuickBooks Pro 2023 (Canada)",
        "CA",
        "33",
        ("CA2.0", "CA3.0", *(v for v in _PLAIN if float(v) >= 6.0)),
        -300,
    ),
    Edition.UK: EditionProfile(
        Edition.UK,
        "QuickBooks Pro 2022 (UK)",
        "UK",
        "32",
        ("UK2.0", "UK3.0", *(v for v in _PLAIN if float(v) >= 6.0)),
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


def company_ret(store: CompanyStore) -> m.CompanyRet:
    return m.CompanyRet(
        is_sample_company=False,
        company_name=store.get_meta("company_name"),
        legal_company_name=store.get_meta("company_name"),
        first_month_fiscal_year="January",
    )
