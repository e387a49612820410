"""codat-sync-for-expenses 9.x reads customers and suppliers a connector uploaded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from codat_sync_for_expenses import CodatSyncExpenses
from codat_sync_for_expenses.models import errors

from tests.sdk.conftest import (
    SeededCompany,
    assert_same_record,
    expenses_sdk,
    raises_error_message,
    sdk_json,
    seed_company,
)
from tests.support.platform import LivePlatform


@pytest.fixture(scope="module")
def seeded(sdk_live: LivePlatform, qbd_records: dict[str, list[dict[str, Any]]]) -> SeededCompany:
    company = seed_company(sdk_live, qbd_records)
    assert not company.refused, company.refused
    return company


@pytest.fixture(scope="module")
def expenses(sdk_live: LivePlatform) -> Iterator[CodatSyncExpenses]:
    with expenses_sdk(sdk_live, sdk_live.tenant.auth_header) as sdk:
        yield sdk


@pytest.mark.parametrize(("group", "key"), [("customers", "customers"), ("suppliers", "suppliers")])
def test_list_and_get(
    expenses: CodatSyncExpenses, seeded: SeededCompany, group: str, key: str
) -> None:
    methods = getattr(expenses, group)
    listed = methods.list(request={"company_id": seeded.id, "page_size": 1, "order_by": "id"})
    assert listed.total_results == len(seeded.records[key]) == 2
    assert len(listed.results or []) == 1 and listed.links.next is not None
    id_param = f"{key[:-1]}_id"
    for sent in seeded.records[key]:
        got = methods.get(request={"company_id": seeded.id, id_param: sent["id"]})
        assert_same_record(sent, sdk_json(got))


def test_customer_fields(expenses: CodatSyncExpenses, seeded: SeededCompany) -> None:
    customer = expenses.customers.get(
        request={"company_id": seeded.id, "customer_id": "150000-933272658"}
    )
    assert customer.customer_name == "Abercrombie, Kristy"
    assert customer.status == "Active"
    assert [a.type for a in customer.addresses or []] == ["Delivery", "Billing"]
    contact = (customer.contacts or [])[0]
    assert contact.phone and contact.phone[0].type == "Primary"


def test_supplier_query(expenses: CodatSyncExpenses, seeded: SeededCompany) -> None:
    found = expenses.suppliers.list(
        request={"company_id": seeded.id, "query": "supplierName~Cheung&&status=Active"}
    )
    assert [s.id for s in found.results or []] == ["A60000-1197760912"]


def test_unknown_supplier_is_a_typed_404(
    expenses: CodatSyncExpenses, seeded: SeededCompany
) -> None:
    raises_error_message(
        errors.ErrorMessage,
        404,
        expenses.suppliers.get,
        request={"company_id": seeded.id, "supplier_id": "FFFF-1197760912"},
    )
