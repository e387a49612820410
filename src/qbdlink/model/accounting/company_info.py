"""Company info (data type ``company``, read at ``/data/info``): Codat's ``AccountingCompanyInfo``.

Codat gives it no ``id``, ``modifiedDate`` or ``metadata``: there is one per company.
"""

from __future__ import annotations

from typing import Literal

from qbdlink.model.base import Address, CodatModel, Phone, SupplementalData
from qbdlink.model.types import IsoDateTime

__all__ = ["CompanyInfo", "WebLink", "WebLinkType"]

WebLinkType = Literal["Website", "Social", "Unknown"]


class WebLink(CodatModel):
    type: WebLinkType | None = None
    url: str | None = None


class CompanyInfo(CodatModel):
    company_name: str | None = None
    accounting_platform_ref: str | None = None
    company_legal_name: str | None = None
    addresses: list[Address] | None = None
    phone_numbers: list[Phone] | None = None
    web_links: list[WebLink] | None = None
    ledger_lock_date: IsoDateTime | None = None
    registration_number: str | None = None
    tax_number: str | None = None
    financial_year_start_date: IsoDateTime | None = None
    base_currency: str | None = None
    # Free-form: a link name (such as "Api") to a URL.
    source_urls: dict[str, str | None] | None = None
    created_date: IsoDateTime | None = None
    supplemental_data: SupplementalData | None = None
