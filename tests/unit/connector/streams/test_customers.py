"""The customers stream: QuickBooks' customers and jobs as Codat customers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from qbdlink.connector.streams import customers
from qbdlink.connector.streams.base import QueryWindow
from qbdlink.model.accounting.customer import Customer
from qbdlink.qbxml import Edition
from qbdlink.qbxml import messages as m

EDITIONS = (Edition.US, Edition.UK, Edition.CA)
EVERYTHING = QueryWindow(modified_from=None, modified_to=None)


def test_quickbooks_own_answer_maps_to_a_valid_customer(
    sample_rets: Any, make_list_context: Any, validate_record: Any
) -> None:
    (ret,) = sample_rets("customer_query_rs.xml")
    dump = validate_record("customers", customers.map_customer(ret, make_list_context(Edition.US)))
    assert dump["id"] == "10006-1211236622"
    assert dump["customerName"] == "Keith Palmer"
    assert dump["contactName"] == "Keith Palmer"
    assert dump["emailAddress"] == "keith@uglyslug.com"
    assert dump["phone"] == "(860) 634-1602"
    assert dump["defaultCurrency"] == "USD"
    assert dump["status"] == "Active"
    assert dump["sourceModifiedDate"] == "2008-06-11T04:35:56Z"
    billing = {
        "type": "Billing",
        "line1": "134 Stonemill Road",
        "line2": "Suite D",
        "city": "Storrs",
        "region": "CT",
        "country": "USA",
        "postalCode": "06268",
    }
    assert dump["addresses"] == [billing, {**billing, "type": "Delivery"}]
    assert dump["contacts"] == [
        {
            "name": "Keith Palmer",
            "email": "keith@uglyslug.com",
            "phone": [
                {"number": "(860) 634-1602", "type": "Primary"},
                {"number": "(860) 429-5182", "type": "Fax"},
            ],
            "status": "Active",
        }
    ]


def test_every_address_line_and_phone_of_an_added_customer_is_kept(
    sample_rets: Any, make_list_context: Any, validate_record: Any
) -> None:
    (ret,) = sample_rets("customer_add_rs.xml")
    dump = validate_record("customers", customers.map_customer(ret, make_list_context(Edition.US)))
    assert dump["customerName"] == "20706 - Eastern XYZ University"
    assert dump["contactName"] == "Keith Palmer"
    (billing,) = dump["addresses"]
    assert billing["line1"] == "Eastern XYZ University"
    assert billing["line2"] == "College of Engineering, 123 XYZ Road"
    own, person = dump["contacts"]
    assert {"number": "860-429-0021", "type": "Unknown"} in own["phone"]
    assert person == {"name": "Keith Palmer", "status": "Active"}


def test_an_iterator_page_from_quickbooks_maps_too(
    sample_rets: Any, make_list_context: Any, validate_record: Any
) -> None:
    rets = sample_rets("customer_query_terator_rs.xml")
    assert rets
    for ret in rets:
        validate_record("customers", customers.map_customer(ret, make_list_context(Edition.US)))


def test_a_job_is_a_customer_named_by_its_full_name(make_list_context: Any) -> None:
    job = m.CustomerRet(
        list_id="2-2",
        name="Kitchen",
        full_name="Abercrombie, Kristy:Kitchen",
        parent_ref=m.ParentRef(list_id="1-1", full_name="Abercrombie, Kristy"),
        sublevel=1,
        is_active=False,
    )
    customer = customers.map_customer(job, make_list_context(Edition.US))
    assert isinstance(customer, Customer)
    assert customer.customer_name == "Abercrombie, Kristy:Kitchen"
    assert customer.status == "Archived"
    assert customer.contacts is not None
    assert customer.contacts[0].status == "Archived"


def test_tax_numbers_and_listed_contacts(make_list_context: Any) -> None:
    ret = m.CustomerRet(
        list_id="3-3",
        name="Brown Ltd",
        tax_registration_number="GB123456789",
        resale_number="R-1",
        contact="Ann Brown",
        contacts_ret=(
            m.ContactsRet(
                first_name="Ann",
                last_name="Brown",
                additional_contact_ref=(
                    m.AdditionalContactRef(contact_name="Main Email", contact_value="a@b.uk"),
                    m.AdditionalContactRef(contact_name="Mobile", contact_value="07700 900000"),
                    m.AdditionalContactRef(contact_name="Fax", contact_value="020 7946 0000"),
                    m.AdditionalContactRef(contact_name="Work Phone", contact_value="020 1"),
                ),
            ),
            m.ContactsRet(first_name="Bob", middle_name="J", last_name="Stone"),
        ),
    )
    customer = customers.map_customer(ret, make_list_context(Edition.UK))
    assert isinstance(customer, Customer)
    assert customer.tax_number == "GB123456789"
    assert customer.default_currency == "GBP"
    assert customer.contacts is not None
    by_name = {contact.name: contact for contact in customer.contacts}
    assert list(by_name) == ["Brown Ltd", "Ann Brown", "Bob J Stone"]
    ann = by_name["Ann Brown"]
    assert ann.email == "a@b.uk"
    assert [(phone.type, phone.number) for phone in ann.phone or []] == [
        ("Mobile", "07700 900000"),
        ("Fax", "020 7946 0000"),
        ("Landline", "020 1"),
    ]
    us = customers.map_customer(
        m.CustomerRet(list_id="4-4", resale_number="R-1"), make_list_context()
    )
    assert isinstance(us, Customer)
    assert us.tax_number == "R-1"


def test_the_query_asks_for_everything_in_the_window_with_custom_fields() -> None:
    window = QueryWindow(modified_from=None, modified_to=None)
    (part,) = customers.STREAM.parts
    query = part.build(window)
    assert isinstance(query, m.CustomerQueryRq)
    assert (query.active_status, query.owner_id) == ("All", ("0",))
    assert part.iterator
    assert customers.STREAM.list_del_types == ("Customer",)


@pytest.mark.parametrize("edition", EDITIONS)
def test_simulated_customers_map_to_valid_unique_records(
    edition: Edition, pull_stream: Any, validate_record: Any
) -> None:
    pulled = pull_stream(customers.STREAM, edition, EVERYTHING)
    dumps = [validate_record("customers", item.record) for item in pulled]
    assert len(dumps) > 5
    ids = [dump["id"] for dump in dumps]
    assert len(set(ids)) == len(ids)
    assert all(dump["addresses"][0]["type"] == "Billing" for dump in dumps if "addresses" in dump)


def test_a_window_excludes_customers_modified_outside_it(pull_stream: Any) -> None:
    everything = pull_stream(customers.STREAM, Edition.CA, EVERYTHING)
    times = sorted({item.ret.time_modified for item in everything})
    assert len(times) >= 2
    cut = times[len(times) // 2]
    later = pull_stream(
        customers.STREAM, Edition.CA, QueryWindow(modified_from=cut, modified_to=None)
    )
    earlier = pull_stream(
        customers.STREAM,
        Edition.CA,
        QueryWindow(modified_from=None, modified_to=cut - timedelta(seconds=1)),
    )
    assert later and all(item.ret.time_modified >= cut for item in later)
    assert earlier and all(item.ret.time_modified < cut for item in earlier)
    assert len(later) + len(earlier) == len(everything)
