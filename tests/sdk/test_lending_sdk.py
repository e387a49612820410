"""codat-lending 12.x reads the accounting data a connector uploaded: every field of Codat's
QuickBooks Desktop examples comes back as sent, lists page and filter as Codat's do."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from codat_lending import CodatLending
from codat_lending.models import errors

from tests.sdk.conftest import (
    SeededCompany,
    assert_same_record,
    lending_sdk,
    raises_error_message,
    sdk_json,
    seed_company,
)
from tests.support.platform import LivePlatform

PRENTICE = "420000-1071522044"  # the customer of Codat's QuickBooks Desktop invoice example


@pytest.fixture(scope="module")
def seeded(sdk_live: LivePlatform, qbd_records: dict[str, list[dict[str, Any]]]) -> SeededCompany:
    company = seed_company(sdk_live, qbd_records)
    assert not company.refused, company.refused
    return company


@pytest.fixture(scope="module")
def lending(sdk_live: LivePlatform) -> Iterator[CodatLending]:
    with lending_sdk(sdk_live, sdk_live.tenant.auth_header) as sdk:
        yield sdk


def _group(sdk: CodatLending, path: str) -> Any:
    found: Any = sdk
    for name in path.split("."):
        found = getattr(found, name)
    return found


# (SDK method group, read key, the get request's id parameter)
READS = [
    ("accounts_receivable.invoices", "invoices", "invoice_id"),
    ("accounts_receivable.customers", "customers", "customer_id"),
    ("accounts_receivable.payments", "payments", "payment_id"),
    ("accounts_receivable.credit_notes", "creditNotes", "credit_note_id"),
    ("accounts_payable.bills", "bills", "bill_id"),
    ("accounts_payable.suppliers", "suppliers", "supplier_id"),
    ("accounts_payable.bill_payments", "billPayments", "bill_payment_id"),
    ("accounts_payable.bill_credit_notes", "billCreditNotes", "bill_credit_note_id"),
    ("financial_statements.accounts", "accounts", "account_id"),
    ("transactions.journal_entries", "journalEntries", "journal_entry_id"),
]


@pytest.mark.parametrize(("group", "key", "id_param"), READS, ids=[r[1] for r in READS])
def test_records_round_trip(
    lending: CodatLending, seeded: SeededCompany, group: str, key: str, id_param: str
) -> None:
    methods = _group(lending, group)
    sent = seeded.records[key]
    listed = methods.list(request={"company_id": seeded.id, "order_by": "id"})
    assert listed.total_results == len(sent)
    by_id = {record.id: record for record in listed.results or []}
    assert set(by_id) == {r["id"] for r in sent}
    for record in sent:
        assert_same_record(record, sdk_json(by_id[record["id"]]))
        got = methods.get(request={"company_id": seeded.id, id_param: record["id"]})
        assert_same_record(record, sdk_json(got))


def test_invoice_fields_keep_their_types(lending: CodatLending, seeded: SeededCompany) -> None:
    invoice = lending.accounts_receivable.invoices.get(
        request={"company_id": seeded.id, "invoice_id": "2453-1071526256"}
    )
    sent = seeded.by_id("invoices", "2453-1071526256")
    assert invoice.total_amount == Decimal("431.95")
    assert invoice.total_tax_amount == Decimal("18.45")
    assert invoice.amount_due == Decimal(0)
    assert invoice.issue_date == "2022-11-28T00:00:00"
    assert invoice.modified_date == "2023-04-26T09:08:12Z"
    assert invoice.status == "Paid"
    assert invoice.customer_ref is not None
    assert (invoice.customer_ref.id, invoice.customer_ref.company_name) == (
        PRENTICE,
        "Prentice, Adelaide",
    )
    lines = invoice.line_items or []
    assert len(lines) == len(sent["lineItems"])
    assert lines[0].item_ref is not None and lines[0].item_ref.name == "Concrete Slab"
    assert lines[0].unit_amount == Decimal("167.5")
    assert lines[0].tracking_category_refs and lines[0].tracking_category_refs[0].id == (
        "10000-933272658"
    )


def test_amounts_are_json_numbers_on_the_wire(
    sdk_live: LivePlatform, seeded: SeededCompany
) -> None:
    with sdk_live.client() as http:
        body = http.get(f"/companies/{seeded.id}/data/invoices/2453-1071526256").json()
    assert body["totalAmount"] == 431.95 and isinstance(body["totalAmount"], float)
    assert body["lineItems"][0]["quantity"] == 1
    assert isinstance(body["lineItems"][0]["unitAmount"], float)


def test_invoice_pages(lending: CodatLending, seeded: SeededCompany) -> None:
    invoices = lending.accounts_receivable.invoices
    total = len(seeded.records["invoices"])
    assert total == 7
    pages = [
        invoices.list(
            request={"company_id": seeded.id, "page": page, "page_size": 3, "order_by": "issueDate"}
        )
        for page in (1, 2, 3)
    ]
    assert [len(p.results or []) for p in pages] == [3, 3, 1]
    assert all(p.total_results == total and p.page_size == 3 for p in pages)

    second = pages[1]
    assert second.page_number == 2
    path = f"/companies/{seeded.id}/data/invoices"
    assert second.links.self_.href == path
    assert second.links.current.href == f"{path}?page=2&pageSize=3&orderBy=issueDate"
    assert second.links.next is not None
    assert second.links.next.href == f"{path}?page=3&pageSize=3&orderBy=issueDate"
    assert second.links.previous is not None
    assert second.links.previous.href == f"{path}?page=1&pageSize=3&orderBy=issueDate"
    assert pages[2].links.next is None and pages[0].links.previous is None

    dates = [i.issue_date for p in pages for i in p.results or []]
    assert dates == sorted(r["issueDate"] for r in seeded.records["invoices"])


def _ids(records: list[dict[str, Any]], keep: Any) -> set[str]:
    return {r["id"] for r in records if keep(r)}


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        ("totalAmount>100", lambda r: Decimal(str(r["totalAmount"])) > 100),
        ("status=Paid||status=Void", lambda r: r["status"] in ("Paid", "Void")),
        (f"customerRef.id={PRENTICE}", lambda r: r["customerRef"]["id"] == PRENTICE),
        (
            "{status=Paid||status=Void}&&totalAmount>100",
            lambda r: r["status"] in ("Paid", "Void") and Decimal(str(r["totalAmount"])) > 100,
        ),
        ("amountDue>0&&issueDate>2023-01-01", lambda r: r["amountDue"] > 0),
    ],
)
def test_invoice_queries(
    lending: CodatLending, seeded: SeededCompany, query: str, keep: Any
) -> None:
    expected = _ids(seeded.records["invoices"], keep)
    assert expected, "the query must match something to prove anything"
    found = lending.accounts_receivable.invoices.list(
        request={"company_id": seeded.id, "query": query}
    )
    assert {i.id for i in found.results or []} == expected
    assert found.total_results == len(expected)


def test_queries_on_other_data_types(lending: CodatLending, seeded: SeededCompany) -> None:
    payments = lending.accounts_receivable.payments.list(
        request={"company_id": seeded.id, "query": f"customerRef.id={PRENTICE}"}
    )
    assert [p.id for p in payments.results or []] == ["6973-1197775625"]
    customers = lending.accounts_receivable.customers.list(
        request={"company_id": seeded.id, "query": "customerName~Abercrombie"}
    )
    assert [c.id for c in customers.results or []] == ["150000-933272658"]
    accounts = lending.financial_statements.accounts.list(
        request={"company_id": seeded.id, "query": "currentBalance>1000&&type=Asset"}
    )
    expected = _ids(
        seeded.records["accounts"], lambda r: r["type"] == "Asset" and r["currentBalance"] > 1000
    )
    assert {a.id for a in accounts.results or []} == expected


def test_a_bad_query_is_a_typed_400(lending: CodatLending, seeded: SeededCompany) -> None:
    error = raises_error_message(
        errors.ErrorMessage,
        400,
        lending.accounts_receivable.invoices.list,
        request={"company_id": seeded.id, "query": "totalAmount>>"},
    )
    assert "query" in str(error.data.error)


def test_unknown_records_and_companies_are_typed_404s(
    lending: CodatLending, seeded: SeededCompany
) -> None:
    raises_error_message(
        errors.ErrorMessage,
        404,
        lending.accounts_receivable.invoices.get,
        request={"company_id": seeded.id, "invoice_id": "FFFF-1071526256"},
    )
    raises_error_message(
        errors.ErrorMessage,
        404,
        lending.financial_statements.accounts.list,
        request={"company_id": "00000000-0000-0000-0000-000000000000"},
    )


def test_pull_history_and_status(lending: CodatLending, seeded: SeededCompany) -> None:
    history = lending.manage_data.pull_operations.list(
        request={"company_id": seeded.id, "query": "dataType=chartOfAccounts"}
    )
    assert [p.data_type for p in history.results or []] == ["chartOfAccounts"]
    assert (history.results or [])[0].status == "Complete"
    status = lending.manage_data.get_status(request={"company_id": seeded.id})
    assert status is not None
    entries = status.model_dump(by_alias=True)
    assert entries["invoices"]["currentStatus"] == "Complete"
    assert entries["chartOfAccounts"]["latestSuccessfulSyncId"] == (history.results or [])[0].id


def test_company_info(lending: CodatLending, seeded: SeededCompany) -> None:
    info = lending.company_info.get_accounting_profile(request={"company_id": seeded.id})
    assert info.company_name == "Rock Castle Construction"
    assert info.base_currency == "USD"
    assert_same_record(seeded.records["company"][0], sdk_json(info))
