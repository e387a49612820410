"""The suppliers stream: QuickBooks' vendors as Codat suppliers."""

from __future__ import annotations

from typing import Any

import pytest

from qbdlink.connector.streams import suppliers
from qbdlink.connector.streams.base import QueryWindow
from qbdlink.model.accounting.supplier import Supplier
from qbdlink.qbxml import Edition
from qbdlink.qbxml import messages as m

EDITIONS = (Edition.US, Edition.UK, Edition.CA)
EVERYTHING = QueryWindow(modified_from=None, modified_to=None)


def test_a_vendor_maps_with_its_addresses_and_tax_number(
    make_list_context: Any, validate_record: Any
) -> None:
    ret = m.VendorRet(
        list_id="A60000-1197760912",
        name="A Cheung Limited",
        is_active=True,
        company_name="A Cheung Limited",
        first_name="Angela",
        last_name="Cheung",
        vendor_address=m.VendorAddress(
            addr1="A Cheung Limited", addr2="3818 Bear Rd. West", city="Berkeley", state="CA"
        ),
        ship_address=m.ShipAddress(addr1="Dock 4", city="Oakland"),
        phone="510 555 5723",
        email="AC@CheungLimited.com",
        vendor_tax_ident="12-3456789",
    )
    dump = validate_record("suppliers", suppliers.map_supplier(ret, make_list_context(Edition.US)))
    assert dump["supplierName"] == "A Cheung Limited"
    assert dump["contactName"] == "Angela Cheung"
    assert dump["emailAddress"] == "AC@CheungLimited.com"
    assert dump["phone"] == "510 555 5723"
    assert dump["taxNumber"] == "12-3456789"
    assert dump["defaultCurrency"] == "USD"
    assert dump["addresses"] == [
        {
            "type": "Billing",
            "line1": "A Cheung Limited",
            "line2": "3818 Bear Rd. West",
            "city": "Berkeley",
            "region": "CA",
        },
        {"type": "Delivery", "line1": "Dock 4", "city": "Oakland"},
    ]


def test_inactive_vendors_are_archived_and_registration_numbers_win(
    make_list_context: Any,
) -> None:
    ret = m.VendorRet(
        list_id="1-1",
        name="HM Revenue & Customs",
        is_active=False,
        tax_registration_number="GB999",
        vendor_address=m.VendorAddress(),
    )
    supplier = suppliers.map_supplier(ret, make_list_context(Edition.UK))
    assert isinstance(supplier, Supplier)
    assert supplier.status == "Archived"
    assert supplier.tax_number == "GB999"
    assert supplier.addresses is None  # an empty address aggregate is no address


@pytest.mark.parametrize("edition", EDITIONS)
def test_simulated_vendors_map_to_valid_unique_suppliers(
    edition: Edition, pull_stream: Any, validate_record: Any
) -> None:
    pulled = pull_stream(suppliers.STREAM, edition, EVERYTHING)
    dumps = [validate_record("suppliers", item.record) for item in pulled]
    assert len(dumps) > 5
    ids = [dump["id"] for dump in dumps]
    assert len(set(ids)) == len(ids)
    assert suppliers.STREAM.list_del_types == ("Vendor",)
