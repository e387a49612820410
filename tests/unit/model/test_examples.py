"""Codat's own example payloads validate against our models, round-trip, and Codat's SDKs accept
what we dump (required fields present, enum values inside their sets, decimals as numbers)."""

from __future__ import annotations

import enum
import json
import typing
import warnings
from typing import Any

import pytest
from codat_accounting.models import shared as accounting_sdk
from codat_lending.models import shared as lending_sdk
from pydantic import BaseModel

from qbdlink.model import base, dump_record, parse_record, parse_records_json
from qbdlink.model.accounting import (
    account,
    bill,
    bill_credit_note,
    bill_payment,
    company_info,
    credit_note,
    invoice,
    item,
    journal_entry,
    payment,
    payment_method,
)

from .samples import SAMPLES
from .spec_examples import SCHEMA_KEYS, Example

# Our data type key -> the SDK model that reads it.
SDK_MODELS: dict[str, type[BaseModel]] = {
    "company": lending_sdk.AccountingCompanyInfo,
    "accounts": accounting_sdk.Account,
    "customers": accounting_sdk.Customer,
    "suppliers": accounting_sdk.Supplier,
    "items": accounting_sdk.Item,
    "taxRates": accounting_sdk.TaxRate,
    "trackingCategories": accounting_sdk.TrackingCategory,
    "paymentMethods": accounting_sdk.PaymentMethod,
    "invoices": accounting_sdk.Invoice,
    "creditNotes": accounting_sdk.CreditNote,
    "payments": accounting_sdk.Payment,
    "bills": accounting_sdk.Bill,
    "billCreditNotes": accounting_sdk.BillCreditNote,
    "billPayments": accounting_sdk.BillPayment,
    "journalEntries": accounting_sdk.JournalEntry,
}

EXAMPLE_KEYS = sorted(set(SCHEMA_KEYS.values()))


def _round_trip(key: str, record: dict[str, Any]) -> None:
    model = parse_record(key, record)
    dumped = dump_record(model)
    assert parse_record(key, dumped) == model
    assert parse_record(key, json.dumps(dumped).encode()) == model
    with warnings.catch_warnings():
        # The SDK warns that fields it deprecated (trackingCategoryRefs) are set: Codat's own
        # examples set them, and so do we, for the clients that still read them.
        warnings.simplefilter("ignore", DeprecationWarning)
        SDK_MODELS[key].model_validate(dumped)


@pytest.mark.parametrize("key", EXAMPLE_KEYS)
def test_quickbooks_desktop_examples_validate_and_round_trip(
    key: str, qbd_examples: dict[str, list[Example]]
) -> None:
    examples = qbd_examples[key]
    assert examples, f"no example of {key} in the spec"
    for where, record in examples:
        try:
            _round_trip(key, record)
        except Exception as exc:  # name the example that failed
            raise AssertionError(f"{where}: {exc}") from exc


@pytest.mark.parametrize("key", EXAMPLE_KEYS)
def test_quickbooks_desktop_examples_dump_as_codat_wrote_them(
    key: str, qbd_examples: dict[str, list[Example]]
) -> None:
    # Codat's QBD read examples already use normalised dates and omit nulls, so they come back
    # as-is. (Push request examples may carry fractional seconds, which we drop.)
    for where, record in qbd_examples[key]:
        if "QuickBooks Desktop" in where and where.startswith("GET "):
            assert dump_record(parse_record(key, record)) == record, where


@pytest.mark.parametrize("key", EXAMPLE_KEYS)
def test_every_platforms_examples_validate(
    key: str, all_examples: dict[str, list[Example]]
) -> None:
    # Other platforms' examples exercise fields QuickBooks leaves out; all must still fit.
    for where, record in all_examples[key]:
        try:
            _round_trip(key, record)
        except Exception as exc:
            raise AssertionError(f"{where}: {exc}") from exc


def test_a_page_of_examples_validates_in_one_call(qbd_examples: dict[str, list[Example]]) -> None:
    records = [record for _, record in qbd_examples["invoices"]]
    parsed = parse_records_json("invoices", json.dumps(records).encode())
    assert [dump_record(model) for model in parsed] == records


@pytest.mark.parametrize("key", sorted(SAMPLES))
def test_data_types_without_spec_examples_round_trip(key: str) -> None:
    _round_trip(key, SAMPLES[key])
    assert dump_record(parse_record(key, SAMPLES[key])) == {
        name: value for name, value in SAMPLES[key].items() if value is not None
    }


def _values(sdk_enum: type[enum.Enum]) -> tuple[str, ...]:
    return tuple(member.value for member in sdk_enum)


@pytest.mark.parametrize(
    ("ours", "sdk"),
    [
        (base.RecordStatus, accounting_sdk.CustomerStatus),
        (base.RecordStatus, accounting_sdk.SupplierStatus),
        (base.RecordStatus, accounting_sdk.TaxRateStatus),
        (base.AddressType, accounting_sdk.AccountingAddressType),
        (base.PhoneNumberType, accounting_sdk.PhoneNumberType),
        (base.ReceivableBilledToType, accounting_sdk.BilledToType1),
        (base.PayableBilledToType, accounting_sdk.BilledToType),
        (account.AccountType, accounting_sdk.AccountType),
        (account.AccountStatus, accounting_sdk.AccountStatus),
        (item.ItemStatus, accounting_sdk.ItemStatus),
        (item.ItemType, accounting_sdk.ItemType),
        (payment_method.PaymentMethodType, accounting_sdk.PaymentMethodType),
        (invoice.InvoiceStatus, accounting_sdk.InvoiceStatus),
        (credit_note.CreditNoteStatus, accounting_sdk.CreditNoteStatus),
        (bill.BillStatus, accounting_sdk.BillStatus),
        (bill_credit_note.BillCreditNoteStatus, accounting_sdk.BillCreditNoteStatus),
        (payment.PaymentLinkType, accounting_sdk.PaymentLinkType),
        (bill_payment.BillPaymentLineLinkType, accounting_sdk.BillPaymentLineLinkType),
        (company_info.WebLinkType, lending_sdk.WebLinkType),
    ],
)
def test_enums_have_exactly_codats_values(ours: Any, sdk: type[enum.Enum]) -> None:
    assert typing.get_args(ours) == _values(sdk)


def test_journal_entry_record_ref_types_match_codat() -> None:
    field = journal_entry.JournalEntryRecordRef.model_fields["data_type"]
    literal = typing.get_args(field.annotation)[0]
    assert typing.get_args(literal) == _values(accounting_sdk.JournalEntryRecordRefDataType)
