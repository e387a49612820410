"""Double-entry postings: what each transaction debits and credits, and the trial balance.

QuickBooks keeps every transaction as a balanced set of postings behind the forms it shows.
``postings`` reads a stored ``*Ret`` record and says which accounts it debits (positive) and
credits (negative); the amounts of one transaction always sum to zero, so the trial balance of
the whole company (``trial_balance``) nets to zero. Source: QuickBooks' standard postings
(Intuit's "Accounting 101" for QuickBooks Desktop):

- Invoice: debit A/R (subtotal + tax); credit each line's item income account; credit the
  sales tax liability. CreditMemo: the same, reversed. SalesReceipt: debit the deposit account
  (Undeposited Funds by default) instead of A/R.
- ReceivePayment: debit the deposit account, credit A/R (total); an early-payment discount
  debits its discount account and credits A/R.
- Bill: credit A/P (amount due); debit each expense line's account and each item line's
  purchase account (expense, or the inventory asset account). VendorCredit: reversed.
- BillPaymentCheck / BillPaymentCreditCard: debit A/P, credit the bank / credit-card account.
- Check: credit the bank account, debit the lines. Deposit: debit the deposit account (and the
  cash-back account), credit each line's account (Undeposited Funds for deposited payments).
- JournalEntry: its debit and credit lines as written.
- Estimate and PurchaseOrder post nothing (non-posting transactions).

Approximations (FIDELITY.md): inventory items post no cost of goods sold and no inventory
movement on sale; all sales tax goes to one liability account per company (US "Sales Tax
Payable", CA "GST/HST Payable", UK "VAT Liability"), not to each tax agency's own account;
purchase tax (CA/UK input tax) is not posted; opening balances given on AccountAdd or
CustomerAdd post nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from ..qbxml import messages as m
from ..qbxml.decode import decode_element
from ..qbxml.schema import QbxmlObject
from .kinds import ITEM_KINDS, KINDS
from .store import CompanyStore, RecordFilter

__all__ = [
    "POSTING_KINDS",
    "SPECIAL_ACCOUNTS",
    "Chart",
    "ItemAccounts",
    "MissingAccountError",
    "Posting",
    "find_special_account",
    "item_accounts",
    "postings",
    "special_account_spec",
    "store_chart",
    "trial_balance",
]

ZERO = Decimal("0.00")

POSTING_KINDS = (
    "Invoice",
    "CreditMemo",
    "SalesReceipt",
    "ReceivePayment",
    "Bill",
    "VendorCredit",
    "BillPaymentCheck",
    "BillPaymentCreditCard",
    "Check",
    "Deposit",
    "JournalEntry",
)

# key -> (account name, account type); the name of the sales tax account depends on the edition
SPECIAL_ACCOUNTS: dict[str, tuple[str, str]] = {
    "ar": ("Accounts Receivable", "AccountsReceivable"),
    "ap": ("Accounts Payable", "AccountsPayable"),
    "undeposited": ("Undeposited Funds", "OtherCurrentAsset"),
    "sales_tax": ("Sales Tax Payable", "OtherCurrentLiability"),
}
_TAX_ACCOUNT_NAMES = {"US": "Sales Tax Payable", "CA": "GST/HST Payable", "UK": "VAT Liability"}


def special_account_spec(key: str, edition: str) -> tuple[str, str]:
    """The (name, account type) of a special account for a company of ``edition``."""
    name, account_type = SPECIAL_ACCOUNTS[key]
    if key == "sales_tax":
        name = _TAX_ACCOUNT_NAMES.get(edition, name)
    return name, account_type


class MissingAccountError(Exception):
    """A posting needs an account the company file does not have."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


@dataclass(frozen=True, slots=True)
class Posting:
    account_id: str
    amount: Decimal  # debit positive, credit negative


@dataclass(frozen=True, slots=True)
class ItemAccounts:
    name: str
    sales: str | None  # credited when the item is sold
    purchase: str | None  # debited when the item is bought
    posts: bool = True  # a Subtotal item is arithmetic only
    fallback: str | None = None  # special account used when ``sales`` is empty


@dataclass(frozen=True)
class Chart:
    """What ``postings`` needs to know about the company: item accounts, special accounts."""

    item: Callable[[str], ItemAccounts]  # item ListID -> its accounts
    special: Callable[[str], str]  # SPECIAL_ACCOUNTS key -> account ListID


def _ref_id(ref: QbxmlObject | None) -> str | None:
    return None if ref is None else getattr(ref, "list_id", None)


def item_accounts(item: QbxmlObject) -> ItemAccounts:
    """The accounts an item posts to (pure: reads the item record only)."""
    name = str(getattr(item, "full_name", None) or getattr(item, "name", None) or "")
    if isinstance(item, m.ItemSubtotalRet | m.ItemGroupRet):
        return ItemAccounts(name, None, None, posts=False)
    if isinstance(item, m.ItemSalesTaxRet | m.ItemSalesTaxGroupRet):
        return ItemAccounts(name, None, None, fallback="sales_tax")
    if isinstance(item, m.ItemPaymentRet):
        return ItemAccounts(
            name, _ref_id(item.deposit_to_account_ref), None, fallback="undeposited"
        )
    if isinstance(item, m.ItemDiscountRet):
        account = _ref_id(item.account_ref)
        return ItemAccounts(name, account, account)
    if isinstance(item, m.ItemInventoryRet | m.ItemInventoryAssemblyRet):
        return ItemAccounts(name, _ref_id(item.income_account_ref), _ref_id(item.asset_account_ref))
    one = getattr(item, "sales_or_purchase", None)
    if one is not None:
        account = _ref_id(one.account_ref)
        return ItemAccounts(name, account, account)
    both = getattr(item, "sales_and_purchase", None)
    if both is not None:
        return ItemAccounts(
            name, _ref_id(both.income_account_ref), _ref_id(both.expense_account_ref)
        )
    return ItemAccounts(name, None, None)


def sales_account(chart: Chart, item_id: str) -> str | None:
    """The account a sale of the item credits; None for an item that posts nothing."""
    accounts = chart.item(item_id)
    if not accounts.posts:
        return None
    if accounts.sales:
        return accounts.sales
    if accounts.fallback:
        return chart.special(accounts.fallback)
    raise MissingAccountError(f'the item "{accounts.name}" has no income account')


def purchase_account(chart: Chart, item_id: str) -> str | None:
    accounts = chart.item(item_id)
    if not accounts.posts:
        return None
    if accounts.purchase:
        return accounts.purchase
    raise MissingAccountError(f'the item "{accounts.name}" has no expense account')


def _amount(value: Decimal | None) -> Decimal:
    return ZERO if value is None else value


def group_components(line: QbxmlObject) -> tuple[QbxmlObject, ...] | None:
    """The component lines of a group line (None for a plain line)."""
    if not (type(line).__name__.endswith("GroupRet") or isinstance(line, m.ItemGroupLineRet)):
        return None
    for spec in line._spec.fields:
        if spec.repeated and spec.attr.endswith("line_ret"):
            return tuple(getattr(line, spec.attr))
    return ()


def flat_lines(lines: Iterable[QbxmlObject]) -> Iterator[QbxmlObject]:
    """Lines with each group replaced by its component lines."""
    for line in lines:
        components = group_components(line)
        yield from (line,) if components is None else components


def _sale(
    chart: Chart, lines: Iterable[QbxmlObject], tax: Decimal | None, sign: int
) -> tuple[list[Posting], Decimal]:
    """Credits (sign +1) or debits (sign -1) for sales lines and tax; returns them and total."""
    out: list[Posting] = []
    total = ZERO
    for line in flat_lines(lines):
        amount = _amount(getattr(line, "amount", None))
        item = _ref_id(getattr(line, "item_ref", None))
        if not amount or item is None:
            continue
        account = sales_account(chart, item)
        if account is None:
            continue
        out.append(Posting(account, -sign * amount))
        total += amount
    if tax:
        out.append(Posting(chart.special("sales_tax"), -sign * tax))
        total += tax
    return out, total


def _purchase(chart: Chart, record: QbxmlObject, sign: int) -> tuple[list[Posting], Decimal]:
    """Debits (sign +1) or credits (sign -1) for expense and item lines; returns them and total."""
    out: list[Posting] = []
    total = ZERO
    for line in getattr(record, "expense_line_ret", ()):
        amount = _amount(line.amount)
        account = _ref_id(line.account_ref)
        if amount and account:
            out.append(Posting(account, sign * amount))
            total += amount
    for line in flat_lines(getattr(record, "item_line_ret", ())):
        amount = _amount(getattr(line, "amount", None))
        item = _ref_id(getattr(line, "item_ref", None))
        if not amount or item is None:
            continue
        account = purchase_account(chart, item)
        if account is not None:
            out.append(Posting(account, sign * amount))
            total += amount
    return out, total


def _or_special(chart: Chart, ref: QbxmlObject | None, key: str) -> str:
    return _ref_id(ref) or chart.special(key)


def _invoice(record: QbxmlObject, chart: Chart, sign: int) -> list[Posting]:
    lines = record.invoice_line_ret if sign > 0 else record.credit_memo_line_ret  # type: ignore[attr-defined]
    out, total = _sale(chart, lines, record.sales_tax_total, sign)  # type: ignore[attr-defined]
    ar = _or_special(chart, record.ar_account_ref, "ar")  # type: ignore[attr-defined]
    return [*out, Posting(ar, sign * total)] if total else out


def _sales_receipt(record: m.SalesReceiptRet, chart: Chart) -> list[Posting]:
    out, total = _sale(chart, record.sales_receipt_line_ret, record.sales_tax_total, 1)
    account = _or_special(chart, record.deposit_to_account_ref, "undeposited")
    return [*out, Posting(account, total)] if total else out


def _receive_payment(record: m.ReceivePaymentRet, chart: Chart) -> list[Posting]:
    total = _amount(record.total_amount)
    ar = _or_special(chart, record.ar_account_ref, "ar")
    out = [
        Posting(_or_special(chart, record.deposit_to_account_ref, "undeposited"), total),
        Posting(ar, -total),
    ]
    for applied in record.applied_to_txn_ret:
        discount = _amount(applied.discount_amount)
        account = _ref_id(applied.discount_account_ref)
        if discount and account:
            out += [Posting(account, discount), Posting(ar, -discount)]
    return [posting for posting in out if posting.amount]


def _bill(record: QbxmlObject, chart: Chart, sign: int) -> list[Posting]:
    out, total = _purchase(chart, record, sign)
    ap = _or_special(chart, getattr(record, "ap_account_ref", None), "ap")
    return [*out, Posting(ap, -sign * total)] if total else out


def _bill_payment(record: QbxmlObject, chart: Chart, paid_from: str) -> list[Posting]:
    amount = _amount(getattr(record, "amount", None))
    if not amount:
        return []
    source = _ref_id(getattr(record, paid_from))
    if source is None:
        raise MissingAccountError("the bill payment has no bank or credit card account")
    ap = _or_special(chart, getattr(record, "ap_account_ref", None), "ap")
    return [Posting(ap, amount), Posting(source, -amount)]


def _check(record: m.CheckRet, chart: Chart) -> list[Posting]:
    out, total = _purchase(chart, record, 1)
    bank = _ref_id(record.account_ref)
    if not total:
        return out
    if bank is None:
        raise MissingAccountError("the check has no bank account")
    return [*out, Posting(bank, -total)]


def _deposit(record: m.DepositRet, chart: Chart) -> list[Posting]:
    out: list[Posting] = []
    total = ZERO
    for line in record.deposit_line_ret:
        amount = _amount(line.amount)
        if not amount:
            continue
        source = _ref_id(line.account_ref) or chart.special("undeposited")
        out.append(Posting(source, -amount))
        total += amount
    cash_back = record.cash_back_info_ret
    back = _amount(cash_back.amount) if cash_back is not None else ZERO
    if back and cash_back is not None:
        out.append(Posting(str(_ref_id(cash_back.account_ref)), back))
    if total - back:
        bank = _ref_id(record.deposit_to_account_ref)
        if bank is None:
            raise MissingAccountError("the deposit has no deposit account")
        out.append(Posting(bank, total - back))
    return out


def _journal(record: m.JournalEntryRet) -> list[Posting]:
    out: list[Posting] = []
    for line in record.journal_debit_line:
        amount = _amount(line.amount)
        account = _ref_id(line.account_ref)
        if not amount or account is None:
            continue
        out.append(Posting(account, amount if isinstance(line, m.JournalDebitLine) else -amount))
    return out


def postings(record: QbxmlObject, chart: Chart) -> list[Posting]:
    """What ``record`` debits (positive) and credits (negative); [] for non-posting records."""
    if isinstance(record, m.InvoiceRet):
        return _invoice(record, chart, 1)
    if isinstance(record, m.CreditMemoRet):
        return _invoice(record, chart, -1)
    if isinstance(record, m.SalesReceiptRet):
        return _sales_receipt(record, chart)
    if isinstance(record, m.ReceivePaymentRet):
        return _receive_payment(record, chart)
    if isinstance(record, m.BillRet):
        return _bill(record, chart, 1)
    if isinstance(record, m.VendorCreditRet):
        return _bill(record, chart, -1)
    if isinstance(record, m.BillPaymentCheckRet):
        return _bill_payment(record, chart, "bank_account_ref")
    if isinstance(record, m.BillPaymentCreditCardRet):
        return _bill_payment(record, chart, "credit_card_account_ref")
    if isinstance(record, m.CheckRet):
        return _check(record, chart)
    if isinstance(record, m.DepositRet):
        return _deposit(record, chart)
    if isinstance(record, m.JournalEntryRet):
        return _journal(record)
    return []


# ---- the company file's chart -------------------------------------------------------------


def find_special_account(store: CompanyStore, key: str) -> str | None:
    """The ListID of a special account (A/R, A/P, Undeposited Funds, sales tax), if any."""
    name, account_type = special_account_spec(key, store.get_meta("edition") or "US")
    named = store.find_by_name("Account", name)
    if named is not None:
        return named.id
    if key not in ("ar", "ap"):
        return None
    for row in store.select(RecordFilter(kinds=("Account",))):
        account = decode_element(row.body, m.AccountRet)
        if isinstance(account, m.AccountRet) and account.account_type == account_type:
            return row.id
    return None


def store_chart(store: CompanyStore) -> Chart:
    """A chart reading items and special accounts from ``store`` (each looked up once)."""
    items: dict[str, ItemAccounts] = {}
    specials: dict[str, str] = {}

    def item(item_id: str) -> ItemAccounts:
        if item_id not in items:
            row = store.get(item_id, ITEM_KINDS)
            if row is None:
                raise MissingAccountError(f'the item "{item_id}" does not exist')
            items[item_id] = item_accounts(decode_element(row.body, KINDS[row.kind].ret))
        return items[item_id]

    def special(key: str) -> str:
        if key not in specials:
            found = find_special_account(store, key)
            if found is None:
                raise MissingAccountError(f'there is no "{SPECIAL_ACCOUNTS[key][0]}" account')
            specials[key] = found
        return specials[key]

    return Chart(item, special)


def trial_balance(store: CompanyStore) -> dict[str, Decimal]:
    """Account ListID -> net postings (debit positive) over every transaction in ``store``."""
    chart = store_chart(store)
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for kind, body in store.all_bodies(POSTING_KINDS):
        for posting in postings(decode_element(body, KINDS[kind].ret), chart):
            totals[posting.account_id] += posting.amount
    return dict(totals)
