"""Sample companies: deterministic, complete, per edition, Latin-1, spread over years."""

from __future__ import annotations

import time
from datetime import date

import pytest

from qbdlink.qbxml import messages as m
from qbdlink.qbxml.decode import decode_element
from qbdlink.qbxml.schema import QbxmlObject
from qbdlink.qbxml.versions import Edition
from qbdlink.simulator.kinds import ITEM_KINDS, KINDS
from qbdlink.simulator.samples import DEMO_SIZE, generate_company
from qbdlink.simulator.samples.names import FIRST_NAMES, LAST_NAMES, PLACES
from qbdlink.simulator.store import CompanyStore, DeletedRow, RecordFilter, RecordRow

TXN_KINDS = (
    "Invoice", "CreditMemo", "SalesReceipt", "ReceivePayment", "Bill", "VendorCredit",
    "BillPaymentCheck", "BillPaymentCreditCard", "JournalEntry", "Check", "Deposit",
    "Estimate", "PurchaseOrder",
)  # fmt: skip


def _rows(store: CompanyStore) -> list[RecordRow]:
    return store.select(RecordFilter(kinds=tuple(KINDS), active=None))


def _deleted(store: CompanyStore) -> list[DeletedRow]:
    return store.deleted(tuple(KINDS), None, None)


def _records(store: CompanyStore, kind: str) -> list[QbxmlObject]:
    rows = store.select(RecordFilter(kinds=(kind,), active=None))
    return [decode_element(row.body, KINDS[kind].ret) for row in rows]


@pytest.fixture(scope="module")
def companies() -> dict[Edition, CompanyStore]:
    return {
        edition: generate_company(":memory:", edition=edition, size=DEMO_SIZE, seed=7, check=True)
        for edition in (Edition.US, Edition.CA, Edition.UK)
    }


def test_same_seed_gives_the_same_company() -> None:
    first = generate_company(":memory:", edition=Edition.US, size=120, seed=3)
    second = generate_company(":memory:", edition=Edition.US, size=120, seed=3)
    assert _rows(first) == _rows(second)
    assert _deleted(first) == _deleted(second)
    assert first.get_meta("company_name") == second.get_meta("company_name")


def test_different_seeds_give_different_companies() -> None:
    first = generate_company(":memory:", edition=Edition.US, size=120, seed=3)
    second = generate_company(":memory:", edition=Edition.US, size=120, seed=4)
    assert [row.body for row in _rows(first)] != [row.body for row in _rows(second)]


@pytest.mark.parametrize("edition", [Edition.US, Edition.CA, Edition.UK])
def test_every_kind_is_present(companies: dict[Edition, CompanyStore], edition: Edition) -> None:
    store = companies[edition]
    present = {row.kind for row in _rows(store)}
    for kind in (*ITEM_KINDS, *TXN_KINDS, "Account", "Customer", "Vendor", "Employee", "Class",
                 "StandardTerms", "DateDrivenTerms", "SalesTaxCode", "PaymentMethod"):  # fmt: skip
        assert kind in present, kind


@pytest.mark.parametrize("edition", [Edition.US, Edition.CA, Edition.UK])
def test_jobs_inactive_and_deleted_records(
    companies: dict[Edition, CompanyStore], edition: Edition
) -> None:
    store = companies[edition]
    customers = _records(store, "Customer")
    jobs = [c for c in customers if isinstance(c, m.CustomerRet) and c.parent_ref is not None]
    assert jobs and all(j.sublevel == 1 and ":" in (j.full_name or "") for j in jobs)
    inactive = {row.kind for row in store.select(RecordFilter(kinds=tuple(KINDS), active=False))}
    assert {"Customer", "Vendor", "Employee", "ItemService", "Account"} <= inactive
    deleted = {row.kind for row in _deleted(store)}
    assert {"Customer", "ItemService", "Class"} <= deleted
    assert deleted & set(TXN_KINDS)


@pytest.mark.parametrize("edition", [Edition.US, Edition.CA, Edition.UK])
def test_payments_applied_fully_and_in_part(
    companies: dict[Edition, CompanyStore], edition: Edition
) -> None:
    invoices = _records(companies[edition], "Invoice")
    payments = _records(companies[edition], "ReceivePayment")
    assert payments
    paid = [i for i in invoices if getattr(i, "is_paid", None)]
    part = [
        i
        for i in invoices
        if not getattr(i, "is_paid", None) and (getattr(i, "applied_amount", None) or 0) != 0
    ]
    assert paid and part


@pytest.mark.parametrize("edition", [Edition.US, Edition.CA, Edition.UK])
def test_text_is_latin1_with_accents(
    companies: dict[Edition, CompanyStore], edition: Edition
) -> None:
    names = [
        str(getattr(record, "full_name", "") or getattr(record, "name", ""))
        for kind in ("Customer", "Vendor", "Employee", "ItemService", "ItemInventory")
        for record in _records(companies[edition], kind)
    ]
    text = "".join(names)
    assert all(ord(ch) <= 0xFF for ch in text)
    assert any(ord(ch) > 0x7F for ch in text)


def test_word_lists_stay_within_latin1() -> None:
    words = [*FIRST_NAMES, *LAST_NAMES]
    words += [p.city for places in PLACES.values() for p in places]
    assert all(ord(ch) <= 0xFF for word in words for ch in word)
    assert {"é", "ü", "ñ", "ç"} <= set("".join(words))


def test_tax_codes_per_edition(companies: dict[Edition, CompanyStore]) -> None:
    def codes(edition: Edition) -> set[str]:
        return {str(getattr(r, "name", "")) for r in _records(companies[edition], "SalesTaxCode")}

    assert codes(Edition.US) == {"Tax", "Non"}
    assert {"G", "H", "HA", "S", "Q", "Z", "E"} <= codes(Edition.CA)
    assert {"S", "R", "Z", "E"} <= codes(Edition.UK)
    uk_items = {
        str(getattr(r, "name", "")) for r in _records(companies[Edition.UK], "ItemSalesTax")
    }
    assert "VAT Standard" in uk_items


@pytest.mark.parametrize("edition", [Edition.CA, Edition.UK])
def test_postal_codes_look_right(companies: dict[Edition, CompanyStore], edition: Edition) -> None:
    customer = next(
        c for c in _records(companies[edition], "Customer") if getattr(c, "bill_address", None)
    )
    postal = customer.bill_address.postal_code  # type: ignore[attr-defined]
    assert " " in postal and len(postal) in (6, 7, 8)


@pytest.mark.parametrize("edition", [Edition.US, Edition.CA, Edition.UK])
def test_dates_spread_over_years_and_match_time_created(
    companies: dict[Edition, CompanyStore], edition: Edition
) -> None:
    invoices = _records(companies[edition], "Invoice")
    dates: list[date] = [getattr(i, "txn_date") for i in invoices]  # noqa: B009
    assert (max(dates) - min(dates)).days >= 2 * 365
    for invoice in invoices:
        assert getattr(invoice, "time_created").date() == getattr(invoice, "txn_date")  # noqa: B009


def test_the_demo_company_takes_a_few_seconds() -> None:
    started = time.perf_counter()
    store = generate_company(":memory:", edition=Edition.UK, size=DEMO_SIZE, seed=1)
    assert time.perf_counter() - started < 20  # a few seconds; generous for busy machines
    assert 300 <= len(_rows(store)) <= 800


def test_progress_reports_each_phase() -> None:
    seen: list[tuple[str, int, int]] = []
    generate_company(
        ":memory:",
        edition=Edition.CA,
        size=50,
        seed=2,
        progress=lambda phase, done, total: seen.append((phase, done, total)),
    )
    phases = [phase for phase, _, _ in seen]
    for phase in ("setup", "vendors", "items", "customers", "employees", "transactions",
                  "inactive", "deleted"):  # fmt: skip
        assert phase in phases
    assert ("transactions", 50, 50) in seen
