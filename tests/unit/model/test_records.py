"""parse_record / parse_records_json / dump_record: clear errors, JSON numbers, no nulls."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from qbdlink.errors import PermanentError
from qbdlink.model import (
    InvalidRecordError,
    UnknownDataTypeError,
    dump_record,
    dump_record_json,
    parse_record,
    parse_records_json,
)
from qbdlink.model.accounting import Invoice


def invoice(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": "2453-1071526256",
        "invoiceNumber": "975",
        "customerRef": {"id": "420000-1071522044", "companyName": "Prentice, Adelaide"},
        "issueDate": "2022-11-28",
        "status": "Submitted",
        "subTotal": "10.50",
        "totalTaxAmount": 0.84,
        "totalAmount": 11.34,
        "amountDue": 11.34,
        "lineItems": [{"description": "Nails", "unitAmount": 5.25, "quantity": 2}],
        "metadata": {"isDeleted": False},
    }
    record.update(overrides)
    return record


def test_a_mapping_bytes_and_text_all_parse_to_the_same_model() -> None:
    record = invoice()
    parsed = parse_record("invoices", record)
    assert isinstance(parsed, Invoice)
    assert parsed.sub_total == Decimal("10.50")
    assert parsed.issue_date == "2022-11-28T00:00:00"
    assert parse_record("invoices", json.dumps(record).encode()) == parsed
    assert parse_record("invoices", json.dumps(record)) == parsed


def test_snake_case_names_are_accepted_too() -> None:
    parsed = parse_record(
        "customers", {"customer_name": "Acme", "status": "Active", "email_address": "a@b.c"}
    )
    assert dump_record(parsed) == {
        "customerName": "Acme",
        "status": "Active",
        "emailAddress": "a@b.c",
    }


def test_dump_is_camel_case_without_nulls_and_with_json_numbers() -> None:
    dumped = dump_record(parse_record("invoices", invoice(note=None, dueDate=None)))
    assert "note" not in dumped and "dueDate" not in dumped
    assert dumped["subTotal"] == 10.5 and isinstance(dumped["subTotal"], float)
    assert dumped["lineItems"] == [{"description": "Nails", "unitAmount": 5.25, "quantity": 2}]
    assert isinstance(dumped["lineItems"][0]["quantity"], int)
    assert dumped["customerRef"] == {"id": "420000-1071522044", "companyName": "Prentice, Adelaide"}


def test_dumped_json_has_numbers_not_strings() -> None:
    text = dump_record_json(parse_record("invoices", invoice()))
    assert b'"subTotal":10.5' in text
    assert b'"totalAmount":11.34' in text
    assert json.loads(text) == dump_record(parse_record("invoices", invoice()))


def test_an_unknown_property_is_a_clear_error() -> None:
    with pytest.raises(InvalidRecordError) as caught:
        parse_record("invoices", invoice(totalAmmount=3, lineItems=[{"unitAmount": 1, "qty": 1}]))
    error = caught.value
    assert isinstance(error, PermanentError)
    assert error.code == "invalid_record"
    assert error.record_id == "2453-1071526256"
    assert any(p.startswith("totalAmmount: unknown property") for p in error.problems)
    assert "lineItems[0].qty: unknown property" in error.message
    assert "lineItems[0].quantity: Field required" in error.message
    assert "invoices record (id '2453-1071526256')" in error.message


def test_free_form_containers_take_any_key() -> None:
    content = {"qbd": {"customField1": "x", "nested": {"deep": [1, 2]}}}
    parsed = parse_record("invoices", invoice(supplementalData={"content": content}))
    assert dump_record(parsed)["supplementalData"] == {"content": content}
    with pytest.raises(InvalidRecordError, match=r"supplementalData\.contents: unknown property"):
        parse_record("invoices", invoice(supplementalData={"contents": content}))


def test_missing_required_fields_and_bad_enums_are_named() -> None:
    record = invoice(status="Open")
    del record["issueDate"]
    with pytest.raises(InvalidRecordError) as caught:
        parse_record("invoices", record)
    problems = caught.value.problems
    assert "issueDate: Field required" in problems
    assert any(p.startswith("status: Input should be 'Unknown', 'Draft'") for p in problems)


def test_a_bad_date_reads_as_our_message_not_pydantics_prefix() -> None:
    with pytest.raises(InvalidRecordError) as caught:
        parse_record("invoices", invoice(issueDate="28/11/2022"))
    (problem,) = caught.value.problems
    assert problem.startswith("issueDate: expected an ISO-8601 date")


def test_money_as_a_string_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(InvalidRecordError, match="totalAmount"):
        parse_record("invoices", invoice(totalAmount="eleven"))


def test_a_batch_validates_in_one_call() -> None:
    records = [invoice(id="7-1"), invoice(id="7-2")]
    parsed = parse_records_json("invoices", json.dumps(records).encode())
    assert [dump_record(p)["id"] for p in parsed] == ["7-1", "7-2"]
    assert parse_records_json("invoices", b"[]") == []


def test_a_bad_batch_names_the_first_bad_record_by_index_and_id() -> None:
    records = [invoice(id="A"), invoice(id="B", status="Nope"), invoice(id="C", foo=1)]
    with pytest.raises(InvalidRecordError) as caught:
        parse_records_json("invoices", json.dumps(records))
    error = caught.value
    assert (error.index, error.record_id) == (1, "B")
    assert error.problems[0].startswith("status: Input should be")
    assert "invoices record 1 (id 'B')" in error.message


def test_a_batch_that_is_not_a_json_array_is_a_clear_error() -> None:
    with pytest.raises(InvalidRecordError, match="Invalid JSON") as caught:
        parse_records_json("invoices", b"[{")
    assert caught.value.index is None
    with pytest.raises(InvalidRecordError, match="valid array"):
        parse_records_json("invoices", b'{"id": "x"}')


def test_many_problems_are_capped() -> None:
    record = {f"extra{n}": n for n in range(30)}
    with pytest.raises(InvalidRecordError) as caught:
        parse_record("customers", record)
    assert caught.value.problems[-1].startswith("... and")
    assert len(caught.value.problems) == 11


def test_parsing_an_unknown_data_type_is_an_unknown_data_type_error() -> None:
    with pytest.raises(UnknownDataTypeError):
        parse_record("widgets", {})
    with pytest.raises(UnknownDataTypeError):
        parse_records_json("widgets", b"[]")


def test_company_info_has_no_id_and_parses_by_its_key() -> None:
    parsed = parse_record("company", {"companyName": "Rock Castle", "baseCurrency": "USD"})
    assert dump_record(parsed) == {"companyName": "Rock Castle", "baseCurrency": "USD"}
    with pytest.raises(InvalidRecordError, match="id: unknown property"):
        parse_record("company", {"id": "x"})
