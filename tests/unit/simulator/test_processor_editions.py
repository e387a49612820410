"""Editions (US, CA, UK) and versions: HostQuery, CompanyQuery, PreferencesQuery; elements an
edition or version lacks are refused on input (0x80040400) and absent on output; values longer
than the edition keeps are status 3070 (reference/qbxml.md section 3, [OPS140] region marks).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from qbdlink.qbxml import Edition, EncodeTarget, QbxmlVersion, encode_request_set
from qbdlink.qbxml import messages as m
from qbdlink.qbxml.hresult import QuickBooksConnectionError
from qbdlink.qbxml.xsd import QbxmlSchema
from qbdlink.simulator.company import EDITION_PROFILES
from tests.unit.simulator.test_processor import Sim, elements_out_of_place, tags_in

PARSE_ERROR = 0x80040400
UNSUPPORTED_VERSION = 0x80040423

EXPECTED_HOST = {
    Edition.US: ("US", "QuickBooks Pro"),
    Edition.CA: ("CA", "Canada"),
    Edition.UK: ("UK", "UK"),
}


@pytest.fixture(params=list(Edition), ids=lambda e: e.value)
def any_edition(request: pytest.FixtureRequest, qbxml_schemas: dict[str, QbxmlSchema]) -> Sim:
    return Sim(qbxml_schemas, edition=request.param)


def _encoded(request: object, version: str, edition: Edition) -> str:
    target = EncodeTarget(QbxmlVersion.parse(version), edition)
    return encode_request_set([request], target=target)  # type: ignore[list-item]


def _hresult(sim: Sim, document: str) -> int:
    with pytest.raises(QuickBooksConnectionError) as info:
        sim.processor.process(document)
    return info.value.hresult


# ---- HostQuery, CompanyQuery, PreferencesQuery ------------------------------------------------


def test_host_query_reports_the_edition(any_edition: Sim) -> None:
    (host,) = any_edition.ok(m.HostQueryRq(), version="13.0")
    country, product_word = EXPECTED_HOST[any_edition.edition]
    assert host.country == country
    assert product_word in host.product_name
    assert host.product_name.startswith("QuickBooks")
    assert host.major_version and host.minor_version is not None
    assert host.qb_file_mode in ("SingleUser", "MultiUser")
    versions = list(host.supported_qbxml_version)
    assert versions == list(EDITION_PROFILES[any_edition.edition].supported_versions)
    assert "13.0" in versions and "6.0" in versions
    if any_edition.edition is Edition.US:
        assert versions[0] == "1.0" and "16.0" in versions
        assert not [v for v in versions if v[0].isalpha()]
    else:
        prefix = any_edition.edition.value
        assert f"{prefix}3.0" in versions  # pre-6.0 regional specifications
        assert "5.0" not in versions and "1.0" not in versions
        assert not [v for v in versions if v[0].isalpha() and not v.startswith(prefix)]


def test_every_version_the_host_lists_is_answered(any_edition: Sim) -> None:
    (host,) = any_edition.ok(m.HostQueryRq(), version="13.0")
    for version in host.supported_qbxml_version:
        document = (
            f'<?xml version="1.0"?>\n<?qbxml version="{version}"?>\n'
            '<QBXML><QBXMLMsgsRq onError="stopOnError"><HostQueryRq requestID="v"/>'
            "</QBXMLMsgsRq></QBXML>"
        )
        response = any_edition.process(document)
        assert 'statusCode="0"' in response, version


def test_a_version_the_host_does_not_list_is_0x80040423(any_edition: Sim) -> None:
    listed = set(EDITION_PROFILES[any_edition.edition].supported_versions)
    candidates = ["1.0", "5.0", "16.0", "17.0", "CA3.0", "UK3.0", "CA2.0"]
    for version in (v for v in candidates if v not in listed):
        document = (
            f'<?xml version="1.0"?>\n<?qbxml version="{version}"?>\n'
            '<QBXML><QBXMLMsgsRq onError="stopOnError"><HostQueryRq/></QBXMLMsgsRq></QBXML>'
        )
        assert _hresult(any_edition, document) == UNSUPPORTED_VERSION, version


def test_company_query(any_edition: Sim) -> None:
    (company,) = any_edition.ok(m.CompanyQueryRq(request_id="c"), version="13.0")
    assert company.company_name == "Acme Ltd"
    assert company.is_sample_company is False


def test_preferences_query(any_edition: Sim) -> None:
    (preferences,) = any_edition.ok(m.PreferencesQueryRq(), version="13.0")
    accounting = preferences.accounting_preferences
    assert accounting is not None
    assert accounting.is_using_account_numbers in (True, False)


def test_host_company_preferences_in_one_set_at_16(sim_us: Sim) -> None:
    responses = sim_us.responses([m.HostQueryRq(), m.CompanyQueryRq(), m.PreferencesQueryRq()])
    assert [r.status.code for r in responses] == [0, 0, 0]


@pytest.fixture
def sim_us(qbxml_schemas: dict[str, QbxmlSchema]) -> Sim:
    return Sim(qbxml_schemas)


# ---- input: elements an edition lacks are a parse error ---------------------------------------


def _invoice_with_tax_included() -> m.InvoiceAddRq:
    add = m.InvoiceAdd(customer_ref=m.CustomerRef(full_name="Alpha"), is_tax_included=True)
    return m.InvoiceAddRq(invoice_add=add)


def test_a_ca_only_element_sent_to_a_us_company_is_a_parse_error(sim_us: Sim) -> None:
    sim_us.customer("Alpha")
    # The encoder refuses IsTaxIncluded for the US edition: encode it for CA instead.
    document = _encoded(_invoice_with_tax_included(), "13.0", Edition.CA)
    assert _hresult(sim_us, document) == PARSE_ERROR
    assert sim_us.count("Invoice") == 0


@pytest.mark.parametrize("edition", [Edition.CA, Edition.UK], ids=lambda e: e.value)
def test_the_ca_element_is_accepted_where_it_exists(
    qbxml_schemas: dict[str, QbxmlSchema], edition: Edition
) -> None:
    sim = Sim(qbxml_schemas, edition=edition)
    sim.customer("Alpha")
    (invoice,) = sim.ok(_invoice_with_tax_included(), version="13.0")
    assert invoice.is_tax_included is True
    (found,) = sim.query(m.InvoiceQueryRq(), version="13.0")
    assert found.is_tax_included is True


def _customer_with_item_sales_tax() -> m.CustomerAddRq:
    add = m.CustomerAdd(name="Taxed", item_sales_tax_ref=m.ItemSalesTaxRef(full_name="State Tax"))
    return m.CustomerAddRq(customer_add=add)


def _sales_tax_item(sim: Sim) -> None:
    add = m.ItemSalesTaxAdd(name="State Tax", tax_rate=Decimal("6.25"))
    sim.ok(m.ItemSalesTaxAddRq(item_sales_tax_add=add), version="13.0")


@pytest.mark.parametrize("edition", [Edition.CA, Edition.UK], ids=lambda e: e.value)
def test_a_us_only_element_sent_to_a_ca_or_uk_company_is_a_parse_error(
    qbxml_schemas: dict[str, QbxmlSchema], edition: Edition
) -> None:
    sim = Sim(qbxml_schemas, edition=edition)
    _sales_tax_item(sim)
    document = _encoded(_customer_with_item_sales_tax(), "13.0", Edition.US)
    assert _hresult(sim, document) == PARSE_ERROR
    assert sim.count("Customer") == 0


def test_the_us_element_is_accepted_on_a_us_company(sim_us: Sim) -> None:
    _sales_tax_item(sim_us)
    (customer,) = sim_us.ok(_customer_with_item_sales_tax(), version="13.0")
    assert customer.item_sales_tax_ref.full_name == "State Tax"


# ---- output: elements the edition or version lacks are absent --------------------------------


def test_output_leaves_out_what_the_session_edition_lacks(
    qbxml_schemas: dict[str, QbxmlSchema],
) -> None:
    us = Sim(qbxml_schemas)
    _sales_tax_item(us)
    us.ok(_customer_with_item_sales_tax(), version="13.0")
    assert "ItemSalesTaxRef" in tags_in(us.send([m.CustomerQueryRq()], version="13.0"))
    # The same records read by a Canadian session (the output filter is the edition's).
    canadian = Sim(qbxml_schemas, edition=Edition.CA, store=us.store, session_id="ca")
    response = canadian.send([m.CustomerQueryRq()], version="13.0")  # validates against 13.0
    assert "ItemSalesTaxRef" not in tags_in(response)
    assert "CustomerRet" in tags_in(response)


def test_output_leaves_out_customer_elements_newer_than_the_request(sim_us: Sim) -> None:
    sim_us.ok(m.ClassAddRq(class_add=m.ClassAdd(name="East")))
    sim_us.customer("Alpha", class_ref=m.ClassRef(full_name="East"), job_title="Owner")
    at_16 = sim_us.send([m.CustomerQueryRq()], version="16.0")
    assert {"ClassRef", "JobTitle"} <= tags_in(at_16)
    at_13 = sim_us.send([m.CustomerQueryRq()], version="13.0")  # validates against 13.0
    assert elements_out_of_place(at_13, QbxmlVersion(13, 0), Edition.US) == []
    assert {"ClassRef", "JobTitle"} <= tags_in(at_13)  # both since 12.0
    at_11 = sim_us.send([m.CustomerQueryRq()], version="11.0")
    assert elements_out_of_place(at_11, QbxmlVersion(11, 0), Edition.US) == []
    assert not {"ClassRef", "JobTitle"} & tags_in(at_11)
    assert "CustomerRet" in tags_in(at_11)


def test_output_leaves_out_16_0_elements_from_a_13_0_answer(sim_us: Sim) -> None:
    # BillRet/ClassRef is marked 16.0 in PATH_RULES: absent from the 13.0 schema.
    sim_us.ok(m.ClassAddRq(class_add=m.ClassAdd(name="East")))
    sim_us.vendor("Supplier")
    sim_us.account("Rent", "Expense")
    bill = m.BillAdd(
        vendor_ref=m.VendorRef(full_name="Supplier"),
        class_ref=m.ClassRef(full_name="East"),
        ref_number="B-1",
        expense_line_add=(
            m.ExpenseLineAdd(account_ref=m.AccountRef(full_name="Rent"), amount=Decimal("500")),
        ),
    )
    sim_us.ok(m.BillAddRq(bill_add=bill))
    at_16 = sim_us.send([m.BillQueryRq()], version="16.0")
    assert "<BillRet>" in at_16 and "<ClassRef>" in at_16.split("<BillRet>")[1][:2000]
    at_13 = sim_us.send([m.BillQueryRq()], version="13.0")  # validates against 13.0
    bill_xml = at_13.split("<BillRet>")[1].split("<ExpenseLineRet>")[0]
    assert "<ClassRef>" not in bill_xml
    assert "<RefNumber>B-1</RefNumber>" in bill_xml


# ---- lengths per edition -------------------------------------------------------------------


def _vendor_with_return_ref(name: str, full_name: str, version: str = "13.0") -> str:
    # Written by hand: the encoder refuses a value longer than the edition keeps.
    return (
        f'<?xml version="1.0"?>\n<?qbxml version="{version}"?>\n'
        '<QBXML><QBXMLMsgsRq onError="stopOnError"><VendorAddRq requestID="v"><VendorAdd>'
        f"<Name>{name}</Name><SalesTaxReturnRef><FullName>{full_name}</FullName>"
        "</SalesTaxReturnRef></VendorAdd></VendorAddRq></QBXMLMsgsRq></QBXML>"
    )


@pytest.mark.parametrize("edition", [Edition.CA, Edition.UK], ids=lambda e: e.value)
def test_a_value_too_long_for_the_edition_is_3070(
    qbxml_schemas: dict[str, QbxmlSchema], edition: Edition
) -> None:
    # VendorAdd/SalesTaxReturnRef/FullName: the XSD sets no limit, Intuit's ops140 gives 41
    # characters in CA and UK. QuickBooks answers a status, the message set goes on.
    sim = Sim(qbxml_schemas, edition=edition)
    response = sim.process(_vendor_with_return_ref("Too Long", "R" * 42))
    assert 'statusCode="3070"' in response
    assert 'statusSeverity="Error"' in response
    assert 'requestID="v"' in response
    assert sim.count("Vendor") == 0
    fits = sim.process(_vendor_with_return_ref("Fits", "R" * 41))
    assert 'statusCode="0"' in fits
    assert sim.count("Vendor") == 1


def test_a_value_longer_than_the_schema_allows_is_a_parse_error(sim_us: Sim) -> None:
    # Where the XSD itself limits the length (CustomerAdd/ResaleNumber: 15), validation comes
    # first: 0x80040400.
    document = (
        '<?xml version="1.0"?>\n<?qbxml version="13.0"?>\n'
        '<QBXML><QBXMLMsgsRq onError="stopOnError"><CustomerAddRq><CustomerAdd>'
        f"<Name>Reseller</Name><ResaleNumber>{'X' * 16}</ResaleNumber>"
        "</CustomerAdd></CustomerAddRq></QBXMLMsgsRq></QBXML>"
    )
    assert _hresult(sim_us, document) == PARSE_ERROR
    assert sim_us.count("Customer") == 0
    (customer,) = sim_us.ok(
        m.CustomerAddRq(customer_add=m.CustomerAdd(name="Reseller", resale_number="X" * 15))
    )
    assert customer.resale_number == "X" * 15
