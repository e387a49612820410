"""The transactions of a sample company, one business day at a time.

Sales (invoices, sales receipts, credit memos, estimates) and purchases (bills, vendor
credits, purchase orders) come first; customer payments arrive days or weeks after an invoice
and pay it fully or in part (sometimes several invoices at once); bills are paid by cheque or
credit card around their due date; payments left in Undeposited Funds are banked by deposits;
cheques, journal entries and other deposits fill in the rest. Balances are tracked in memory,
taken from the stored record when the business rules computed them.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ...qbxml import messages as m
from ...qbxml.schema import QbxmlObject
from ...qbxml.versions import Edition
from ..records import attr
from .chart import Chart
from .lists import CENT, Item, Lists, Party
from .taxes import TaxSetup
from .writer import SampleWriter

__all__ = ["WEIGHTS", "TransactionGenerator"]

# Kind -> share of the transactions (percent).
WEIGHTS: dict[str, int] = {
    "Invoice": 26,
    "ReceivePayment": 18,
    "SalesReceipt": 9,
    "CreditMemo": 3,
    "Estimate": 3,
    "Bill": 13,
    "VendorCredit": 2,
    "BillPaymentCheck": 8,
    "BillPaymentCreditCard": 2,
    "Check": 6,
    "JournalEntry": 3,
    "Deposit": 5,
    "PurchaseOrder": 2,
}
_KINDS = tuple(WEIGHTS)
_CUMULATIVE = tuple(sum(list(WEIGHTS.values())[: i + 1]) for i in range(len(WEIGHTS)))

_MEMOS = (
    "Thank you!",
    "Per quote",
    "Rush order",
    "Net of deposit",
    "Payé en totalité",
    "Follow-up visit",
    "See attached",
    "Réf. client",
    "Año nuevo promo",
    "Warranty work",
)


@dataclass
class _Open:
    txn_id: str
    party: Party
    balance: Decimal


class TransactionGenerator:
    def __init__(
        self,
        writer: SampleWriter,
        rng: random.Random,
        *,
        edition: Edition,
        chart: Chart,
        taxes: TaxSetup,
        lists: Lists,
    ) -> None:
        self.writer = writer
        self.rng = rng
        self.edition = edition
        self.chart = chart
        self.taxes = taxes
        self.lists = lists
        self.counts: dict[str, int] = dict.fromkeys(_KINDS, 0)
        self.deletable: list[tuple[str, str]] = []  # (kind, TxnID) nothing else refers to
        self._invoices: list[tuple[int, int, _Open]] = []  # heap by the day it gets paid
        self._bills: list[tuple[int, int, _Open]] = []
        self._open_by_party: dict[str, list[_Open]] = {}
        self._undeposited: list[str] = []
        self._seq = 0
        self._numbers: dict[str, int] = {}
        self._day = date(2000, 1, 1)

    # ---- the day's work -------------------------------------------------------------------
    def one(self, day: date) -> None:
        self._day = day
        kind = _KINDS[_pick(self.rng.random() * _CUMULATIVE[-1])]
        if kind == "ReceivePayment" and not self._due(self._invoices):
            kind = "Invoice"
        elif kind.startswith("BillPayment") and not self._due(self._bills):
            kind = "Bill"
        getattr(self, f"_{kind}")()
        self.counts[kind] += 1

    def _due(self, heap: list[tuple[int, int, _Open]]) -> bool:
        while heap and heap[0][2].balance <= 0:
            heapq.heappop(heap)
        return bool(heap) and heap[0][0] <= self._day.toordinal()

    def _schedule(self, heap: list[tuple[int, int, _Open]], item: _Open, days: int) -> None:
        self._seq += 1
        heapq.heappush(heap, (self._day.toordinal() + days, self._seq, item))

    def _number(self, series: str, first: int) -> str:
        value = self._numbers.get(series, first)
        self._numbers[series] = value + 1
        return str(value)

    def _add(self, kind: str, payload: QbxmlObject) -> QbxmlObject:
        return self.writer.add(kind, payload)

    # ---- lines ----------------------------------------------------------------------------
    def _line_code(self, party: Party | None, item: Item) -> str | None:
        if self.edition is Edition.CA and party is not None and item.tax_code == "G":
            return party.tax_code
        return item.tax_code

    def _sales_lines(
        self, line_class: type[Any], party: Party | None, count: int
    ) -> tuple[tuple[Any, ...], Decimal]:
        rng, lists = self.rng, self.lists
        lines: list[Any] = []
        total = Decimal("0.00")
        for _ in range(count):
            item = rng.choice(lists.sale_items)
            if item.kind == "ItemService":
                quantity = Decimal(rng.randint(2, 32)) / 2
            else:
                quantity = Decimal(rng.randint(1, 12))
            amount = (quantity * item.price).quantize(CENT)
            total += amount
            lines.append(
                line_class(
                    item_ref=m.ItemRef(full_name=item.full_name),
                    desc=item.desc,
                    quantity=quantity,
                    rate=item.price,
                    amount=amount,
                    class_ref=m.ClassRef(full_name=rng.choice(lists.classes))
                    if rng.random() < 0.1
                    else None,
                    sales_tax_code_ref=_code_ref(self._line_code(party, item)),
                )
            )
        return tuple(lines), total

    def _expense_lines(
        self, count: int, *, billable: bool
    ) -> tuple[list[m.ExpenseLineAdd], Decimal]:
        rng, us = self.rng, self.edition is Edition.US
        lines, total = [], Decimal("0.00")
        for _ in range(count):
            amount = _money(rng, 20, 2500)
            total += amount
            job = rng.choice(self.lists.customers) if billable and rng.random() < 0.2 else None
            lines.append(
                m.ExpenseLineAdd(
                    account_ref=m.AccountRef(full_name=rng.choice(self.chart.expenses)),
                    amount=amount,
                    memo=rng.choice(_MEMOS) if rng.random() < 0.2 else None,
                    customer_ref=m.CustomerRef(full_name=job.full_name) if job else None,
                    billable_status="Billable" if job else None,
                    sales_tax_code_ref=None if us else _code_ref(self.taxes.taxable_code),
                )
            )
        return lines, total

    def _item_lines(self, count: int) -> tuple[list[m.ItemLineAdd], Decimal]:
        rng, us = self.rng, self.edition is Edition.US
        lines, total = [], Decimal("0.00")
        for _ in range(count):
            item = rng.choice(self.lists.purchase_items)
            quantity = Decimal(rng.randint(1, 40))
            cost = item.cost or item.price
            amount = (quantity * cost).quantize(CENT)
            total += amount
            lines.append(
                m.ItemLineAdd(
                    item_ref=m.ItemRef(full_name=item.full_name),
                    desc=item.desc,
                    quantity=quantity,
                    cost=cost,
                    amount=amount,
                    sales_tax_code_ref=None if us else _code_ref(self.taxes.taxable_code),
                )
            )
        return lines, total

    def _memo(self) -> str | None:
        return self.rng.choice(_MEMOS) if self.rng.random() < 0.25 else None

    def _us_tax(self, party: Party) -> dict[str, Any]:
        if self.edition is not Edition.US:
            return {}
        return {
            "item_sales_tax_ref": m.ItemSalesTaxRef(full_name=party.tax_item),
            "customer_sales_tax_code_ref": m.CustomerSalesTaxCodeRef(full_name=party.tax_code),
        }

    # ---- sales ----------------------------------------------------------------------------
    def _Invoice(self) -> None:  # noqa: N802 - named after the kind
        rng, day = self.rng, self._day
        party = rng.choice(self.lists.customers)
        lines, total = self._sales_lines(m.InvoiceLineAdd, party, rng.randint(1, 5))
        if rng.random() < 0.04:  # a subtotal and a discount on it
            discount = -(total * Decimal("0.05")).quantize(CENT)
            lines += (
                m.InvoiceLineAdd(item_ref=m.ItemRef(full_name=self.lists.subtotal_item)),
                m.InvoiceLineAdd(
                    item_ref=m.ItemRef(full_name=rng.choice(self.lists.discount_items)),
                    amount=discount,
                ),
            )
            total += discount
        record = self._add(
            "Invoice",
            m.InvoiceAdd(
                customer_ref=m.CustomerRef(full_name=party.full_name),
                class_ref=m.ClassRef(full_name=rng.choice(self.lists.classes))
                if rng.random() < 0.4
                else None,
                txn_date=day,
                ref_number=self._number("invoice", 1001),
                bill_address=_address(m.BillAddress, party),
                po_number=f"PO-{rng.randrange(10**5):05d}" if rng.random() < 0.2 else None,
                terms_ref=m.TermsRef(full_name=party.terms.name),
                due_date=party.terms.due_date(day),
                memo=self._memo(),
                is_to_be_printed=rng.random() < 0.3,
                is_to_be_emailed=rng.random() < 0.5,
                invoice_line_add=lines,
                **self._us_tax(party),
            ),
        )
        balance = _decimal(attr(record, "balance_remaining"), total)
        item = _Open(attr(record, "txn_id"), party, balance)
        if rng.random() < 0.92 and balance > 0:
            self._open_by_party.setdefault(party.full_name, []).append(item)
            self._schedule(self._invoices, item, rng.randint(3, 75))
        elif rng.random() < 0.3:  # never paid, nothing refers to it
            self.deletable.append(("Invoice", item.txn_id))

    def _SalesReceipt(self) -> None:  # noqa: N802
        rng = self.rng
        party = rng.choice(self.lists.customers)
        lines, _ = self._sales_lines(m.SalesReceiptLineAdd, party, rng.randint(1, 4))
        method = rng.choice(self.lists.payment_methods)
        undeposited = rng.random() < 0.5
        record = self._add(
            "SalesReceipt",
            m.SalesReceiptAdd(
                customer_ref=m.CustomerRef(full_name=party.full_name),
                txn_date=self._day,
                ref_number=self._number("receipt", 1),
                bill_address=_address(m.BillAddress, party),
                check_number=str(rng.randint(100, 9999)) if method in ("Check", "Cheque") else None,
                payment_method_ref=m.PaymentMethodRef(full_name=method),
                memo=self._memo(),
                deposit_to_account_ref=m.DepositToAccountRef(
                    full_name=self.chart.undeposited if undeposited else self.chart.checking
                ),
                sales_receipt_line_add=lines,
                **self._us_tax(party),
            ),
        )
        if undeposited:
            self._undeposited.append(attr(record, "txn_id"))

    def _CreditMemo(self) -> None:  # noqa: N802
        rng = self.rng
        party = rng.choice(self.lists.customers)
        lines, _ = self._sales_lines(m.CreditMemoLineAdd, party, rng.randint(1, 2))
        self._add(
            "CreditMemo",
            m.CreditMemoAdd(
                customer_ref=m.CustomerRef(full_name=party.full_name),
                txn_date=self._day,
                ref_number=f"CM{self._number('credit', 101)}",
                memo=rng.choice(
                    ("Returned goods", "Damaged in transit", "Remise accordée", "Billing error")
                ),
                credit_memo_line_add=lines,
                **self._us_tax(party),
            ),
        )

    def _Estimate(self) -> None:  # noqa: N802
        rng = self.rng
        party = rng.choice(self.lists.customers)
        lines, _ = self._sales_lines(m.EstimateLineAdd, party, rng.randint(2, 6))
        record = self._add(
            "Estimate",
            m.EstimateAdd(
                customer_ref=m.CustomerRef(full_name=party.full_name),
                txn_date=self._day,
                ref_number=self._number("estimate", 1),
                bill_address=_address(m.BillAddress, party),
                terms_ref=m.TermsRef(full_name=party.terms.name),
                due_date=self._day + timedelta(days=30),
                memo=self._memo(),
                estimate_line_add=lines,
                **self._us_tax(party),
            ),
        )
        self.deletable.append(("Estimate", attr(record, "txn_id")))

    def _ReceivePayment(self) -> None:  # noqa: N802
        rng = self.rng
        first = heapq.heappop(self._invoices)[2]
        party = first.party
        targets = [first]
        if rng.random() < 0.25:  # pays other open invoices of the same customer too
            others = [o for o in self._open_by_party.get(party.full_name, ()) if o.balance > 0]
            targets += [o for o in others if o is not first][:2]
        applied: list[m.AppliedToTxnAdd] = []
        for target in targets:
            amount = target.balance
            if target is first and rng.random() < 0.2:  # a part payment
                share = Decimal(rng.randint(30, 80)) / 100
                amount = max(CENT, (target.balance * share).quantize(CENT))
            applied.append(m.AppliedToTxnAdd(txn_id=target.txn_id, payment_amount=amount))
            target.balance -= amount
            if target is first and target.balance > 0 and rng.random() < 0.7:
                self._schedule(self._invoices, target, rng.randint(20, 60))
        self._prune(party.full_name)
        total = sum((a.payment_amount or Decimal(0) for a in applied), Decimal("0.00"))
        method = rng.choice(self.lists.payment_methods)
        undeposited = rng.random() < 0.6
        record = self._add(
            "ReceivePayment",
            m.ReceivePaymentAdd(
                customer_ref=m.CustomerRef(full_name=party.full_name),
                txn_date=self._day,
                ref_number=str(rng.randint(1000, 99999)) if method in ("Check", "Cheque") else None,
                total_amount=total,
                payment_method_ref=m.PaymentMethodRef(full_name=method),
                memo=self._memo(),
                deposit_to_account_ref=m.DepositToAccountRef(
                    full_name=self.chart.undeposited if undeposited else self.chart.checking
                ),
                applied_to_txn_add=tuple(applied),
            ),
        )
        if undeposited:
            self._undeposited.append(attr(record, "txn_id"))

    def _prune(self, name: str) -> None:
        still_open = [o for o in self._open_by_party.get(name, ()) if o.balance > 0]
        if still_open:
            self._open_by_party[name] = still_open
        else:
            self._open_by_party.pop(name, None)

    # ---- purchases ------------------------------------------------------------------------
    def _Bill(self) -> None:  # noqa: N802
        rng, day = self.rng, self._day
        vendor = rng.choice(self.lists.vendors)
        expenses, total = self._expense_lines(rng.randint(1, 3), billable=True)
        items: list[m.ItemLineAdd] = []
        if rng.random() < 0.3:
            items, item_total = self._item_lines(rng.randint(1, 3))
            total += item_total
        due = vendor.terms.due_date(day)
        record = self._add(
            "Bill",
            m.BillAdd(
                vendor_ref=m.VendorRef(full_name=vendor.full_name),
                txn_date=day,
                due_date=due,
                ref_number=f"INV-{rng.randrange(10**6):06d}",
                terms_ref=m.TermsRef(full_name=vendor.terms.name),
                memo=self._memo(),
                expense_line_add=tuple(expenses),
                item_line_add=tuple(items),
            ),
        )
        balance = _decimal(attr(record, "open_amount"), total)
        if balance > 0 and rng.random() < 0.95:
            days = max(1, (due - day).days + rng.randint(-5, 10))
            self._schedule(self._bills, _Open(attr(record, "txn_id"), vendor, balance), days)

    def _VendorCredit(self) -> None:  # noqa: N802
        rng = self.rng
        vendor = rng.choice(self.lists.vendors)
        expenses, _ = self._expense_lines(1, billable=False)
        self._add(
            "VendorCredit",
            m.VendorCreditAdd(
                vendor_ref=m.VendorRef(full_name=vendor.full_name),
                txn_date=self._day,
                ref_number=f"CR-{rng.randrange(10**5):05d}",
                memo="Credit for returned materials",
                expense_line_add=tuple(expenses),
            ),
        )

    def _PurchaseOrder(self) -> None:  # noqa: N802
        rng = self.rng
        vendor = rng.choice(self.lists.vendors)
        lines = []
        for _ in range(rng.randint(1, 4)):
            item = rng.choice(self.lists.inventory_items)
            quantity = Decimal(rng.randint(5, 100))
            cost = item.cost or item.price
            lines.append(
                m.PurchaseOrderLineAdd(
                    item_ref=m.ItemRef(full_name=item.full_name),
                    desc=item.desc,
                    quantity=quantity,
                    rate=cost,
                    amount=(quantity * cost).quantize(CENT),
                )
            )
        record = self._add(
            "PurchaseOrder",
            m.PurchaseOrderAdd(
                vendor_ref=m.VendorRef(full_name=vendor.full_name),
                txn_date=self._day,
                ref_number=self._number("po", 5001),
                expected_date=self._day + timedelta(days=14),
                memo=self._memo(),
                purchase_order_line_add=tuple(lines),
            ),
        )
        self.deletable.append(("PurchaseOrder", attr(record, "txn_id")))

    def _pay_bills(self) -> tuple[Party, tuple[m.AppliedToTxnAdd, ...]]:
        rng = self.rng
        bill = heapq.heappop(self._bills)[2]
        amount = bill.balance
        if rng.random() < 0.15:
            amount = max(CENT, (bill.balance * Decimal(rng.randint(25, 75)) / 100).quantize(CENT))
        bill.balance -= amount
        if bill.balance > 0:
            self._schedule(self._bills, bill, rng.randint(14, 45))
        return bill.party, (m.AppliedToTxnAdd(txn_id=bill.txn_id, payment_amount=amount),)

    def _BillPaymentCheck(self) -> None:  # noqa: N802
        vendor, applied = self._pay_bills()
        self._add(
            "BillPaymentCheck",
            m.BillPaymentCheckAdd(
                payee_entity_ref=m.PayeeEntityRef(full_name=vendor.full_name),
                txn_date=self._day,
                bank_account_ref=m.BankAccountRef(full_name=self.chart.checking),
                ref_number=self._number("check", 1001),
                memo=self._memo(),
                applied_to_txn_add=applied,
            ),
        )

    def _BillPaymentCreditCard(self) -> None:  # noqa: N802
        vendor, applied = self._pay_bills()
        self._add(
            "BillPaymentCreditCard",
            m.BillPaymentCreditCardAdd(
                payee_entity_ref=m.PayeeEntityRef(full_name=vendor.full_name),
                txn_date=self._day,
                credit_card_account_ref=m.CreditCardAccountRef(full_name=self.chart.credit_card),
                memo=self._memo(),
                applied_to_txn_add=applied,
            ),
        )

    # ---- banking and the general ledger ----------------------------------------------------
    def _Check(self) -> None:  # noqa: N802
        rng, lists = self.rng, self.lists
        roll = rng.random()
        payee: m.PayeeEntityRef | None = None
        if roll < 0.75:
            payee = m.PayeeEntityRef(full_name=rng.choice(lists.vendors).full_name)
        elif roll < 0.9:
            payee = m.PayeeEntityRef(list_id=rng.choice(lists.employees))
        expenses, _ = self._expense_lines(rng.randint(1, 3), billable=True)
        items = self._item_lines(1)[0] if rng.random() < 0.15 else []
        record = self._add(
            "Check",
            m.CheckAdd(
                account_ref=m.AccountRef(full_name=self.chart.checking),
                payee_entity_ref=payee,
                ref_number=self._number("check", 1001),
                txn_date=self._day,
                memo=self._memo(),
                expense_line_add=tuple(expenses),
                item_line_add=tuple(items),
            ),
        )
        if rng.random() < 0.2:
            self.deletable.append(("Check", attr(record, "txn_id")))

    def _JournalEntry(self) -> None:  # noqa: N802
        rng, chart = self.rng, self.chart
        amount = _money(rng, 50, 5000)
        debit, credit, label = rng.choice(
            (
                (
                    chart.depreciation_expense,
                    chart.accumulated_depreciation,
                    "Monthly depreciation",
                ),
                (chart.savings, chart.checking, "Transfer to savings"),
                (chart.wages, chart.payroll_liabilities, "Payroll accrual"),
                (chart.expenses[3], "Prepaid Expenses", "Insurance prepayment used"),
            )
        )
        employee = (
            m.EntityRef(list_id=rng.choice(self.lists.employees))
            if label == "Payroll accrual" and rng.random() < 0.5
            else None
        )
        lines: list[m.JournalDebitLine | m.JournalCreditLine] = [
            m.JournalDebitLine(
                account_ref=m.AccountRef(full_name=debit),
                amount=amount,
                memo=label,
                entity_ref=employee,
            ),
        ]
        if rng.random() < 0.3:  # split the credit in two
            half = (amount / 2).quantize(CENT)
            lines += [
                m.JournalCreditLine(
                    account_ref=m.AccountRef(full_name=credit), amount=half, memo=label
                ),
                m.JournalCreditLine(
                    account_ref=m.AccountRef(full_name=credit), amount=amount - half, memo=label
                ),
            ]
        else:
            lines.append(
                m.JournalCreditLine(
                    account_ref=m.AccountRef(full_name=credit), amount=amount, memo=label
                )
            )
        record = self._add(
            "JournalEntry",
            m.JournalEntryAdd(
                txn_date=self._day,
                ref_number=self._number("journal", 1),
                is_adjustment=rng.random() < 0.2,
                journal_debit_line=tuple(lines),
            ),
        )
        self.deletable.append(("JournalEntry", attr(record, "txn_id")))

    def _Deposit(self) -> None:  # noqa: N802
        rng, chart = self.rng, self.chart
        take = rng.randint(1, 12)
        banked, self._undeposited = self._undeposited[:take], self._undeposited[take:]
        lines = [m.DepositLineAdd(payment_txn_id=txn_id) for txn_id in banked]
        if not lines or rng.random() < 0.1:
            account = rng.choice((chart.other_income, chart.owner_equity))
            lines.append(
                m.DepositLineAdd(
                    account_ref=m.AccountRef(full_name=account),
                    amount=_money(rng, 5, 3000),
                    memo="Interest" if account == chart.other_income else "Owner contribution",
                )
            )
        self._add(
            "Deposit",
            m.DepositAdd(
                txn_date=self._day,
                deposit_to_account_ref=m.DepositToAccountRef(full_name=chart.checking),
                memo=self._memo(),
                deposit_line_add=tuple(lines),
            ),
        )


def _pick(value: float) -> int:
    for index, bound in enumerate(_CUMULATIVE):
        if value < bound:
            return index
    return len(_CUMULATIVE) - 1


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return (Decimal(rng.randint(low * 100, high * 100)) * CENT).quantize(CENT)


def _decimal(value: object, default: Decimal) -> Decimal:
    return value if isinstance(value, Decimal) else default


def _code_ref(code: str | None) -> m.SalesTaxCodeRef | None:
    return m.SalesTaxCodeRef(full_name=code) if code else None


def _address(cls: type[m.BillAddress], party: Party) -> m.BillAddress:
    a = party.address
    return cls(
        addr1=party.full_name.split(":")[0][:41],
        addr2=a.line1,
        addr3=a.line2,
        city=a.city,
        state=a.region,
        postal_code=a.postal_code,
        country=a.country,
    )
