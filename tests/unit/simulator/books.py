"""A small set of books for the business-rule tests: accounts, tax, items, customers, vendors.

``Books.create(edition)`` opens an in-memory company and adds, through the generic writer:
a bank, a credit card, income, expense and equity accounts; the edition's sales tax (US: one
8.25% tax item and taxable / non-taxable codes; CA: GST 5% and PST 7% with codes G, S (both)
and E; UK: VAT 20% and 0% with codes S and Z); items (Consulting 100.00 a unit, Widget sold at
25.00 and bought at 10.00, a Subtotal, a 10% Discount, a Kit group); customers (Acme, its job
Acme:Project, Beta) and vendors (Paper Co, the tax agency).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import qbdlink.simulator.rules  # noqa: F401  (registers the rules)
from qbdlink.qbxml import Edition, QbxmlObject, QbxmlVersion
from qbdlink.qbxml import messages as m
from qbdlink.simulator import writes
from qbdlink.simulator.company import create_company
from qbdlink.simulator.context import RequestContext
from qbdlink.simulator.kinds import KINDS
from qbdlink.simulator.rules.common import writing

D = Decimal
_RATES = {
    "US": {"State": D("8.25")},
    "CA": {"GST": D("5"), "PST": D("7")},
    "UK": {"VAT": D("20"), "Zero": D("0")},
}
START = datetime(2024, 3, 1, 17, 0, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@dataclass
class Books:
    context: RequestContext

    @classmethod
    def create(cls, edition: Edition = Edition.US) -> Books:
        store = create_company(":memory:", company_name="Books Ltd", edition=edition)
        books = cls(RequestContext(store=store, edition=edition, version=QbxmlVersion(16, 0)))
        books.context.clock = Clock()
        books._chart()
        books._tax(edition)
        books._items(edition)
        books._names(edition)
        return books

    # ---- writing ------------------------------------------------------------------------------
    def add(self, kind: str, payload: QbxmlObject) -> Any:
        with writing(payload):
            return writes.add(self.context, KINDS[kind], payload)

    def mod(self, kind: str, payload: QbxmlObject) -> Any:
        with writing(payload):
            return writes.mod(self.context, KINDS[kind], payload)

    def void(self, kind: str, txn_id: str) -> Any:
        return writes.void(self.context, kind, txn_id)

    def delete(self, kind: str, txn_id: str) -> None:
        writes.delete(self.context, (kind,), txn_id)

    def get(self, record_or_id: Any) -> Any:
        record_id = record_or_id
        if not isinstance(record_or_id, str):
            record_id = getattr(record_or_id, "txn_id", None) or record_or_id.list_id
        return writes.load(self.context, record_id)

    def account(self, name: str) -> Any:
        row = self.context.store.find_by_name("Account", name)
        assert row is not None, name
        return writes.load(self.context, row.id)

    def entity(self, name: str) -> Any:
        row = self.context.store.find_by_name("Entity", name)
        assert row is not None, name
        return writes.load(self.context, row.id)

    # ---- the books ---------------------------------------------------------------------------
    def _chart(self) -> None:
        for name, account_type in (
            ("Checking", "Bank"),
            ("Petty Cash", "Bank"),
            ("Visa", "CreditCard"),
            ("Sales", "Income"),
            ("Services", "Income"),
            ("Discounts Given", "Income"),
            ("Office Supplies", "Expense"),
            ("Rent", "Expense"),
            ("Owner Equity", "Equity"),
        ):
            self.add("Account", m.AccountAdd(name=name, account_type=account_type))

    def _tax(self, edition: Edition) -> None:
        agency = {"US": "State Board", "CA": "Receiver General", "UK": "HMRC"}[edition.value]
        self.add("Vendor", m.VendorAdd(name=agency))
        vendor = m.TaxVendorRef(full_name=agency)
        rates = _RATES[edition.value]
        for name, rate in rates.items():
            self.add(
                "ItemSalesTax", m.ItemSalesTaxAdd(name=name, tax_rate=rate, tax_vendor_ref=vendor)
            )
        if edition is Edition.US:
            self.add("SalesTaxCode", m.SalesTaxCodeAdd(name="Tax", is_taxable=True))
            self.add("SalesTaxCode", m.SalesTaxCodeAdd(name="Non", is_taxable=False))
            return
        if edition is Edition.CA:
            group = m.ItemSalesTaxGroupAdd(
                name="GST+PST",
                item_sales_tax_ref=(
                    m.ItemSalesTaxRef(full_name="GST"),
                    m.ItemSalesTaxRef(full_name="PST"),
                ),
            )
            self.add("ItemSalesTaxGroup", group)
            codes = (("G", "GST", True), ("S", "GST+PST", True), ("E", None, False))
        else:
            codes = (("S", "VAT", True), ("Z", "Zero", True), ("E", None, False))
        for code, tax_item, taxable in codes:
            ref = m.ItemSalesTaxRef(full_name=tax_item) if tax_item else None
            self.add(
                "SalesTaxCode",
                m.SalesTaxCodeAdd(name=code, is_taxable=taxable, item_sales_tax_ref=ref),
            )

    def _items(self, edition: Edition) -> None:
        taxable, exempt = ("Tax", "Non") if edition is Edition.US else ("S", "E")
        if edition is Edition.CA:
            taxable, exempt = "S", "G"
        self.add(
            "ItemService",
            m.ItemServiceAdd(
                name="Consulting",
                sales_tax_code_ref=m.SalesTaxCodeRef(full_name=exempt),
                sales_or_purchase=m.SalesOrPurchase(
                    price=D("100.00"), account_ref=m.AccountRef(full_name="Services")
                ),
            ),
        )
        self.add(
            "ItemNonInventory",
            m.ItemNonInventoryAdd(
                name="Widget",
                sales_tax_code_ref=m.SalesTaxCodeRef(full_name=taxable),
                sales_and_purchase=m.SalesAndPurchase(
                    sales_price=D("25.00"),
                    income_account_ref=m.IncomeAccountRef(full_name="Sales"),
                    purchase_cost=D("10.00"),
                    expense_account_ref=m.ExpenseAccountRef(full_name="Office Supplies"),
                ),
            ),
        )
        self.add("ItemSubtotal", m.ItemSubtotalAdd(name="Subtotal"))
        self.add(
            "ItemDiscount",
            m.ItemDiscountAdd(
                name="Promo",
                discount_rate_percent=D("10"),
                account_ref=m.AccountRef(full_name="Discounts Given"),
            ),
        )
        self.add(
            "ItemGroup",
            m.ItemGroupAdd(
                name="Kit",
                item_group_line=(
                    m.ItemGroupLine(item_ref=m.ItemRef(full_name="Widget"), quantity=D("2")),
                    m.ItemGroupLine(item_ref=m.ItemRef(full_name="Consulting"), quantity=D("1")),
                ),
            ),
        )

    def _names(self, edition: Edition) -> None:
        us_tax: dict[str, Any] = {}
        if edition is Edition.US:
            us_tax = {
                "item_sales_tax_ref": m.ItemSalesTaxRef(full_name="State"),
                "sales_tax_code_ref": m.SalesTaxCodeRef(full_name="Tax"),
            }
        self.add("Customer", m.CustomerAdd(name="Acme", **us_tax))
        self.add(
            "Customer",
            m.CustomerAdd(name="Project", parent_ref=m.ParentRef(full_name="Acme"), **us_tax),
        )
        self.add("Customer", m.CustomerAdd(name="Beta", **us_tax))
        self.add("Vendor", m.VendorAdd(name="Paper Co"))


# ---- payload builders -------------------------------------------------------------------------


def line(item: str, quantity: str | None = None, **fields: Any) -> m.InvoiceLineAdd:
    return m.InvoiceLineAdd(
        item_ref=m.ItemRef(full_name=item),
        quantity=None if quantity is None else D(quantity),
        **fields,
    )


def invoice(
    customer: str, *lines: m.InvoiceLineAdd | m.InvoiceLineGroupAdd, **fields: Any
) -> m.InvoiceAdd:
    return m.InvoiceAdd(
        customer_ref=m.CustomerRef(full_name=customer), invoice_line_add=lines, **fields
    )


def applied(txn_id: str, amount: str, **fields: Any) -> m.AppliedToTxnAdd:
    return m.AppliedToTxnAdd(txn_id=txn_id, payment_amount=D(amount), **fields)


def payment(
    customer: str, total: str | None, *applications: m.AppliedToTxnAdd, **fields: Any
) -> m.ReceivePaymentAdd:
    return m.ReceivePaymentAdd(
        customer_ref=m.CustomerRef(full_name=customer),
        total_amount=None if total is None else D(total),
        applied_to_txn_add=applications,
        **fields,
    )


def expense(account: str, amount: str) -> m.ExpenseLineAdd:
    return m.ExpenseLineAdd(account_ref=m.AccountRef(full_name=account), amount=D(amount))


def bill(
    vendor: str, *expenses: m.ExpenseLineAdd, items: tuple[m.ItemLineAdd, ...] = (), **fields: Any
) -> m.BillAdd:
    return m.BillAdd(
        vendor_ref=m.VendorRef(full_name=vendor),
        expense_line_add=expenses,
        item_line_add=items,
        **fields,
    )
