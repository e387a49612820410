"""Writes through the processor: Add, Mod (EditSequence), Del, Void, deleted-object queries, names
unique across Customer/Vendor/Employee (3100), references (3140), custom fields (DataExt).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from qbdlink.qbxml import messages as m
from qbdlink.qbxml.xsd import QbxmlSchema
from tests.unit.simulator.test_processor import Sim

PACIFIC = timezone(timedelta(hours=-8))
OWNER = "{6B063959-81B0-4c00-B4F8-6D4B0D2F8DE4}"


@pytest.fixture
def sim(qbxml_schemas: dict[str, QbxmlSchema]) -> Sim:
    return Sim(qbxml_schemas)


# ---- Add -------------------------------------------------------------------------------------


def test_add_assigns_identity_in_the_company_time_zone(sim: Sim) -> None:
    customer = sim.customer("Alpha")
    assert customer.time_created == datetime(2024, 3, 1, 12, 0, tzinfo=PACIFIC)
    assert customer.time_modified == customer.time_created
    assert customer.list_id.endswith(f"-{int(sim.clock.now.timestamp())}")
    assert customer.edit_sequence == str(int(sim.clock.now.timestamp()))
    assert customer.is_active is True
    assert customer.full_name == "Alpha" and customer.sublevel == 0
    second = sim.customer("Beta")
    assert second.list_id != customer.list_id


def test_sub_customer_full_name(sim: Sim) -> None:
    sim.customer("Alpha")
    job = sim.customer("Kitchen", parent_ref=m.ParentRef(full_name="Alpha"))
    assert job.full_name == "Alpha:Kitchen"
    assert job.sublevel == 1
    assert [c.full_name for c in sim.query(m.CustomerQueryRq(full_name=("Alpha:Kitchen",)))] == [
        "Alpha:Kitchen"
    ]


def test_transactions_get_a_txn_id_and_number(sim: Sim) -> None:
    sim.customer("Alpha")
    first = sim.invoice("Alpha", "1", lines=False)
    second = sim.invoice("Alpha", "2", lines=False)
    assert first.txn_id != second.txn_id
    assert second.txn_number == first.txn_number + 1


@pytest.mark.parametrize(
    ("first", "second"),
    [("customer", "vendor"), ("vendor", "customer"), ("customer", "customer")],
)
def test_names_are_unique_across_customers_and_vendors(sim: Sim, first: str, second: str) -> None:
    getattr(sim, first)("Shared Name")
    add: m.CustomerAddRq | m.VendorAddRq
    if second == "customer":
        add = m.CustomerAddRq(customer_add=m.CustomerAdd(name="shared name"))
    else:
        add = m.VendorAddRq(vendor_add=m.VendorAdd(name="shared name"))
    response = sim.one(add)
    assert response.status.code == 3100
    assert "is already in use" in response.status.message
    assert sim.count("Customer") + sim.count("Vendor") == 1


def test_an_employee_name_is_unique_with_customers(sim: Sim) -> None:
    # EmployeeAdd has no Name in any edition: QuickBooks makes it from the first and last names.
    employee = sim.ok(
        m.EmployeeAddRq(employee_add=m.EmployeeAdd(first_name="Robin", last_name="Smith"))
    )[0]
    assert employee.name == "Robin Smith"
    assert sim.status(m.CustomerAddRq(customer_add=m.CustomerAdd(name="Robin Smith"))) == 3100


def test_same_name_in_different_lists_is_allowed(sim: Sim) -> None:
    sim.customer("Consulting")
    sim.service_item("Consulting")  # items are another name group
    sim.account("Consulting")


def test_a_reference_to_a_missing_record_is_3140(sim: Sim) -> None:
    by_name = m.InvoiceAdd(customer_ref=m.CustomerRef(full_name="Nobody"))
    response = sim.one(m.InvoiceAddRq(invoice_add=by_name))
    assert response.status.code == 3140
    assert '"Nobody"' in response.status.message
    by_id = m.InvoiceAdd(customer_ref=m.CustomerRef(list_id="80000099-1709323200"))
    assert sim.status(m.InvoiceAddRq(invoice_add=by_id)) == 3140
    # A vendor is not a customer.
    sim.vendor("Supplier")
    wrong_kind = m.InvoiceAdd(customer_ref=m.CustomerRef(full_name="Supplier"))
    assert sim.status(m.InvoiceAddRq(invoice_add=wrong_kind)) == 3140
    assert sim.count("Invoice") == 0


# ---- Mod -------------------------------------------------------------------------------------


def test_mod_with_the_current_edit_sequence(sim: Sim) -> None:
    before = sim.customer("Alpha", phone="555-0100", email="a@example.com")
    sim.clock.tick(90)
    mod = m.CustomerMod(
        list_id=before.list_id, edit_sequence=before.edit_sequence, phone="555-0199"
    )
    (after,) = sim.ok(m.CustomerModRq(customer_mod=mod))
    assert after.list_id == before.list_id
    assert after.edit_sequence != before.edit_sequence
    assert int(after.edit_sequence) > int(before.edit_sequence)
    assert after.time_modified == before.time_modified + timedelta(seconds=90)
    assert after.time_created == before.time_created
    assert after.phone == "555-0199"
    assert after.email == "a@example.com"  # untouched fields are kept
    (stored,) = sim.query(m.CustomerQueryRq(list_id=(before.list_id,)))
    assert stored == after


def test_mod_edit_sequence_changes_even_within_one_second(sim: Sim) -> None:
    before = sim.customer("Alpha")
    mod = m.CustomerMod(list_id=before.list_id, edit_sequence=before.edit_sequence, fax="1")
    (after,) = sim.ok(m.CustomerModRq(customer_mod=mod))
    assert after.edit_sequence != before.edit_sequence


def test_mod_with_a_stale_edit_sequence_is_3200(sim: Sim) -> None:
    before = sim.customer("Alpha")
    sim.clock.tick()
    fresh = m.CustomerMod(list_id=before.list_id, edit_sequence=before.edit_sequence, fax="1")
    (current,) = sim.ok(m.CustomerModRq(customer_mod=fresh))
    stale = m.CustomerMod(list_id=before.list_id, edit_sequence=before.edit_sequence, fax="2")
    response = sim.one(m.CustomerModRq(customer_mod=stale))
    assert response.status.code == 3200
    assert response.status.severity == "Error"
    assert (
        response.status.message
        == f'The provided edit sequence "{before.edit_sequence}" is out-of-date.'
    )
    (stored,) = sim.query(m.CustomerQueryRq(list_id=(before.list_id,)))
    assert stored == current  # unchanged


def test_mod_of_a_missing_record_is_3120(sim: Sim) -> None:
    mod = m.CustomerMod(list_id="80000099-1709323200", edit_sequence="1", fax="1")
    assert sim.status(m.CustomerModRq(customer_mod=mod)) == 3120


def test_mod_rename_keeps_names_unique(sim: Sim) -> None:
    sim.customer("Alpha")
    beta = sim.customer("Beta")
    mod = m.CustomerMod(list_id=beta.list_id, edit_sequence=beta.edit_sequence, name="Alpha")
    assert sim.status(m.CustomerModRq(customer_mod=mod)) == 3100


def test_transaction_mod(sim: Sim) -> None:
    sim.customer("Alpha")
    invoice = sim.invoice("Alpha", "INV-1", lines=False)
    sim.clock.tick(5)
    mod = m.InvoiceMod(txn_id=invoice.txn_id, edit_sequence=invoice.edit_sequence, memo="Thanks")
    (after,) = sim.ok(m.InvoiceModRq(invoice_mod=mod))
    assert after.memo == "Thanks"
    assert after.ref_number == "INV-1"
    assert after.edit_sequence != invoice.edit_sequence
    assert after.time_modified > invoice.time_modified
    stale = m.InvoiceMod(txn_id=invoice.txn_id, edit_sequence=invoice.edit_sequence, memo="x")
    assert sim.status(m.InvoiceModRq(invoice_mod=stale)) == 3200


# ---- Del, deleted-object queries, Void -----------------------------------------------------


def test_list_del_then_list_deleted_query(sim: Sim) -> None:
    alpha = sim.customer("Alpha")
    sim.customer("Beta")
    sim.clock.tick(60)
    response = sim.one(m.ListDelRq(list_del_type="Customer", list_id=alpha.list_id))
    assert response.status.code == 0
    body = response.body
    assert body is not None
    assert body.list_id == alpha.list_id
    assert body.full_name == "Alpha"
    assert body.time_deleted == datetime(2024, 3, 1, 12, 1, tzinfo=PACIFIC)
    assert sim.status(m.CustomerQueryRq(list_id=(alpha.list_id,))) == 1
    assert [c.name for c in sim.query(m.CustomerQueryRq(active_status="All"))] == ["Beta"]
    (deleted,) = sim.query(m.ListDeletedQueryRq(list_del_type=("Customer",)))
    assert deleted.list_id == alpha.list_id
    assert deleted.full_name == "Alpha"
    assert deleted.time_created == alpha.time_created
    assert deleted.time_deleted == datetime(2024, 3, 1, 12, 1, tzinfo=PACIFIC)
    assert sim.status(m.ListDeletedQueryRq(list_del_type=("Vendor",))) == 1
    # The name is free again.
    sim.customer("Alpha")


def test_deleted_date_range_filter(sim: Sim) -> None:
    alpha = sim.customer("Alpha")
    beta = sim.customer("Beta")
    sim.ok(m.ListDelRq(list_del_type="Customer", list_id=alpha.list_id))
    sim.clock.tick(3600)
    sim.ok(m.ListDelRq(list_del_type="Customer", list_id=beta.list_id))
    query = m.ListDeletedQueryRq(
        list_del_type=("Customer",),
        deleted_date_range_filter=m.DeletedDateRangeFilter(
            from_deleted_date=datetime(2024, 3, 1, 12, 30, tzinfo=PACIFIC)
        ),
    )
    assert [d.full_name for d in sim.query(query)] == ["Beta"]


def test_list_del_of_a_missing_record_is_3120(sim: Sim) -> None:
    response = sim.one(m.ListDelRq(list_del_type="Customer", list_id="80000099-1709323200"))
    assert response.status.code == 3120


def test_list_del_type_must_match_the_record(sim: Sim) -> None:
    vendor = sim.vendor("Supplier")
    assert sim.status(m.ListDelRq(list_del_type="Customer", list_id=vendor.list_id)) == 3120
    assert sim.count("Vendor") == 1


def test_txn_del_then_txn_deleted_query(sim: Sim) -> None:
    sim.customer("Alpha")
    invoice = sim.invoice("Alpha", "INV-7", lines=False)
    sim.clock.tick(30)
    response = sim.one(m.TxnDelRq(txn_del_type="Invoice", txn_id=invoice.txn_id))
    assert response.status.code == 0
    assert response.body is not None
    assert response.body.ref_number == "INV-7"
    assert sim.status(m.InvoiceQueryRq(txn_id=(invoice.txn_id,))) == 1
    (deleted,) = sim.query(m.TxnDeletedQueryRq(txn_del_type=("Invoice",)))
    assert deleted.txn_id == invoice.txn_id
    assert deleted.ref_number == "INV-7"
    assert deleted.time_deleted == datetime(2024, 3, 1, 12, 0, 30, tzinfo=PACIFIC)
    assert deleted.time_created == invoice.time_created


def test_txn_void_keeps_the_transaction_with_zero_amounts(sim: Sim) -> None:
    sim.customer("Alpha")
    invoice = sim.invoice("Alpha", "INV-9", amount="75.00", memo="March work")
    sim.clock.tick(10)
    response = sim.one(m.TxnVoidRq(txn_void_type="Invoice", txn_id=invoice.txn_id))
    assert response.status.code == 0
    assert response.body is not None
    assert response.body.txn_id == invoice.txn_id
    (voided,) = sim.query(m.InvoiceQueryRq(txn_id=(invoice.txn_id,), include_line_items=True))
    assert voided.memo == "VOID: March work"
    assert [line.amount for line in voided.invoice_line_ret] == [Decimal("0.00")]
    assert voided.edit_sequence != invoice.edit_sequence
    assert voided.time_modified > invoice.time_modified
    assert sim.status(m.TxnDeletedQueryRq(txn_del_type=("Invoice",))) == 1  # not deleted


def test_txn_void_of_a_missing_transaction_is_3120(sim: Sim) -> None:
    assert sim.status(m.TxnVoidRq(txn_void_type="Invoice", txn_id="FFF-1709323200")) == 3120


# ---- custom fields ---------------------------------------------------------------------------


def _define(
    sim: Sim, name: str = "Loyalty", obj: str = "Customer", *, complete: bool = False
) -> m.DataExtDefRet:
    """A definition; ``complete`` also sends the elements DataExtDefRet requires (the XSD's
    DataExtListRequire, DataExtTxnRequire, DataExtFormatString), so that the tests of values
    do not depend on the simulator filling them in."""
    extra: dict[str, object] = {}
    if complete:
        extra = {
            "data_ext_list_require": False,
            "data_ext_txn_require": False,
            "data_ext_format_string": "Text",
        }
    add = m.DataExtDefAdd(
        owner_id=OWNER,
        data_ext_name=name,
        data_ext_type="STR255TYPE",
        assign_to_object=(obj,),
        **extra,  # type: ignore[arg-type]
    )
    (definition,) = sim.ok(m.DataExtDefAddRq(data_ext_def_add=add))
    return definition  # type: ignore[no-any-return]


def test_data_ext_def_add_query_mod_del(sim: Sim) -> None:
    definition = _define(sim, complete=True)
    assert definition.data_ext_name == "Loyalty"
    assert definition.assign_to_object == ("Customer",)
    assert [d.data_ext_name for d in sim.query(m.DataExtDefQueryRq(owner_id=(OWNER,)))] == [
        "Loyalty"
    ]
    # The same name again for the same owner: 3100.
    again = m.DataExtDefAdd(owner_id=OWNER, data_ext_name="loyalty", data_ext_type="STR255TYPE")
    assert sim.status(m.DataExtDefAddRq(data_ext_def_add=again)) == 3100
    mod = m.DataExtDefMod(
        owner_id=OWNER,
        data_ext_name="Loyalty",
        data_ext_new_name="Loyalty Tier",
        assign_to_object=("Vendor",),
    )
    (changed,) = sim.ok(m.DataExtDefModRq(data_ext_def_mod=mod))
    assert changed.data_ext_name == "Loyalty Tier"
    assert set(changed.assign_to_object) == {"Customer", "Vendor"}
    assert [d.data_ext_name for d in sim.query(m.DataExtDefQueryRq())] == ["Loyalty Tier"]
    response = sim.one(m.DataExtDefDelRq(owner_id=OWNER, data_ext_name="Loyalty Tier"))
    assert response.status.code == 0
    assert sim.one(m.DataExtDefQueryRq()).records == []
    assert sim.status(m.DataExtDefDelRq(owner_id=OWNER, data_ext_name="Loyalty Tier")) == 3120


def test_data_ext_def_query_without_a_match_is_status_1(sim: Sim) -> None:
    # Like every query, "no matching object" is status 1 (reference/qbxml.md, status codes).
    assert sim.status(m.DataExtDefQueryRq()) == 1
    _define(sim, complete=True)
    assert sim.status(m.DataExtDefQueryRq(owner_id=("0",))) == 1
    assert sim.status(m.DataExtDefQueryRq(assign_to_object=("Vendor",))) == 1


def test_data_ext_def_ret_has_its_required_elements(sim: Sim) -> None:
    # DataExtDefRet requires DataExtListRequire, DataExtTxnRequire and DataExtFormatString
    # (13.0 and 16.0 XSDs): QuickBooks always returns them, even when the Add left them out.
    definition = _define(sim)
    assert definition.data_ext_list_require is False
    assert definition.data_ext_txn_require is False
    # DataExtFormatString comes back empty, which reads back as unset; that the element is
    # there at all is what Sim checks by validating the response against the XSD.


def test_data_ext_values_on_a_customer(sim: Sim) -> None:
    _define(sim, complete=True)
    sim.customer("Alpha")
    ref = m.ListObjRef(full_name="Alpha")
    add = m.DataExtAdd(
        owner_id=OWNER,
        data_ext_name="Loyalty",
        list_data_ext_type="Customer",
        list_obj_ref=ref,
        data_ext_value="Gold",
    )
    (value,) = sim.ok(m.DataExtAddRq(data_ext_add=add))
    assert value.data_ext_value == "Gold"

    def values(owners: tuple[str, ...]) -> list[tuple[str, str]]:
        (customer,) = sim.query(m.CustomerQueryRq(full_name=("Alpha",), owner_id=owners))
        return [(v.data_ext_name, v.data_ext_value) for v in customer.data_ext_ret]

    assert values(()) == []  # only when the query names the owner
    assert values(("0",)) == []
    assert values((OWNER,)) == [("Loyalty", "Gold")]

    mod = m.DataExtMod(
        owner_id=OWNER,
        data_ext_name="Loyalty",
        list_data_ext_type="Customer",
        list_obj_ref=ref,
        data_ext_value="Silver",
    )
    sim.ok(m.DataExtModRq(data_ext_mod=mod))
    assert values((OWNER,)) == [("Loyalty", "Silver")]

    delete = m.DataExtDel(
        owner_id=OWNER, data_ext_name="Loyalty", list_data_ext_type="Customer", list_obj_ref=ref
    )
    sim.ok(m.DataExtDelRq(data_ext_del=delete))
    assert values((OWNER,)) == []
    assert sim.status(m.DataExtDelRq(data_ext_del=delete)) == 3120


def test_data_ext_needs_its_definition(sim: Sim) -> None:
    sim.customer("Alpha")
    add = m.DataExtAdd(
        owner_id=OWNER,
        data_ext_name="Undefined",
        list_data_ext_type="Customer",
        list_obj_ref=m.ListObjRef(full_name="Alpha"),
        data_ext_value="x",
    )
    assert sim.status(m.DataExtAddRq(data_ext_add=add)) == 3120


def test_data_ext_on_a_transaction(sim: Sim) -> None:
    _define(sim, "Project", "Invoice", complete=True)
    sim.customer("Alpha")
    invoice = sim.invoice("Alpha", "INV-1", lines=False, txn_date=date(2024, 2, 2))
    add = m.DataExtAdd(
        owner_id=OWNER,
        data_ext_name="Project",
        txn_data_ext_type="Invoice",
        txn_id=invoice.txn_id,
        data_ext_value="Kitchen",
    )
    sim.ok(m.DataExtAddRq(data_ext_add=add))
    (found,) = sim.query(m.InvoiceQueryRq(txn_id=(invoice.txn_id,), owner_id=(OWNER,)))
    assert [(v.data_ext_name, v.data_ext_value) for v in found.data_ext_ret] == [
        ("Project", "Kitchen")
    ]
