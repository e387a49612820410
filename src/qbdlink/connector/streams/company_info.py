"""Company info (data type ``company``): QuickBooks' CompanyQuery as Codat's ``CompanyInfo``.

There is one company per file, so there is no id, no window and no deletion: every pull reads
CompanyRet whole (CompanyQuery has no iterator and no modified-date filter).

- companyName / companyLegalName: CompanyName / LegalCompanyName.
- addresses: Address is the company's own (Billing: what it prints on its forms); LegalAddress,
  when it differs, comes as Unknown (Codat has no "legal" address type).
- phoneNumbers: Phone (Primary) and Fax (Fax). webLinks: CompanyWebSite (Website). Email has no
  place in Codat's company info and is dropped.
- taxNumber: EIN (the US employer identification number; QuickBooks UK and CA keep their VAT or
  GST/HST numbers in preferences the CompanyQuery does not return). SSN, a personal number, is
  never copied.
- baseCurrency: the edition's home currency.
- financialYearStartDate: the first day of the current financial year, from FirstMonthFiscalYear
  and the sync's date (QuickBooks stores only the month).
- ledgerLockDate: the dividing date of an accountant's copy, when one exists: QuickBooks locks
  the client's transactions before it. (The closing date lives in the preferences.)
- supplementalData: the company's custom fields (DataExtRet, OwnerID 0).
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from qbdlink.connector.streams.base import (
    MappingContext,
    QueryPart,
    QueryWindow,
    Stream,
    codat_address,
    custom_fields,
    iso_date,
    non_empty,
)
from qbdlink.model.accounting.company_info import CompanyInfo, WebLink
from qbdlink.model.base import Phone
from qbdlink.qbxml import QbxmlObject
from qbdlink.qbxml import messages as m

__all__ = ["STREAM", "financial_year_start", "map_company"]

_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
        start=1,
    )
}


def build_company_query(window: QueryWindow) -> QbxmlObject:
    # The window does not apply: CompanyQuery has no filter, and the record is always wanted.
    return m.CompanyQueryRq(owner_id=("0",))


def financial_year_start(first_month: str | None, today: date) -> date | None:
    """The first day of the financial year ``today`` falls in, given its first month's name."""
    month = _MONTHS.get(first_month or "")
    if month is None:
        return None
    year = today.year if today.month >= month else today.year - 1
    return date(year, month, 1)


def map_company(ret: m.CompanyRet, ctx: MappingContext) -> BaseModel | None:
    address = codat_address("Billing", ret.address)
    legal = codat_address("Unknown", ret.legal_address)
    if legal is not None and address is not None and _same_place(legal, address):
        legal = None
    phones = non_empty(
        [
            Phone(number=ret.phone, type="Primary") if ret.phone else None,
            Phone(number=ret.fax, type="Fax") if ret.fax else None,
        ]
    )
    lock_date = (
        ret.accountant_copy.dividing_date
        if ret.accountant_copy is not None and ret.accountant_copy.accountant_copy_exists
        else None
    )
    return CompanyInfo(
        company_name=ret.company_name,
        company_legal_name=ret.legal_company_name,
        addresses=non_empty([address, legal]),
        phone_numbers=phones,
        web_links=(
            [WebLink(type="Website", url=ret.company_web_site)] if ret.company_web_site else None
        ),
        ledger_lock_date=iso_date(lock_date),
        tax_number=ret.ein or None,
        financial_year_start_date=iso_date(
            financial_year_start(ret.first_month_fiscal_year, ctx.synced_at.date())
        ),
        base_currency=ctx.home_currency,
        supplemental_data=custom_fields(ret.data_ext_ret),
    )


def _same_place(one: BaseModel, other: BaseModel) -> bool:
    return one.model_dump(exclude={"type"}) == other.model_dump(exclude={"type"})


STREAM = Stream(
    data_type="company",
    parts=(QueryPart(name="company", build=build_company_query, map=map_company, iterator=False),),
)
