"""Writers of list records (customers, suppliers, items, accounts) against a simulated company
of each edition: what they write reads back through the data type's stream."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from qbdlink.connector.pushes import accounts, customers, items, suppliers
from qbdlink.connector.pushes.base import PushRejectedError, external_guid
from qbdlink.model.accounting.account import Account
from qbdlink.model.accounting.customer import Customer
from qbdlink.model.accounting.item import Item, ItemDetails
from qbdlink.model.accounting.supplier import Supplier
from qbdlink.model.base import AccountRef, Address, SupplementalData, TaxRateRef
from qbdlink.qbxml import Edition
from qbdlink.qbxml import messages as m

EDITIONS = (Edition.US, Edition.UK, Edition.CA)
D = Decimal


def rejected(call: Any) -> dict[str, str]:
    with pytest.raises(PushRejectedError) as caught:
        call()
    assert caught.value.problems
    return caught.value.problems


# ---- customers ---------------------------------------------------------------------------------


def a_customer(name: str, **changes: Any) -> Customer:
    values: dict[str, Any] = {
        "customer_name": name,
        "contact_name": "Ann Smith",
        "email_address": "ann@example.com",
        "phone": "555-0100",
        "addresses": [
            Address(
                type="Billing",
                line1="1 Main St",
                line2="Suite 2",
                city="Springfield",
                region="OR",
                postal_code="97477",
                country="US",
            ),
            Address(type="Delivery", line1="9 Dock Rd", city="Salem"),
        ],
        "tax_number": "RN-1234",
        "status": "Active",
    }
    return Customer(**{**values, **changes})


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.value)
def test_a_customer_is_added_and_reads_back(edition: Edition, company: Any) -> None:
    qb = company(edition)
    ctx = qb.ctx()
    since = qb.since()
    record = a_customer(f"Push Customer {edition.value}")
    ret = qb.write(customers.WRITER, record, ctx)
    assert ret.external_guid == external_guid(ctx.idempotency_key)
    back = qb.mapped("customers", ret)
    assert back.customer_name == record.customer_name
    assert (back.contact_name, back.email_address, back.phone) == (
        "Ann Smith",
        "ann@example.com",
        "555-0100",
    )
    assert [a.model_dump(exclude_none=True) for a in back.addresses] == [
        a.model_dump(exclude_none=True) for a in record.addresses
    ]
    assert back.tax_number == "RN-1234"
    assert back.status == "Active"
    if edition is Edition.US:
        assert ret.resale_number == "RN-1234"
    else:
        assert ret.tax_registration_number == "RN-1234"
    # The executor finds the record this push created by its key, and only that one.
    found = qb.found_by_key(customers.WRITER, ctx, since, record)
    assert [r.list_id for r in found] == [ret.list_id]
    assert not qb.found_by_key(customers.WRITER, qb.ctx(), since, record)


def test_a_job_is_a_customer_under_its_parent(company: Any) -> None:
    qb = company(Edition.US)
    parent = qb.write(customers.WRITER, a_customer("Parent For Jobs"))
    ret = qb.write(customers.WRITER, a_customer("Parent For Jobs:Kitchen"))
    assert ret.parent_ref.list_id == parent.list_id
    assert qb.mapped("customers", ret).customer_name == "Parent For Jobs:Kitchen"


def test_a_customer_update_carries_the_edit_sequence(company: Any) -> None:
    qb = company(Edition.UK)
    ret = qb.write(customers.WRITER, a_customer("Customer To Update"))
    current = qb.current(customers.WRITER, ret.list_id)
    update = Customer(customer_name="Customer Updated", phone="020 7946 0000", status="Archived")
    assert customers.WRITER.mod is not None
    request = customers.WRITER.mod(update, current, qb.ctx())
    assert request.customer_mod.edit_sequence == current.edit_sequence
    assert request.customer_mod.list_id == current.list_id
    after = qb.ok(request)
    back = qb.mapped("customers", after)
    assert (back.customer_name, back.phone, back.status) == (
        "Customer Updated",
        "020 7946 0000",
        "Archived",
    )
    assert back.email_address == "ann@example.com"  # not in the update: kept
    # The same Mod again carries an EditSequence QuickBooks has moved past: 3200.
    assert qb.send(request).status.code == 3200
    assert customers.WRITER.touched(update) == {"customerName", "phone", "status"}


def test_a_customer_without_a_name_is_refused(company: Any) -> None:
    ctx = company(Edition.US).ctx()
    problems = rejected(lambda: customers.WRITER.add(Customer(status="Active"), ctx))
    assert "customerName" in problems
    problems = rejected(lambda: customers.WRITER.add(a_customer("   "), ctx))
    assert "customerName" in problems


def test_lengths_are_the_editions(company: Any) -> None:
    # The US keeps a 15-character resale number; CA and UK a 30-character VAT/GST number.
    record = a_customer("Long Tax Number Ltd", tax_number="GB123456789012345")
    problems = rejected(lambda: customers.WRITER.add(record, company(Edition.US).ctx()))
    assert "15" in problems["taxNumber"]
    ret = company(Edition.UK).write(customers.WRITER, record)
    assert ret.tax_registration_number == "GB123456789012345"
    long_name = a_customer("N" * 42)
    assert "customerName" in rejected(
        lambda: customers.WRITER.add(long_name, company(Edition.US).ctx())
    )
    too_long_city = a_customer(
        "City Too Long",
        addresses=[Address(type="Delivery", city="C" * 32)],
    )
    problems = rejected(lambda: customers.WRITER.add(too_long_city, company(Edition.US).ctx()))
    assert "addresses[0].city" in problems


def test_text_outside_latin1_is_transliterated_or_refused(company: Any) -> None:
    qb = company(Edition.CA)
    record = a_customer("Łódź – “Café” Supplies €", contact_name="Zoë Œuvre")
    problems = rejected(lambda: customers.WRITER.add(record, qb.ctx(transliterate=False)))
    assert set(problems) == {"customerName", "contactName"}
    assert "U+0141" in problems["customerName"]
    ret = qb.write(customers.WRITER, record, qb.ctx(transliterate=True))
    assert ret.name == 'Lódz - "Café" Supplies EUR'  # ó and é are Latin-1: kept
    assert ret.contact == "Zoë OEuvre"
    # Some text has no Latin-1 form at all: refused even when transliterating.
    problems = rejected(lambda: customers.WRITER.add(a_customer("北京 Trading"), qb.ctx()))
    assert "U+5317" in problems["customerName"]


# ---- suppliers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.value)
def test_a_supplier_is_added_updated_and_found_by_key(edition: Edition, company: Any) -> None:
    qb = company(edition)
    ctx = qb.ctx()
    since = qb.since()
    record = Supplier(
        supplier_name=f"Push Supplier {edition.value}",
        contact_name="Bob Jones",
        email_address="bob@example.com",
        phone="555-0111",
        addresses=[Address(type="Billing", line1="2 Mill Lane", city="Leeds", postal_code="LS1")],
        tax_number="123456789",
        status="Active",
    )
    ret = qb.write(suppliers.WRITER, record, ctx)
    back = qb.mapped("suppliers", ret)
    assert (back.supplier_name, back.contact_name, back.email_address, back.phone) == (
        record.supplier_name,
        "Bob Jones",
        "bob@example.com",
        "555-0111",
    )
    assert back.addresses[0].line1 == "2 Mill Lane"
    assert back.tax_number == "123456789"
    assert [r.list_id for r in qb.found_by_key(suppliers.WRITER, ctx, since, record)] == [
        ret.list_id
    ]
    current = qb.current(suppliers.WRITER, ret.list_id)
    assert suppliers.WRITER.mod is not None
    request = suppliers.WRITER.mod(
        Supplier(email_address="new@example.com", status="Active"), current, ctx
    )
    assert request.vendor_mod.edit_sequence == current.edit_sequence
    assert qb.mapped("suppliers", qb.ok(request)).email_address == "new@example.com"
    assert qb.send(request).status.code == 3200


def test_a_supplier_without_a_name_is_refused(company: Any) -> None:
    problems = rejected(
        lambda: suppliers.WRITER.add(Supplier(status="Active"), company(Edition.US).ctx())
    )
    assert "supplierName" in problems


# ---- items -------------------------------------------------------------------------------------


def test_items_of_each_type_read_back(company: Any) -> None:
    qb = company(Edition.US)
    income = qb.account("Income").list_id
    expense = qb.account("Expense").list_id
    cogs = qb.account("CostOfGoodsSold").list_id
    asset = qb.account("OtherCurrentAsset").list_id
    taxable = qb.tax_code(taxable=True).list_id

    one_sided = Item(
        name="Push Service",
        item_status="Active",
        type="Service",
        is_invoice_item=True,
        is_bill_item=False,
        invoice_item=ItemDetails(
            description="Hourly work",
            unit_price=D("75.5"),
            account_ref=AccountRef(id=income),
            tax_rate_ref=TaxRateRef(id=taxable),
        ),
    )
    ret = qb.write(items.WRITER, one_sided)
    assert isinstance(ret, m.ItemServiceRet) and ret.sales_or_purchase is not None
    back = qb.mapped("items", ret)
    assert (back.name, back.type, back.is_invoice_item) == ("Push Service", "Service", True)
    assert back.invoice_item.unit_price == D("75.5")
    assert back.invoice_item.account_ref.id == income
    assert back.invoice_item.tax_rate_ref.id == taxable

    two_sided = Item(
        name="Push Parts",
        code="PP-1",
        item_status="Active",
        type="NonInventory",
        is_invoice_item=True,
        is_bill_item=True,
        invoice_item=ItemDetails(
            description="Parts", unit_price=D(12), account_ref=AccountRef(id=income)
        ),
        bill_item=ItemDetails(
            description="Parts bought", unit_price=D(7), account_ref=AccountRef(id=expense)
        ),
    )
    ret = qb.write(items.WRITER, two_sided)
    assert isinstance(ret, m.ItemNonInventoryRet) and ret.sales_and_purchase is not None
    back = qb.mapped("items", ret)
    assert (back.code, back.type) == ("PP-1", "NonInventory")
    assert (back.invoice_item.unit_price, back.bill_item.unit_price) == (D(12), D(7))
    assert back.bill_item.account_ref.id == expense
    assert back.bill_item.description == "Parts bought"

    stock = Item(
        name="Push Widget",
        item_status="Active",
        type="Inventory",
        is_invoice_item=True,
        is_bill_item=True,
        invoice_item=ItemDetails(unit_price=D(20), account_ref=AccountRef(id=income)),
        bill_item=ItemDetails(unit_price=D(9), account_ref=AccountRef(id=asset)),
        supplemental_data=SupplementalData(content={"qbdlink": {"cogsAccountId": cogs}}),
    )
    ret = qb.write(items.WRITER, stock)
    assert isinstance(ret, m.ItemInventoryRet)
    assert ret.cogs_account_ref.list_id == cogs
    back = qb.mapped("items", ret)
    assert back.bill_item.account_ref.id == asset and back.invoice_item.unit_price == D(20)


def test_item_updates_follow_the_current_kind(company: Any) -> None:
    qb = company(Edition.UK)
    income = qb.account("Income").list_id
    record = Item(
        name="Push Consulting",
        item_status="Active",
        type="Service",
        is_invoice_item=True,
        is_bill_item=False,
        invoice_item=ItemDetails(unit_price=D(100), account_ref=AccountRef(id=income)),
    )
    ctx = qb.ctx()
    since = qb.since()
    ret = qb.write(items.WRITER, record, ctx)
    assert [r.list_id for r in qb.found_by_key(items.WRITER, ctx, since, record)] == [ret.list_id]
    current = qb.current(items.WRITER, ret.list_id)
    change = Item(
        name="Push Consulting Plus",
        item_status="Archived",
        type="Service",
        is_invoice_item=True,
        is_bill_item=False,
        invoice_item=ItemDetails(unit_price=D(120)),
    )
    assert items.WRITER.mod is not None
    request = items.WRITER.mod(change, current, ctx)
    assert isinstance(request, m.ItemServiceModRq)
    assert request.item_service_mod.edit_sequence == current.edit_sequence
    assert request.item_service_mod.sales_or_purchase_mod == m.SalesOrPurchaseMod(price=D(120))
    back = qb.mapped("items", qb.ok(request))
    assert (back.name, back.item_status) == ("Push Consulting Plus", "Archived")
    # (The simulator does not apply nested *Mod aggregates such as SalesOrPurchaseMod, so the
    # price it stores is not checked here; the request above is what QuickBooks receives.)
    assert back.invoice_item.account_ref.id == income
    assert qb.send(request).status.code == 3200
    as_stock = change.model_copy(update={"type": "Inventory"})
    assert "type" in rejected(lambda: items.WRITER.mod(as_stock, current, ctx))


def test_items_qbxml_cannot_hold_are_refused(company: Any) -> None:
    ctx = company(Edition.US).ctx()
    base = {"item_status": "Active", "is_invoice_item": True, "is_bill_item": False}
    assert "type" in rejected(lambda: items.WRITER.add(Item(name="X", type="Unknown", **base), ctx))
    no_account = Item(name="No Account", type="Service", **base)
    assert "invoiceItem.accountRef.id" in rejected(lambda: items.WRITER.add(no_account, ctx))
    stock = Item(
        name="No Cogs",
        type="Inventory",
        item_status="Active",
        is_invoice_item=True,
        is_bill_item=True,
        invoice_item=ItemDetails(account_ref=AccountRef(id="1")),
        bill_item=ItemDetails(account_ref=AccountRef(id="2")),
    )
    problems = rejected(lambda: items.WRITER.add(stock, ctx))
    assert "supplementalData.content.qbdlink.cogsAccountId" in problems
    long_name = Item(
        name="I" * 32,
        type="Service",
        invoice_item=ItemDetails(account_ref=AccountRef(id="1")),
        **base,
    )
    assert "name" in rejected(lambda: items.WRITER.add(long_name, ctx))
    nothing = Item(
        name="Nothing",
        type="Service",
        item_status="Active",
        is_invoice_item=False,
        is_bill_item=False,
    )
    assert "isInvoiceItem" in rejected(lambda: items.WRITER.add(nothing, ctx))


# ---- accounts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.value)
def test_accounts_are_added_with_their_type_and_found_by_name(
    edition: Edition, company: Any
) -> None:
    qb = company(edition)
    ctx = qb.ctx()
    since = qb.since()
    bank = Account(
        name="Push Reserve",
        nominal_code="1090",
        description="Rainy days",
        fully_qualified_category="Asset.CurrentAsset.Bank",
        type="Asset",
        is_bank_account=True,
    )
    ret = qb.write(accounts.WRITER, bank, ctx)
    assert ret.account_type == "Bank"
    back = qb.mapped("accounts", ret)
    assert (back.name, back.nominal_code, back.description) == (
        "Push Reserve",
        "1090",
        "Rainy days",
    )
    assert back.fully_qualified_category == "Asset.CurrentAsset.Bank" and back.is_bank_account
    assert [r.list_id for r in qb.found_by_key(accounts.WRITER, ctx, since, bank)] == [ret.list_id]

    sub = Account(
        name="Push Reserve Savings",
        type="Asset",
        fully_qualified_category="Asset.CurrentAsset.Bank",
        fully_qualified_name="Asset.CurrentAsset.Bank.Push Reserve:Push Reserve Savings",
    )
    ret = qb.write(accounts.WRITER, sub, ctx)
    assert ret.full_name == "Push Reserve:Push Reserve Savings"
    assert qb.mapped("accounts", ret).fully_qualified_name == sub.fully_qualified_name

    by_type = qb.write(accounts.WRITER, Account(name="Push Travel", type="Expense"), ctx)
    assert by_type.account_type == "Expense"
    other = Account(name="Push Travel", type="Expense")
    assert accounts.WRITER.matches_key(by_type, ctx, other)
    assert not accounts.WRITER.matches_key(by_type, ctx, Account(name="Push Travel 2"))


def test_accounts_qbxml_cannot_hold_are_refused(company: Any) -> None:
    ctx = company(Edition.US).ctx()
    assert "type" in rejected(lambda: accounts.WRITER.add(Account(name="No Type"), ctx))
    unknown = Account(name="Odd", fully_qualified_category="Asset.CurrentAsset.Crypto")
    assert "fullyQualifiedCategory" in rejected(lambda: accounts.WRITER.add(unknown, ctx))
    clash = Account(name="Clash", type="Income", fully_qualified_category="Asset.CurrentAsset.Bank")
    assert "type" in rejected(lambda: accounts.WRITER.add(clash, ctx))
    not_bank = Account(
        name="Card",
        type="Liability",
        is_bank_account=True,
        fully_qualified_category="Liability.CurrentLiability.CreditCard",
    )
    assert "isBankAccount" in rejected(lambda: accounts.WRITER.add(not_bank, ctx))
    assert "name" in rejected(
        lambda: accounts.WRITER.add(Account(name="A" * 32, type="Income"), ctx)
    )
    assert "nominalCode" in rejected(
        lambda: accounts.WRITER.add(
            Account(name="Code", type="Income", nominal_code="12345678"), ctx
        )
    )
    assert "name" in rejected(lambda: accounts.WRITER.add(Account(type="Income"), ctx))
