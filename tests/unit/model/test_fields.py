"""field_kind: what a query property holds, walked through camelCase names and nested models."""

from __future__ import annotations

import pytest

from qbdlink.model import FieldKind, UnqueryableFieldError, field_kind
from qbdlink.model.accounting import Account, CompanyInfo, Invoice, Item, JournalEntry, Payment
from qbdlink.model.fields import property_names


@pytest.mark.parametrize(
    ("model", "path", "kind"),
    [
        (Invoice, "id", FieldKind.STRING),
        (Invoice, "invoiceNumber", FieldKind.STRING),
        (Invoice, "status", FieldKind.STRING),  # an enum compares as its text
        (Invoice, "totalAmount", FieldKind.NUMBER),
        (Invoice, "currencyRate", FieldKind.NUMBER),
        (Invoice, "issueDate", FieldKind.DATETIME),
        (Invoice, "dueDate", FieldKind.DATETIME),
        (Invoice, "modifiedDate", FieldKind.DATETIME),
        (Invoice, "sourceModifiedDate", FieldKind.DATETIME),
        (Invoice, "customerRef.id", FieldKind.STRING),
        (Invoice, "customerRef.companyName", FieldKind.STRING),
        (Invoice, "metadata.isDeleted", FieldKind.BOOLEAN),
        (Account, "isBankAccount", FieldKind.BOOLEAN),
        (Account, "type", FieldKind.STRING),
        (Account, "currentBalance", FieldKind.NUMBER),
        (Item, "billItem.unitPrice", FieldKind.NUMBER),
        (Item, "invoiceItem.taxRateRef.effectiveTaxRate", FieldKind.NUMBER),
        (Payment, "date", FieldKind.DATETIME),
        (Payment, "paymentMethodRef.id", FieldKind.STRING),
        (JournalEntry, "recordRef.dataType", FieldKind.STRING),
        (JournalEntry, "postedOn", FieldKind.DATETIME),
        (CompanyInfo, "financialYearStartDate", FieldKind.DATETIME),
    ],
)
def test_field_kinds(model: type[Invoice], path: str, kind: FieldKind) -> None:
    assert field_kind(model, path) is kind


@pytest.mark.parametrize("path", ["lineItems", "lineItems.quantity", "paymentAllocations"])
def test_arrays_cannot_be_queried(path: str) -> None:
    with pytest.raises(UnqueryableFieldError, match="arrays cannot be queried") as caught:
        field_kind(Invoice, path)
    assert caught.value.path == path
    assert "lineItems" in caught.value.message or "paymentAllocations" in caught.value.message


@pytest.mark.parametrize(
    ("model", "path"),
    [(Invoice, "customerRef"), (Invoice, "metadata"), (Invoice, "supplementalData")],
)
def test_objects_cannot_be_compared(model: type[Invoice], path: str) -> None:
    with pytest.raises(UnqueryableFieldError, match="objects cannot be compared"):
        field_kind(model, path)


def test_free_form_content_cannot_be_queried() -> None:
    with pytest.raises(UnqueryableFieldError, match="objects cannot be compared"):
        field_kind(Invoice, "supplementalData.content.anything")


def test_an_unknown_property_lists_the_valid_ones() -> None:
    with pytest.raises(UnqueryableFieldError) as caught:
        field_kind(Invoice, "totalAmmount")
    message = caught.value.message
    assert "unknown property 'totalAmmount'" in message
    for name in ("id", "issueDate", "totalAmount", "customerRef", "status"):
        assert name in message
    assert caught.value.code == "unqueryable_field"


def test_an_unknown_nested_property_names_its_parent() -> None:
    with pytest.raises(UnqueryableFieldError, match=r"of 'customerRef'.*companyName"):
        field_kind(Invoice, "customerRef.name")


def test_snake_case_names_are_not_properties() -> None:
    with pytest.raises(UnqueryableFieldError, match="unknown property"):
        field_kind(Invoice, "total_amount")


def test_a_scalar_has_no_properties() -> None:
    with pytest.raises(UnqueryableFieldError, match="no properties"):
        field_kind(Invoice, "totalAmount.value")


def test_property_names_are_the_wire_names() -> None:
    names = property_names(Invoice)
    assert names[0] == "id"
    assert {"issueDate", "totalTaxAmount", "amountDue", "supplementalData"} <= set(names)
