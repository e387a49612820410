"""The company info stream, and the list streams' place in the registry."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from qbdlink.connector.streams import company_info
from qbdlink.connector.streams.base import QueryWindow
from qbdlink.connector.streams.registry import STREAMS
from qbdlink.model.datatypes import DATA_TYPES
from qbdlink.qbxml import Edition
from qbdlink.qbxml import messages as m

EDITIONS = (Edition.US, Edition.UK, Edition.CA)
LIST_TYPES = (
    "company",
    "accounts",
    "taxRates",
    "trackingCategories",
    "paymentMethods",
    "customers",
    "suppliers",
    "items",
)


def test_a_company_maps_with_its_addresses_phones_and_numbers(
    make_list_context: Any, validate_record: Any
) -> None:
    ret = m.CompanyRet(
        company_name="Rock Castle Construction",
        legal_company_name="Rock Castle Construction Inc.",
        address=m.Address(addr1="1735 County Road", city="Bayshore", state="CA"),
        legal_address=m.LegalAddress(addr1="1735 County Road", city="Bayshore", state="CA"),
        phone="650-555-1234",
        fax="650-555-5678",
        email="rcc@samplename.com",
        company_web_site="https://rockcastle.example",
        first_month_fiscal_year="April",
        ein="00-7904153",
        ssn="123-45-6789",
        accountant_copy=m.AccountantCopy(
            accountant_copy_exists=True, dividing_date=date(2023, 12, 31)
        ),
        data_ext_ret=(m.DataExtRet(owner_id="0", data_ext_name="Branch", data_ext_value="HQ"),),
    )
    dump = validate_record("company", company_info.map_company(ret, make_list_context()))
    assert dump["companyName"] == "Rock Castle Construction"
    assert dump["companyLegalName"] == "Rock Castle Construction Inc."
    # The legal address is the same place: given once.
    assert dump["addresses"] == [
        {"type": "Billing", "line1": "1735 County Road", "city": "Bayshore", "region": "CA"}
    ]
    assert dump["phoneNumbers"] == [
        {"number": "650-555-1234", "type": "Primary"},
        {"number": "650-555-5678", "type": "Fax"},
    ]
    assert dump["webLinks"] == [{"type": "Website", "url": "https://rockcastle.example"}]
    assert dump["taxNumber"] == "00-7904153"
    assert "123-45-6789" not in str(dump)
    assert dump["baseCurrency"] == "USD"
    assert dump["financialYearStartDate"] == "2024-04-01T00:00:00"  # synced on 2024-05-17
    assert dump["ledgerLockDate"] == "2023-12-31T00:00:00"
    assert dump["supplementalData"] == {"content": {"customFields": {"Branch": "HQ"}}}


@pytest.mark.parametrize(
    ("month", "today", "start"),
    [
        ("January", date(2024, 5, 17), date(2024, 1, 1)),
        ("May", date(2024, 5, 1), date(2024, 5, 1)),
        ("June", date(2024, 5, 17), date(2023, 6, 1)),
        ("Smarch", date(2024, 5, 17), None),
        (None, date(2024, 5, 17), None),
    ],
)
def test_financial_year_start(month: str | None, today: date, start: date | None) -> None:
    assert company_info.financial_year_start(month, today) == start


@pytest.mark.parametrize("edition", EDITIONS)
def test_a_simulated_company_maps_for_each_edition(
    edition: Edition, pull_stream: Any, validate_record: Any
) -> None:
    (pulled,) = pull_stream(
        company_info.STREAM, edition, QueryWindow(modified_from=None, modified_to=None)
    )
    dump = validate_record("company", pulled.record)
    assert dump["companyName"]
    assert dump["baseCurrency"] == {"US": "USD", "UK": "GBP", "CA": "CAD"}[edition.value]
    assert dump["financialYearStartDate"] == "2024-01-01T00:00:00"


def test_the_list_streams_are_registered_in_the_model_order() -> None:
    assert set(LIST_TYPES) <= set(STREAMS)
    registered = [key for key in STREAMS if key in LIST_TYPES]
    assert registered == [key for key in DATA_TYPES if key in LIST_TYPES]
    for key in LIST_TYPES:
        assert STREAMS[key].data_type == key
