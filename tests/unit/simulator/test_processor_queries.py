"""Queries through the processor: filters, MaxReturned, iterators, IncludeRetElement ([OPS140]).

Lists: ListID, FullName, NameFilter, NameRangeFilter, ActiveStatus, From/ToModifiedDate.
Transactions: TxnID, RefNumber, TxnDateRangeFilter, EntityFilter, AccountFilter,
RefNumberFilter, PaidStatus, IncludeLineItems, IncludeLinkedTxns. Iterators belong to their
session: a Continue from another session, or with an unknown id, is status 3391 ([PHP-I183]).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from qbdlink.qbxml import decode_response_set
from qbdlink.qbxml import messages as m
from qbdlink.qbxml.xsd import QbxmlSchema
from tests.unit.simulator.test_processor import Sim

PACIFIC = timezone(timedelta(hours=-8))  # the US sample company's offset


@pytest.fixture
def sim(qbxml_schemas: dict[str, QbxmlSchema]) -> Sim:
    return Sim(qbxml_schemas)


def _names(records: list[object]) -> list[str]:
    return [
        str(getattr(record, "full_name", None) or getattr(record, "name", None))
        for record in records
    ]


# ---- lists ------------------------------------------------------------------------------------


@pytest.fixture
def people(sim: Sim) -> Sim:
    for name in ("Adams Bakery", "Baker Street Cafe", "Cafe Olé", "Delta Bakers", "Echo Ltd"):
        sim.customer(name)
    return sim


def test_query_by_list_id(people: Sim) -> None:
    delta = people.query(m.CustomerQueryRq(full_name=("Delta Bakers",)))[0]
    (found,) = people.query(m.CustomerQueryRq(list_id=(delta.list_id,)))
    assert found == delta
    assert people.status(m.CustomerQueryRq(list_id=("80000999-1709323200",))) == 1


def test_query_by_full_names_is_case_insensitive(people: Sim) -> None:
    found = people.query(m.CustomerQueryRq(full_name=("echo ltd", "Adams Bakery")))
    assert _names(found) == ["Adams Bakery", "Echo Ltd"]  # creation order


def test_list_records_come_back_in_creation_order(people: Sim) -> None:
    assert _names(people.query(m.CustomerQueryRq())) == [
        "Adams Bakery",
        "Baker Street Cafe",
        "Cafe Olé",
        "Delta Bakers",
        "Echo Ltd",
    ]


@pytest.mark.parametrize(
    ("criterion", "name", "expected"),
    [
        ("StartsWith", "bak", ["Baker Street Cafe"]),
        ("Contains", "Bake", ["Adams Bakery", "Baker Street Cafe", "Delta Bakers"]),
        ("EndsWith", "cafe", ["Baker Street Cafe"]),
        ("EndsWith", "Olé", ["Cafe Olé"]),
        ("Contains", "%", []),
    ],
)
def test_name_filter(people: Sim, criterion: str, name: str, expected: list[str]) -> None:
    query = m.CustomerQueryRq(name_filter=m.NameFilter(match_criterion=criterion, name=name))
    assert _names(people.query(query)) == expected


def test_name_range_filter(people: Sim) -> None:
    query = m.CustomerQueryRq(name_range_filter=m.NameRangeFilter(from_name="B", to_name="D"))
    assert _names(people.query(query)) == ["Baker Street Cafe", "Cafe Olé"]
    from_only = m.CustomerQueryRq(name_range_filter=m.NameRangeFilter(from_name="Delta"))
    assert _names(people.query(from_only)) == ["Delta Bakers", "Echo Ltd"]


def test_active_status(people: Sim) -> None:
    echo = people.query(m.CustomerQueryRq(full_name=("Echo Ltd",)))[0]
    mod = m.CustomerMod(list_id=echo.list_id, edit_sequence=echo.edit_sequence, is_active=False)
    people.ok(m.CustomerModRq(customer_mod=mod))
    everyone = [
        "Adams Bakery",
        "Baker Street Cafe",
        "Cafe Olé",
        "Delta Bakers",
        "Echo Ltd",
    ]
    assert _names(people.query(m.CustomerQueryRq())) == everyone[:4]  # ActiveOnly by default
    assert _names(people.query(m.CustomerQueryRq(active_status="ActiveOnly"))) == everyone[:4]
    assert _names(people.query(m.CustomerQueryRq(active_status="InactiveOnly"))) == ["Echo Ltd"]
    assert _names(people.query(m.CustomerQueryRq(active_status="All"))) == everyone
    # Named records come back whatever their status.
    assert _names(people.query(m.CustomerQueryRq(full_name=("Echo Ltd",)))) == ["Echo Ltd"]


def test_modified_date_range(sim: Sim) -> None:
    sim.customer("Early")  # 2024-03-01T12:00:00-08:00
    sim.clock.tick(3600)
    sim.customer("Middle")  # 13:00
    sim.clock.tick(3600)
    sim.customer("Late")  # 14:00
    query = m.CustomerQueryRq(
        from_modified_date=datetime(2024, 3, 1, 12, 30, tzinfo=PACIFIC),
        to_modified_date=datetime(2024, 3, 1, 13, 30, tzinfo=PACIFIC),
    )
    assert _names(sim.query(query)) == ["Middle"]
    # Without an offset, a filter time is the company's local time.
    local = m.CustomerQueryRq(from_modified_date=datetime(2024, 3, 1, 13, 0))
    assert _names(sim.query(local)) == ["Middle", "Late"]
    # A modification moves a record into the later window.
    early = sim.query(m.CustomerQueryRq(full_name=("Early",)))[0]
    sim.clock.tick(3600)
    mod = m.CustomerMod(list_id=early.list_id, edit_sequence=early.edit_sequence, phone="555")
    sim.ok(m.CustomerModRq(customer_mod=mod))
    later = m.CustomerQueryRq(from_modified_date=datetime(2024, 3, 1, 14, 30, tzinfo=PACIFIC))
    assert _names(sim.query(later)) == ["Early"]


def test_max_returned(people: Sim) -> None:
    assert _names(people.query(m.CustomerQueryRq(max_returned=2))) == [
        "Adams Bakery",
        "Baker Street Cafe",
    ]
    response = people.one(m.CustomerQueryRq(max_returned=2))
    assert response.status.iterator_id is None  # no iterator asked for


def test_include_ret_element_keeps_only_the_named_elements(people: Sim) -> None:
    query = m.CustomerQueryRq(include_ret_element=("ListID", "Name"), max_returned=1)
    (record,) = people.query(query)
    assert record.list_id and record.name == "Adams Bakery"
    set_fields = {
        spec.attr
        for spec in type(record)._spec.fields
        if getattr(record, spec.attr) not in (None, ())
    }
    assert set_fields == {"list_id", "name"}


def test_item_query_returns_every_item_kind(sim: Sim) -> None:
    sim.service_item("Consulting")
    sim.account("Cost of Goods Sold", "CostOfGoodsSold")
    sim.account("Inventory Asset", "OtherCurrentAsset")
    inventory = m.ItemInventoryAdd(
        name="Widget",
        income_account_ref=m.IncomeAccountRef(full_name="Services"),
        cogs_account_ref=m.COGSAccountRef(full_name="Cost of Goods Sold"),
        asset_account_ref=m.AssetAccountRef(full_name="Inventory Asset"),
    )
    sim.ok(m.ItemInventoryAddRq(item_inventory_add=inventory))
    items = sim.query(m.ItemQueryRq())
    assert [type(item).__name__ for item in items] == ["ItemServiceRet", "ItemInventoryRet"]


# ---- iterators ------------------------------------------------------------------------------


@pytest.fixture
def five(sim: Sim) -> Sim:
    for n in range(1, 6):
        sim.customer(f"Customer {n}")
    return sim


def test_iterator_pages_through_every_record_once(five: Sim) -> None:
    start = five.one(m.CustomerQueryRq(iterator="Start", max_returned=2, request_id="1"))
    assert start.status.iterator_remaining_count == 3
    assert start.status.ret_count == 2
    iterator_id = start.status.iterator_id
    assert iterator_id
    seen = _names(start.records)
    remaining = [3]
    for _ in range(2):
        page = five.one(
            m.CustomerQueryRq(
                iterator="Continue", iterator_id=iterator_id, max_returned=2, request_id="n"
            )
        )
        assert page.status.code == 0
        assert page.status.iterator_id == iterator_id
        assert page.status.ret_count == len(page.records)
        remaining.append(page.status.iterator_remaining_count or 0)
        seen += _names(page.records)
    assert remaining == [3, 1, 0]
    assert seen == [f"Customer {n}" for n in range(1, 6)]


def test_iterator_over_nothing(sim: Sim) -> None:
    start = sim.one(m.CustomerQueryRq(iterator="Start", max_returned=2))
    assert start.status.code == 1
    assert start.status.iterator_remaining_count == 0
    assert start.status.ret_count == 0


def test_iterator_id_from_another_session_is_3391(five: Sim) -> None:
    start = five.one(m.CustomerQueryRq(iterator="Start", max_returned=2))
    other = five.other_session()
    again = m.CustomerQueryRq(
        iterator="Continue", iterator_id=start.status.iterator_id, max_returned=2
    )
    response = other.one(again)
    assert response.status.code == 3391
    assert response.status.severity == "Error"
    assert start.status.iterator_id in response.status.message
    # The session that started it can still go on.
    assert five.one(again).status.iterator_remaining_count == 1


def test_unknown_iterator_id_is_3391(five: Sim) -> None:
    query = m.CustomerQueryRq(
        iterator="Continue", iterator_id="{00000000-0000-0000-0000-000000000000}", max_returned=2
    )
    assert five.status(query) == 3391


def test_finished_iterator_is_3391(five: Sim) -> None:
    start = five.one(m.CustomerQueryRq(iterator="Start", max_returned=3))
    again = m.CustomerQueryRq(
        iterator="Continue", iterator_id=start.status.iterator_id, max_returned=3
    )
    assert five.one(again).status.iterator_remaining_count == 0
    assert five.status(again) == 3391


def test_iterator_of_one_query_type_cannot_continue_another(five: Sim) -> None:
    start = five.one(m.CustomerQueryRq(iterator="Start", max_returned=2))
    vendor_query = m.VendorQueryRq(
        iterator="Continue", iterator_id=start.status.iterator_id, max_returned=2
    )
    assert five.status(vendor_query) == 3391


def test_iterator_continues_under_continue_on_error(five: Sim) -> None:
    start = five.one(m.CustomerQueryRq(iterator="Start", max_returned=4))
    responses = five.responses(
        [
            m.CustomerQueryRq(iterator="Continue", iterator_id="{bogus}", max_returned=4),
            m.CustomerQueryRq(
                iterator="Continue", iterator_id=start.status.iterator_id, max_returned=4
            ),
        ],
        on_error="continueOnError",
    )
    assert [r.status.code for r in responses] == [3391, 0]
    assert _names(responses[1].records) == ["Customer 5"]


# ---- transactions ------------------------------------------------------------------------


@pytest.fixture
def invoices(sim: Sim) -> Sim:
    """Three invoices without lines, to test the header filters on their own."""
    sim.account("Accounts Receivable", "AccountsReceivable")
    sim.account("Second AR", "AccountsReceivable")
    sim.customer("Adams Bakery")
    sim.customer("Baker Street Cafe")
    sim.invoice(
        "Adams Bakery",
        "INV-100",
        txn_date=date(2024, 1, 10),
        lines=False,
        ar_account_ref=m.ARAccountRef(full_name="Accounts Receivable"),
    )
    sim.invoice(
        "Baker Street Cafe",
        "INV-101",
        txn_date=date(2024, 2, 10),
        lines=False,
        ar_account_ref=m.ARAccountRef(full_name="Second AR"),
    )
    sim.invoice(
        "Adams Bakery",
        "X-200",
        txn_date=date(2024, 3, 10),
        lines=False,
        ar_account_ref=m.ARAccountRef(full_name="Accounts Receivable"),
    )
    return sim


def _refs(records: list[object]) -> list[str]:
    return [str(getattr(record, "ref_number", None)) for record in records]


def test_query_by_txn_id_and_ref_number(invoices: Sim) -> None:
    everything = invoices.query(m.InvoiceQueryRq())
    assert _refs(everything) == ["INV-100", "INV-101", "X-200"]
    (found,) = invoices.query(m.InvoiceQueryRq(txn_id=(everything[1].txn_id,)))
    assert found == everything[1]
    assert _refs(invoices.query(m.InvoiceQueryRq(ref_number=("x-200", "INV-100")))) == [
        "INV-100",
        "X-200",
    ]
    assert invoices.status(m.InvoiceQueryRq(txn_id=("FFFF-1709323200",))) == 1


def test_txn_date_range_filter(invoices: Sim) -> None:
    query = m.InvoiceQueryRq(
        txn_date_range_filter=m.TxnDateRangeFilter(
            from_txn_date=date(2024, 2, 1), to_txn_date=date(2024, 3, 10)
        )
    )
    assert _refs(invoices.query(query)) == ["INV-101", "X-200"]
    before = m.InvoiceQueryRq(
        txn_date_range_filter=m.TxnDateRangeFilter(to_txn_date=date(2024, 2, 9))
    )
    assert _refs(invoices.query(before)) == ["INV-100"]


def test_entity_filter(invoices: Sim) -> None:
    by_name = m.InvoiceQueryRq(entity_filter=m.EntityFilter(full_name=("Adams Bakery",)))
    assert _refs(invoices.query(by_name)) == ["INV-100", "X-200"]
    baker = invoices.query(m.CustomerQueryRq(full_name=("Baker Street Cafe",)))[0]
    by_id = m.InvoiceQueryRq(entity_filter=m.EntityFilter(list_id=(baker.list_id,)))
    assert _refs(invoices.query(by_id)) == ["INV-101"]
    nobody = m.InvoiceQueryRq(entity_filter=m.EntityFilter(full_name=("Nobody",)))
    assert invoices.status(nobody) == 1


def test_account_filter(invoices: Sim) -> None:
    query = m.InvoiceQueryRq(account_filter=m.AccountFilter(full_name=("Second AR",)))
    assert _refs(invoices.query(query)) == ["INV-101"]
    main = m.InvoiceQueryRq(account_filter=m.AccountFilter(full_name=("Accounts Receivable",)))
    assert _refs(invoices.query(main)) == ["INV-100", "X-200"]


@pytest.mark.parametrize(
    ("criterion", "text", "expected"),
    [
        ("StartsWith", "inv", ["INV-100", "INV-101"]),
        ("Contains", "-1", ["INV-100", "INV-101"]),
        ("EndsWith", "00", ["INV-100", "X-200"]),
    ],
)
def test_ref_number_filter(invoices: Sim, criterion: str, text: str, expected: list[str]) -> None:
    query = m.InvoiceQueryRq(
        ref_number_filter=m.RefNumberFilter(match_criterion=criterion, ref_number=text)
    )
    assert _refs(invoices.query(query)) == expected


def test_transaction_iterator(invoices: Sim) -> None:
    start = invoices.one(m.InvoiceQueryRq(iterator="Start", max_returned=2))
    assert _refs(start.records) == ["INV-100", "INV-101"]
    assert start.status.iterator_remaining_count == 1
    page = invoices.one(
        m.InvoiceQueryRq(iterator="Continue", iterator_id=start.status.iterator_id, max_returned=2)
    )
    assert _refs(page.records) == ["X-200"]
    assert page.status.iterator_remaining_count == 0


def test_paid_status(sim: Sim) -> None:
    sim.customer("Adams Bakery")
    first = sim.invoice("Adams Bakery", "INV-1", amount="40.00")
    sim.invoice("Adams Bakery", "INV-2", amount="60.00")
    # Nothing applied yet: both are unpaid.
    assert _refs(sim.query(m.InvoiceQueryRq(paid_status="NotPaidOnly"))) == ["INV-1", "INV-2"]
    assert sim.status(m.InvoiceQueryRq(paid_status="PaidOnly")) == 1
    payment = m.ReceivePaymentAdd(
        customer_ref=m.CustomerRef(full_name="Adams Bakery"),
        total_amount=Decimal("40.00"),
        applied_to_txn_add=(
            m.AppliedToTxnAdd(txn_id=first.txn_id, payment_amount=Decimal("40.00")),
        ),
    )
    sim.ok(m.ReceivePaymentAddRq(receive_payment_add=payment))
    assert _refs(sim.query(m.InvoiceQueryRq(paid_status="PaidOnly"))) == ["INV-1"]
    assert _refs(sim.query(m.InvoiceQueryRq(paid_status="NotPaidOnly"))) == ["INV-2"]
    assert _refs(sim.query(m.InvoiceQueryRq(paid_status="All"))) == ["INV-1", "INV-2"]


def test_include_line_items(sim: Sim) -> None:
    sim.customer("Adams Bakery")
    sim.invoice("Adams Bakery", "INV-1", amount="40.00")
    (without,) = sim.query(m.InvoiceQueryRq())
    assert without.invoice_line_ret == ()
    (with_lines,) = sim.query(m.InvoiceQueryRq(include_line_items=True))
    (line,) = with_lines.invoice_line_ret
    assert line.item_ref.full_name == "Consulting"
    assert line.amount == Decimal("40.00")
    assert line.txn_line_id  # every line has its own id


def test_include_linked_txns(sim: Sim) -> None:
    sim.customer("Adams Bakery")
    invoice = sim.invoice("Adams Bakery", "INV-1", amount="40.00")
    payment = m.ReceivePaymentAdd(
        customer_ref=m.CustomerRef(full_name="Adams Bakery"),
        total_amount=Decimal("40.00"),
        applied_to_txn_add=(
            m.AppliedToTxnAdd(txn_id=invoice.txn_id, payment_amount=Decimal("40.00")),
        ),
    )
    paid = sim.ok(m.ReceivePaymentAddRq(receive_payment_add=payment))[0]
    (linked,) = sim.query(m.InvoiceQueryRq(txn_id=(invoice.txn_id,), include_linked_txns=True))
    assert [link.txn_id for link in linked.linked_txn] == [paid.txn_id]
    assert linked.is_paid is True
    # LinkedTxn comes back only when the query asks for it (IncludeLinkedTxns, [OPS140]).
    (plain,) = sim.query(m.InvoiceQueryRq(txn_id=(invoice.txn_id,)))
    assert plain.linked_txn == ()


def test_query_results_decode_as_the_query_response(invoices: Sim) -> None:
    response = decode_response_set(invoices.send([m.InvoiceQueryRq(request_id="q")]))
    (only,) = response.responses
    assert only.status.tag == "InvoiceQueryRs"
    assert [type(r).__name__ for r in only.records] == ["InvoiceRet"] * 3
