"""Building qbXML requests (encode.py): order, envelope, text, lengths, versions, editions, values.

Every refusal must be a typed :class:`~qbdlink.errors.RecordSkippedError` naming the element
path, so a bad record is skipped with a reason a person can act on and nothing is sent.
"""

from __future__ import annotations

import dataclasses
import random
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from qbdlink.errors import RecordSkippedError
from qbdlink.qbxml import messages as m
from qbdlink.qbxml import xsd
from qbdlink.qbxml.decode import decode_request_set
from qbdlink.qbxml.encode import EncodeTarget, encode_request_set, non_latin1
from qbdlink.qbxml.errors import (
    ChoiceConflictError,
    FieldTooLongError,
    InvalidFieldError,
    InvalidValueError,
    MissingFieldError,
    UnsupportedElementError,
)
from qbdlink.qbxml.messages._paths import PATH_RULES
from qbdlink.qbxml.schema import QbxmlObject
from qbdlink.qbxml.versions import Edition, QbxmlVersion

V13 = EncodeTarget(version=QbxmlVersion.parse("13.0"))
V16 = EncodeTarget(version=QbxmlVersion.parse("16.0"))


def target(version: str = "16.0", edition: Edition = Edition.US) -> EncodeTarget:
    return EncodeTarget(version=QbxmlVersion.parse(version), edition=edition)


def encode(*requests: QbxmlObject, at: EncodeTarget = V16, **kwargs: Any) -> str:
    return encode_request_set(list(requests), target=at, **kwargs)


def customer_add(**fields: Any) -> m.CustomerAddRq:
    fields.setdefault("name", "Keith Palmer")
    return m.CustomerAddRq(customer_add=m.CustomerAdd(**fields))


def invoice_add(**fields: Any) -> m.InvoiceAddRq:
    fields.setdefault("customer_ref", m.CustomerRef(full_name="Keith Palmer"))
    return m.InvoiceAddRq(invoice_add=m.InvoiceAdd(**fields))


def invoice_line(**fields: Any) -> m.InvoiceAddRq:
    fields.setdefault("item_ref", m.ItemRef(full_name="Widget"))
    return invoice_add(invoice_line_add=(m.InvoiceLineAdd(**fields),))


def element_text(xml: str, tag: str) -> str:
    match = re.search(f"<{tag}>(.*?)</{tag}>", xml)
    assert match is not None, f"<{tag}> not in {xml}"
    return match.group(1)


def assert_actionable(error: InvalidFieldError, path: str) -> None:
    assert isinstance(error, RecordSkippedError)
    assert error.path == path
    assert error.message.startswith(path)
    assert error.fix
    assert error.code.startswith("qbxml.")


# --- the document -----------------------------------------------------------------------------


def test_document_has_prolog_version_and_envelope() -> None:
    xml = encode(customer_add(), at=V13)
    assert xml.startswith('<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="13.0"?>\n')
    assert '<QBXML><QBXMLMsgsRq onError="stopOnError"><CustomerAddRq>' in xml
    assert xml.rstrip().endswith("</QBXMLMsgsRq></QBXML>")


def test_regional_version_in_processing_instruction() -> None:
    xml = encode(m.CustomerQueryRq(max_returned=5), at=target("CA3.0", Edition.CA))
    assert '<?qbxml version="CA3.0"?>' in xml


def test_output_is_valid_against_the_16_0_schema(
    qbxml_schemas: dict[str, xsd.QbxmlSchema],
) -> None:
    xml = encode(
        customer_add(
            notes="n",
            email="k@example.com",
            phone="555",
            bill_address=m.BillAddress(city="Storrs", addr1="1 Road", country="USA"),
            company_name="ACME",
            is_active=True,
        ),
        m.InvoiceQueryRq(max_returned=10, include_line_items=True, paid_status="All"),
    )
    assert qbxml_schemas["16.0"].validate(xml.encode()) == []


# --- element order ----------------------------------------------------------------------------

CUSTOMER_FIELDS: dict[str, Any] = {
    "name": "Keith Palmer",
    "is_active": True,
    "company_name": "ACME",
    "first_name": "Keith",
    "last_name": "Palmer",
    "bill_address": m.BillAddress(postal_code="06268", addr1="134 Stonemill Road", city="Storrs"),
    "phone": "860-634-1602",
    "email": "keith@example.com",
    "open_balance": Decimal("10.00"),
    "open_balance_date": date(2024, 1, 31),
    "notes": "VIP",
}
CUSTOMER_ORDER = [
    "Name",
    "IsActive",
    "CompanyName",
    "FirstName",
    "LastName",
    "BillAddress",
    "Addr1",
    "City",
    "PostalCode",
    "Phone",
    "Email",
    "OpenBalance",
    "OpenBalanceDate",
    "Notes",
]


@pytest.mark.parametrize("seed", range(5))
def test_element_order_follows_schema_whatever_the_keyword_order(seed: int) -> None:
    items = list(CUSTOMER_FIELDS.items())
    random.Random(seed).shuffle(items)
    xml = encode(m.CustomerAddRq(customer_add=m.CustomerAdd(**dict(items))))
    body = xml[xml.index("<CustomerAdd>") : xml.index("</CustomerAdd>")]
    opened = [tag for tag in re.findall(r"<([A-Za-z0-9]+)>", body) if tag != "CustomerAdd"]
    assert opened == CUSTOMER_ORDER


def test_reordered_keywords_give_identical_documents() -> None:
    forward = encode(m.CustomerAddRq(customer_add=m.CustomerAdd(**CUSTOMER_FIELDS)))
    backward = dict(reversed(list(CUSTOMER_FIELDS.items())))
    assert encode(m.CustomerAddRq(customer_add=m.CustomerAdd(**backward))) == forward


def test_attributes_are_written_on_the_request() -> None:
    xml = encode(m.InvoiceQueryRq(iterator_id="{x}", iterator="Continue", request_id="7"))
    assert '<InvoiceQueryRq requestID="7" iterator="Continue" iteratorID="{x}">' in xml


# --- envelope: onError, message set IDs --------------------------------------------------------


@pytest.mark.parametrize("on_error", ["stopOnError", "continueOnError"])
def test_on_error_accepted(on_error: str) -> None:
    assert f'<QBXMLMsgsRq onError="{on_error}">' in encode(customer_add(), on_error=on_error)


@pytest.mark.parametrize("on_error", ["rollbackOnError", "bogus", ""])
def test_on_error_refused(on_error: str) -> None:
    with pytest.raises(InvalidValueError) as info:
        encode(customer_add(), on_error=on_error)
    assert_actionable(info.value, "QBXMLMsgsRq/@onError")
    assert "stopOnError" in info.value.fix


def test_message_set_ids_are_written() -> None:
    new_id, old_id = "a" * 23, "ClearAllMessageSets"
    xml = encode(customer_add(), new_message_set_id=new_id, old_message_set_id=old_id)
    assert (
        f'<QBXMLMsgsRq onError="stopOnError" newMessageSetID="{new_id}" oldMessageSetID="{old_id}">'
    ) in xml


@pytest.mark.parametrize("name", ["newMessageSetID", "oldMessageSetID"])
def test_message_set_id_over_23_characters_refused(name: str) -> None:
    keyword = "new_message_set_id" if name.startswith("new") else "old_message_set_id"
    with pytest.raises(FieldTooLongError) as info:
        encode(customer_add(), **{keyword: "b" * 24})
    assert_actionable(info.value, f"QBXMLMsgsRq/@{name}")
    assert (info.value.length, info.value.limit) == (24, 23)


# --- text ---------------------------------------------------------------------------------------


def test_markup_characters_are_escaped() -> None:
    xml = encode(customer_add(name='A&B <C> "D"'))
    assert element_text(xml, "Name") == "A&amp;B &lt;C&gt; &quot;D&quot;"


def test_non_ascii_written_as_character_references() -> None:
    xml = encode(customer_add(name="Café Zoë € 😀"))
    assert element_text(xml, "Name") == "Caf&#233; Zo&#235; &#8364; &#128512;"
    assert xml.isascii()


def test_attribute_values_are_escaped() -> None:
    xml = encode(m.CustomerQueryRq(max_returned=1, request_id='a"<&é'))
    assert 'requestID="a&quot;&lt;&amp;&#233;"' in xml
    assert xml.isascii()


@pytest.mark.parametrize(
    "text", ["Café", "A&B <C> \"D\" 'E'", "€uro 😀", "tab\there", "line1\nline2", "ÿ"]
)
def test_text_round_trips_through_the_decoder(text: str) -> None:
    xml = encode(customer_add(notes=text))
    decoded = decode_request_set(xml).requests[0]
    assert isinstance(decoded, m.CustomerAddRq)
    assert decoded.customer_add.notes == text


def test_carriage_return_survives_round_trip() -> None:
    # XML parsers turn a literal CR (and CR LF) into LF; only &#13; keeps it.
    text = "line1\r\nline2\rline3"
    decoded = decode_request_set(encode(customer_add(notes=text))).requests[0]
    assert isinstance(decoded, m.CustomerAddRq)
    assert decoded.customer_add.notes == text


def test_non_latin1_finds_characters_quickbooks_cannot_store() -> None:
    assert non_latin1("Café Zoë ÿ") == []
    assert non_latin1("€uro 😀 and € again, Ā") == ["Ā", "€", "😀"]
    assert non_latin1("") == []


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f"])
def test_control_characters_refused_with_typed_error(char: str) -> None:
    with pytest.raises(InvalidValueError) as info:
        encode(customer_add(name=f"a{char}b"))
    assert_actionable(info.value, "CustomerAddRq/CustomerAdd/Name")


@pytest.mark.parametrize("char", ["\ufffe", "\uffff", "\ud800"])
def test_characters_xml_cannot_carry_refused(char: str) -> None:
    # &#65534;, &#65535; and surrogate references are not well-formed XML: refuse them here
    # rather than send a document QuickBooks (and our own decoder) rejects.
    with pytest.raises(InvalidValueError) as info:
        encode(customer_add(name=f"a{char}b"))
    assert_actionable(info.value, "CustomerAddRq/CustomerAdd/Name")


def test_control_character_in_message_set_id_refused_with_typed_error() -> None:
    with pytest.raises(InvalidValueError):
        encode(customer_add(), new_message_set_id="id\x02")


def test_tab_and_newline_are_allowed() -> None:
    xml = encode(customer_add(notes="a\tb\nc"))
    assert "<Notes>a\tb\nc</Notes>" in xml


# --- lengths --------------------------------------------------------------------------------------


def test_customer_name_of_41_characters_accepted() -> None:
    name = "N" * 41
    assert element_text(encode(customer_add(name=name)), "Name") == name


def test_customer_name_of_42_characters_refused() -> None:
    with pytest.raises(FieldTooLongError) as info:
        encode(customer_add(name="N" * 42))
    error = info.value
    assert_actionable(error, "CustomerAddRq/CustomerAdd/Name")
    assert (error.length, error.limit) == (42, 41)
    assert "41" in error.message
    assert "41" in error.fix
    assert error.code == "qbxml.field_too_long"


def test_length_counts_characters_not_escaped_text() -> None:
    # 41 characters that are 5 to 9 characters each once escaped: still 41.
    xml = encode(customer_add(name="é" * 20 + "&" * 20 + "<"))
    assert element_text(xml, "Name") == "&#233;" * 20 + "&amp;" * 20 + "&lt;"


@pytest.mark.parametrize("edition", [Edition.US, Edition.CA, Edition.UK])
def test_customer_name_limit_applies_in_every_edition(edition: Edition) -> None:
    at = target("16.0", edition)
    encode(customer_add(name="N" * 41), at=at)
    with pytest.raises(FieldTooLongError) as info:
        encode(customer_add(name="N" * 42), at=at)
    assert edition.value in info.value.message


def test_full_name_limit_depends_on_the_path() -> None:
    assert PATH_RULES["InvoiceAddRq/InvoiceAdd/CustomerRef/FullName"].max_length
    encode(
        invoice_add(
            customer_ref=m.CustomerRef(full_name="C" * 209),
            class_ref=m.ClassRef(full_name="K" * 159),
        )
    )
    with pytest.raises(FieldTooLongError) as customer:
        encode(invoice_add(customer_ref=m.CustomerRef(full_name="C" * 210)))
    assert customer.value.path == "InvoiceAddRq/InvoiceAdd/CustomerRef/FullName"
    assert customer.value.limit == 209
    with pytest.raises(FieldTooLongError) as klass:
        encode(invoice_add(class_ref=m.ClassRef(full_name="K" * 160)))
    assert klass.value.path == "InvoiceAddRq/InvoiceAdd/ClassRef/FullName"
    assert klass.value.limit == 159


def test_edition_specific_length() -> None:
    # SalesTaxCodeRef/FullName under AccountAdd: 3 characters in CA and UK.
    rule = PATH_RULES["AccountAddRq/AccountAdd/SalesTaxCodeRef/FullName"]
    assert dict(rule.max_length)["CA"] == 3
    request = m.AccountAddRq(
        account_add=m.AccountAdd(
            name="Sales",
            account_type="Income",
            sales_tax_code_ref=m.SalesTaxCodeRef(full_name="ABCD"),
        )
    )
    with pytest.raises(FieldTooLongError) as info:
        encode(request, at=target("13.0", Edition.CA))
    assert info.value.limit == 3


def test_nested_line_path_is_named() -> None:
    with pytest.raises(FieldTooLongError) as info:
        encode(invoice_line(desc="d" * 4096))
    assert info.value.path == "InvoiceAddRq/InvoiceAdd/InvoiceLineAdd/Desc"


# --- version gating -------------------------------------------------------------------------------

ADDR5 = "InvoiceAddRq/InvoiceAdd/BillAddress/Addr5"
BILL_CLASS_REF = "BillAddRq/BillAdd/ClassRef"


def bill_with_class() -> m.BillAddRq:
    return m.BillAddRq(
        bill_add=m.BillAdd(
            vendor_ref=m.VendorRef(full_name="Vendor"), class_ref=m.ClassRef(full_name="East")
        )
    )


def test_path_rules_carry_the_versions_used_here() -> None:
    assert PATH_RULES[ADDR5].since == (6, 0)
    assert PATH_RULES[BILL_CLASS_REF].since == (16, 0)


@pytest.mark.parametrize("version", ["2.0", "5.0", "CA3.0"])
def test_element_newer_than_target_version_refused(version: str) -> None:
    request = invoice_add(bill_address=m.BillAddress(addr1="a", addr5="e"))
    with pytest.raises(UnsupportedElementError) as info:
        encode(request, at=target(version, Edition.CA if version.startswith("CA") else Edition.US))
    assert_actionable(info.value, ADDR5)
    assert "6.0" in info.value.message


@pytest.mark.parametrize("version", ["6.0", "13.0", "16.0"])
def test_element_accepted_from_its_version(version: str) -> None:
    xml = encode(invoice_add(bill_address=m.BillAddress(addr5="e")), at=target(version))
    assert "<Addr5>e</Addr5>" in xml


def test_element_introduced_in_16_0() -> None:
    with pytest.raises(UnsupportedElementError) as info:
        encode(bill_with_class(), at=V13)
    assert info.value.path == BILL_CLASS_REF
    assert "16.0" in info.value.message
    assert "<ClassRef><FullName>East</FullName></ClassRef>" in encode(bill_with_class(), at=V16)


# --- edition gating -------------------------------------------------------------------------------

ITEM_SALES_TAX_REF = "CustomerAddRq/CustomerAdd/ItemSalesTaxRef"
IS_TAX_INCLUDED = "InvoiceAddRq/InvoiceAdd/IsTaxIncluded"


def test_path_rules_carry_the_editions_used_here() -> None:
    assert PATH_RULES[ITEM_SALES_TAX_REF].not_in == frozenset({"CA", "UK"})
    assert "US" in PATH_RULES[IS_TAX_INCLUDED].not_in


@pytest.mark.parametrize("edition", [Edition.CA, Edition.UK])
def test_us_only_element_refused_for_ca_and_uk(edition: Edition) -> None:
    request = customer_add(item_sales_tax_ref=m.ItemSalesTaxRef(full_name="Out of State"))
    with pytest.raises(UnsupportedElementError) as info:
        encode(request, at=target("13.0", edition))
    assert_actionable(info.value, ITEM_SALES_TAX_REF)
    assert edition.value in info.value.message


def test_us_only_element_accepted_for_us() -> None:
    request = customer_add(item_sales_tax_ref=m.ItemSalesTaxRef(full_name="Out of State"))
    xml = encode(request, at=target("13.0", Edition.US))
    assert "<ItemSalesTaxRef><FullName>Out of State</FullName></ItemSalesTaxRef>" in xml


def test_element_absent_from_us_refused_for_us() -> None:
    with pytest.raises(UnsupportedElementError) as info:
        encode(invoice_add(is_tax_included=True), at=target("13.0", Edition.US))
    assert_actionable(info.value, IS_TAX_INCLUDED)


@pytest.mark.parametrize("edition", [Edition.CA, Edition.UK])
def test_element_absent_from_us_accepted_elsewhere(edition: Edition) -> None:
    xml = encode(invoice_add(is_tax_included=True), at=target("13.0", edition))
    assert "<IsTaxIncluded>true</IsTaxIncluded>" in xml


# --- choices and required elements ---------------------------------------------------------------


def test_two_branches_of_a_choice_conflict() -> None:
    with pytest.raises(ChoiceConflictError) as info:
        encode(m.InvoiceQueryRq(txn_id=("1-2",), max_returned=5))
    assert_actionable(info.value, "InvoiceQueryRq")
    assert "txn_id" in info.value.message
    assert "max_returned" in info.value.message


def test_date_filters_conflict() -> None:
    request = m.InvoiceQueryRq(
        modified_date_range_filter=m.ModifiedDateRangeFilter(
            from_modified_date=datetime(2024, 1, 1)
        ),
        txn_date_range_filter=m.TxnDateRangeFilter(date_macro="Today"),
    )
    with pytest.raises(ChoiceConflictError):
        encode(request)


def test_one_branch_of_a_choice_is_fine() -> None:
    xml = encode(m.InvoiceQueryRq(max_returned=5, paid_status="NotPaidOnly"))
    assert "<MaxReturned>5</MaxReturned><PaidStatus>NotPaidOnly</PaidStatus>" in xml
    assert "<TxnID>1-2</TxnID><TxnID>3-4</TxnID>" in encode(m.InvoiceQueryRq(txn_id=("1-2", "3-4")))


def test_required_element_set_to_none_is_missing() -> None:
    request = m.CustomerAddRq(
        customer_add=dataclasses.replace(m.CustomerAdd(name="x"), name=None)  # type: ignore[arg-type]
    )
    with pytest.raises(MissingFieldError) as info:
        encode(request)
    assert_actionable(info.value, "CustomerAddRq/CustomerAdd/Name")


def test_required_choice_with_no_branch_is_missing() -> None:
    request = m.ReceivePaymentAddRq(
        receive_payment_add=m.ReceivePaymentAdd(customer_ref=m.CustomerRef(full_name="Greg F"))
    )
    with pytest.raises(MissingFieldError) as info:
        encode(request)
    assert_actionable(info.value, "ReceivePaymentAddRq/ReceivePaymentAdd")
    assert "is_auto_apply" in info.value.message


def test_empty_ref_filter_is_missing_its_choice() -> None:
    with pytest.raises(MissingFieldError) as info:
        encode(m.InvoiceQueryRq(currency_filter=m.CurrencyFilter()))
    assert info.value.path == "InvoiceQueryRq/CurrencyFilter"


def test_branch_needs_its_required_field() -> None:
    # The txn branch of DataExtAdd needs TxnDataExtType and TxnID; TxnLineID is optional.
    request = m.DataExtAddRq(
        data_ext_add=m.DataExtAdd(
            owner_id="0",
            data_ext_name="Color",
            data_ext_value="Red",
            txn_data_ext_type="Invoice",
            txn_line_id="1-2",
        )
    )
    with pytest.raises(MissingFieldError) as info:
        encode(request)
    assert "txn_id" in info.value.message
    complete = dataclasses.replace(request.data_ext_add, txn_id="9-9")
    assert "<TxnID>9-9</TxnID>" in encode(m.DataExtAddRq(data_ext_add=complete))


# --- decimals, types, enums, dates -------------------------------------------------------------


def test_amount_with_more_than_two_places_refused() -> None:
    with pytest.raises(InvalidValueError) as info:
        encode(invoice_line(amount=Decimal("1.005")))
    assert_actionable(info.value, "InvoiceAddRq/InvoiceAdd/InvoiceLineAdd/Amount")
    assert "1.005" in info.value.message


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("12.5"), "12.50"),
        (Decimal("12"), "12.00"),
        (12, "12.00"),
        (Decimal("-3.1"), "-3.10"),
        (Decimal("12.500"), "12.50"),
        (Decimal("1234567890123.99"), "1234567890123.99"),
    ],
)
def test_amount_written_with_two_places(value: Decimal, text: str) -> None:
    assert element_text(encode(invoice_line(amount=value)), "Amount") == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("2"), "2"),
        (Decimal("2.50000"), "2.5"),
        (Decimal("0.12345"), "0.12345"),
        (Decimal("1E+2"), "100"),
    ],
)
def test_quantity_written_as_needed(value: Decimal, text: str) -> None:
    assert element_text(encode(invoice_line(quantity=value)), "Quantity") == text


def test_quantity_with_six_places_refused() -> None:
    with pytest.raises(InvalidValueError):
        encode(invoice_line(quantity=Decimal("1.000001")))


@pytest.mark.parametrize(
    "value",
    [
        Decimal("12345678901234"),
        Decimal("-12345678901234.00"),
        Decimal("1E+30"),
        Decimal("123456789012345678901234567"),
        Decimal("NaN"),
        Decimal("Infinity"),
    ],
)
def test_amount_out_of_range_refused(value: Decimal) -> None:
    with pytest.raises(InvalidValueError) as info:
        encode(invoice_line(amount=value))
    assert_actionable(info.value, "InvoiceAddRq/InvoiceAdd/InvoiceLineAdd/Amount")


@pytest.mark.parametrize(
    ("request_factory", "path"),
    [
        (lambda: invoice_line(amount="12.50"), "InvoiceAddRq/InvoiceAdd/InvoiceLineAdd/Amount"),
        (lambda: invoice_line(amount=12.5), "InvoiceAddRq/InvoiceAdd/InvoiceLineAdd/Amount"),
        (lambda: invoice_line(amount=True), "InvoiceAddRq/InvoiceAdd/InvoiceLineAdd/Amount"),
        (lambda: m.InvoiceQueryRq(max_returned="5"), "InvoiceQueryRq/MaxReturned"),
        (lambda: m.InvoiceQueryRq(max_returned=True), "InvoiceQueryRq/MaxReturned"),
        (lambda: m.InvoiceQueryRq(include_line_items="true"), "InvoiceQueryRq/IncludeLineItems"),
        (lambda: customer_add(name=42), "CustomerAddRq/CustomerAdd/Name"),
        (lambda: invoice_add(txn_date="2024-01-01"), "InvoiceAddRq/InvoiceAdd/TxnDate"),
        (lambda: invoice_add(txn_date=datetime(2024, 1, 1)), "InvoiceAddRq/InvoiceAdd/TxnDate"),
    ],
)
def test_wrong_python_type_refused(request_factory: Callable[[], QbxmlObject], path: str) -> None:
    with pytest.raises(InvalidValueError) as info:
        encode(request_factory())
    assert_actionable(info.value, path)


def test_invalid_enum_value_lists_the_allowed_ones() -> None:
    with pytest.raises(InvalidValueError) as info:
        encode(m.InvoiceQueryRq(paid_status="Paid"))
    assert_actionable(info.value, "InvoiceQueryRq/PaidStatus")
    for allowed in ("All", "PaidOnly", "NotPaidOnly"):
        assert allowed in info.value.fix


def test_invalid_enum_attribute_refused() -> None:
    with pytest.raises(InvalidValueError) as info:
        encode(m.InvoiceQueryRq(iterator="Begin"))
    assert info.value.path == "InvoiceQueryRq/@iterator"
    assert "Start" in info.value.fix


def test_datetime_written_without_microseconds_with_offset() -> None:
    moment = datetime(2015, 11, 4, 14, 39, 3, 123456, tzinfo=timezone(timedelta(hours=-8)))
    request = m.InvoiceQueryRq(
        modified_date_range_filter=m.ModifiedDateRangeFilter(from_modified_date=moment)
    )
    assert element_text(encode(request), "FromModifiedDate") == "2015-11-04T14:39:03-08:00"


def test_utc_datetime_keeps_its_offset() -> None:
    moment = datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC)
    request = m.CustomerQueryRq(from_modified_date=moment)
    assert element_text(encode(request), "FromModifiedDate") == "2024-02-29T23:59:59+00:00"


def test_date_and_bool_formats() -> None:
    xml = encode(invoice_add(txn_date=date(2007, 12, 14), is_pending=False, is_to_be_printed=True))
    assert element_text(xml, "TxnDate") == "2007-12-14"
    assert element_text(xml, "IsPending") == "false"
    assert element_text(xml, "IsToBePrinted") == "true"


# --- every refusal is actionable -------------------------------------------------------------

REFUSALS: list[tuple[str, Callable[[], object]]] = [
    ("on_error", lambda: encode(customer_add(), on_error="rollbackOnError")),
    ("message_set_id", lambda: encode(customer_add(), new_message_set_id="x" * 24)),
    ("too_long", lambda: encode(customer_add(name="N" * 42))),
    ("version", lambda: encode(bill_with_class(), at=V13)),
    (
        "edition",
        lambda: encode(invoice_add(is_tax_included=True), at=target("16.0", Edition.US)),
    ),
    ("choice", lambda: encode(m.InvoiceQueryRq(txn_id=("1",), max_returned=1))),
    ("missing", lambda: encode(m.InvoiceQueryRq(currency_filter=m.CurrencyFilter()))),
    ("decimal_places", lambda: encode(invoice_line(amount=Decimal("1.005")))),
    ("too_large", lambda: encode(invoice_line(amount=Decimal("12345678901234")))),
    ("type", lambda: encode(invoice_line(amount="1.00"))),
    ("enum", lambda: encode(m.InvoiceQueryRq(paid_status="Paid"))),
    ("control", lambda: encode(customer_add(name="a\x07b"))),
]


@pytest.mark.parametrize("build", [build for _, build in REFUSALS], ids=[n for n, _ in REFUSALS])
def test_every_refusal_is_a_record_skipped_error_with_message_fix_and_code(
    build: Callable[[], object],
) -> None:
    with pytest.raises(RecordSkippedError) as info:
        build()
    error = info.value
    assert isinstance(error, InvalidFieldError)
    assert error.message.strip()
    assert error.fix.strip()
    assert error.code.strip()
    assert error.code != RecordSkippedError.default_code
    assert error.path in error.message


def test_nothing_is_sent_for_a_bad_second_request() -> None:
    good = customer_add(name="ok")
    with pytest.raises(FieldTooLongError):
        encode(good, customer_add(name="N" * 42))
