"""codat-accounting 0.36 (the last Speakeasy-generated SDK, no context manager) reads what a
connector uploaded: invoices with queries, items, tax rates, and its typed errors."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import httpx
import pytest
from codat_accounting import CodatAccounting
from codat_accounting.models import errors
from pydantic.warnings import PydanticDeprecatedSince211

from tests.sdk.conftest import (
    SeededCompany,
    accounting_sdk,
    assert_same_record,
    seed_company,
)
from tests.support.platform import LivePlatform


@contextmanager
def deprecated_tracking_category_ref() -> Iterator[None]:
    """codat-accounting 0.36 marks its TrackingCategoryRef model ``@deprecated`` and warns each
    time it builds one; invoice lines carry ``trackingCategoryRefs``. Only that is silenced."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=r"warning: \*\* DEPRECATED \*\*", category=DeprecationWarning
        )
        yield


def sdk_json(model: Any) -> Any:
    """The model as JSON. codat-accounting 0.36's serializer reads ``model_fields`` on the
    instance, which pydantic deprecated in 2.11 (it pins pydantic <2.10; installed --no-deps
    here); only that warning is silenced."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=PydanticDeprecatedSince211)
        return json.loads(model.model_dump_json(by_alias=True, exclude_none=True))


@pytest.fixture(scope="module")
def seeded(sdk_live: LivePlatform, qbd_records: dict[str, list[dict[str, Any]]]) -> SeededCompany:
    company = seed_company(sdk_live, qbd_records)
    assert not company.refused, company.refused
    return company


@pytest.fixture(scope="module")
def accounting(sdk_live: LivePlatform) -> Iterator[CodatAccounting]:
    # The old SDK has no context manager: give it a client to close, or its sockets outlive
    # the module (a ResourceWarning whenever they are collected).
    with httpx.Client() as http:
        yield accounting_sdk(sdk_live, sdk_live.tenant.auth_header, client=http)


def test_invoices_with_a_query(accounting: CodatAccounting, seeded: SeededCompany) -> None:
    with deprecated_tracking_category_ref():
        found = accounting.invoices.list(
            request={
                "company_id": seeded.id,
                "query": "{status=Paid||status=Void}&&totalAmount>100",
                "order_by": "-totalAmount",
            }
        )
    assert found is not None
    expected = sorted(
        (
            r
            for r in seeded.records["invoices"]
            if r["status"] in ("Paid", "Void") and Decimal(str(r["totalAmount"])) > 100
        ),
        key=lambda r: -Decimal(str(r["totalAmount"])),
    )
    assert [i.id for i in found.results or []] == [r["id"] for r in expected]
    assert found.total_results == len(expected)
    assert found.page_number == 1 and found.page_size == 100
    for invoice, sent in zip(found.results or [], expected, strict=True):
        assert_same_record(sent, sdk_json(invoice))
    first = (found.results or [])[0]
    assert first.total_amount == Decimal("14488.64")
    assert first.status == "Paid"


def test_invoice_pages(accounting: CodatAccounting, seeded: SeededCompany) -> None:
    with deprecated_tracking_category_ref():
        page = accounting.invoices.list(
            request={"company_id": seeded.id, "page": 2, "page_size": 3, "order_by": "id"}
        )
    assert page is not None
    assert (page.page_number, page.page_size, page.total_results) == (2, 3, 7)
    assert len(page.results or []) == 3
    assert page.links.next is not None and page.links.previous is not None


def test_items(accounting: CodatAccounting, seeded: SeededCompany) -> None:
    listed = accounting.items.list(request={"company_id": seeded.id, "query": "type=Service"})
    assert listed is not None
    assert [i.id for i in listed.results or []] == ["250000-933272658"]
    for sent in seeded.records["items"]:
        got = accounting.items.get(request={"company_id": seeded.id, "item_id": sent["id"]})
        assert got is not None
        assert_same_record(sent, sdk_json(got))
    lumber = accounting.items.get(request={"company_id": seeded.id, "item_id": "1C0000-933272656"})
    assert lumber is not None and lumber.bill_item is not None
    assert lumber.bill_item.unit_price == Decimal("24.5")
    assert (lumber.type, lumber.item_status) == ("Inventory", "Active")


def test_tax_rates(accounting: CodatAccounting, seeded: SeededCompany) -> None:
    listed = accounting.tax_rates.list(request={"company_id": seeded.id, "order_by": "name"})
    assert listed is not None
    assert [t.name for t in listed.results or []] == ["Non-Taxable Sales", "Taxable Sales"]
    by_id = {t.id: t for t in listed.results or []}
    for sent in seeded.records["taxRates"]:
        assert_same_record(sent, sdk_json(by_id[sent["id"]]))
    assert by_id["10000-999022286"].effective_tax_rate == Decimal("7.75")


def test_unknown_company_is_a_typed_404(accounting: CodatAccounting) -> None:
    with pytest.raises(errors.ErrorMessage) as caught:
        accounting.invoices.list(request={"company_id": "00000000-0000-0000-0000-000000000000"})
    assert caught.value.data.status_code == 404
    assert caught.value.data.correlation_id
    assert caught.value.data.can_be_retried == "False"


def test_unknown_item_is_a_typed_404(accounting: CodatAccounting, seeded: SeededCompany) -> None:
    with pytest.raises(errors.ErrorMessage) as caught:
        accounting.items.get(request={"company_id": seeded.id, "item_id": "FFFF-933272656"})
    assert caught.value.data.status_code == 404


def test_company_info(accounting: CodatAccounting, seeded: SeededCompany) -> None:
    info = accounting.company_info.get(request={"company_id": seeded.id})
    assert info is not None
    assert info.company_name == "Rock Castle Construction"
    assert info.base_currency == "USD"
    assert_same_record(seeded.records["company"][0], sdk_json(info))
