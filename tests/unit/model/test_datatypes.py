"""The registry: the 15 data types served, their order, and Codat's closed list of keys."""

from __future__ import annotations

import pytest

from qbdlink.errors import PermanentError
from qbdlink.model import (
    ALL_DATA_TYPE_KEYS,
    DATA_TYPES,
    FieldKind,
    UnknownDataTypeError,
    data_type,
    field_kind,
)

SERVED = {
    "company",
    "accounts",
    "customers",
    "suppliers",
    "items",
    "taxRates",
    "trackingCategories",
    "paymentMethods",
    "invoices",
    "creditNotes",
    "payments",
    "bills",
    "billCreditNotes",
    "billPayments",
    "journalEntries",
}


def test_the_registry_serves_the_fifteen_data_types() -> None:
    assert set(DATA_TYPES) == SERVED
    for key, info in DATA_TYPES.items():
        assert info.key == key
        assert data_type(key) is info


def test_every_served_type_has_a_codat_data_type_name() -> None:
    assert {info.codat_data_type for info in DATA_TYPES.values()} <= set(ALL_DATA_TYPE_KEYS)
    # Read at /data/accounts, but "chartOfAccounts" in every dataType field (a closed enum).
    assert "accounts" not in ALL_DATA_TYPE_KEYS
    assert data_type("accounts").codat_data_type == "chartOfAccounts"
    assert data_type("chartOfAccounts") is data_type("accounts")
    assert all(info.codat_data_type == key for key, info in DATA_TYPES.items() if key != "accounts")
    assert len(ALL_DATA_TYPE_KEYS) == len(set(ALL_DATA_TYPE_KEYS))
    for key in ("chartOfAccounts", "journals", "banking-accounts", "commerce-orders"):
        assert key in ALL_DATA_TYPE_KEYS
    assert "chartOfAccount" not in ALL_DATA_TYPE_KEYS


def test_company_is_read_at_info() -> None:
    assert data_type("company").read_path == "info"
    assert all(info.read_path == key for key, info in DATA_TYPES.items() if key != "company")


def test_lists_sync_before_the_transactions_that_point_at_them() -> None:
    orders = [info.default_sync_order for info in DATA_TYPES.values()]
    assert orders == sorted(orders) == list(range(len(orders)))
    order = {key: info.default_sync_order for key, info in DATA_TYPES.items()}
    for transaction in ("invoices", "creditNotes", "payments"):
        assert order["customers"] < order[transaction]
        assert order["items"] < order[transaction]
    for transaction in ("bills", "billCreditNotes", "billPayments"):
        assert order["suppliers"] < order[transaction]
    assert order["invoices"] < order["payments"]
    assert order["bills"] < order["billPayments"]
    assert order["accounts"] < order["journalEntries"]


def test_default_sync_settings() -> None:
    for info in DATA_TYPES.values():
        assert info.default_fetch_on_first_link is True
        assert info.default_sync_schedule_hours > 0
        assert info.display_name


def test_date_and_reference_paths_name_real_properties() -> None:
    for info in DATA_TYPES.values():
        if info.date_path is not None:
            assert field_kind(info.model, info.date_path) is FieldKind.DATETIME
        if info.reference_path is not None:
            assert field_kind(info.model, info.reference_path) is FieldKind.STRING
    assert data_type("invoices").reference_path == "customerRef.id"
    assert data_type("bills").reference_path == "supplierRef.id"
    assert data_type("payments").date_path == "date"
    assert data_type("customers").date_path is None


def test_an_unknown_key_names_the_valid_ones() -> None:
    with pytest.raises(UnknownDataTypeError) as caught:
        data_type("invoice")
    error = caught.value
    assert isinstance(error, PermanentError)
    assert error.code == "unknown_data_type"
    assert "'invoice'" in error.message
    assert "invoices" in error.message and "journalEntries" in error.message


def test_a_codat_key_we_do_not_serve_is_still_unknown_here() -> None:
    assert "transfers" in ALL_DATA_TYPE_KEYS
    with pytest.raises(UnknownDataTypeError):
        data_type("transfers")
