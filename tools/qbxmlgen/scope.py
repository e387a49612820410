"""Which qbXML requests qbdlink generates messages for, and the module each lives in."""

from __future__ import annotations

# module name -> request element names (each also brings its response, ``...Rq`` -> ``...Rs``)
_CRUD = ("Add", "Mod", "Query")


def _crud(prefix: str, ops: tuple[str, ...] = _CRUD) -> tuple[str, ...]:
    return tuple(f"{prefix}{op}Rq" for op in ops)


ITEM_KINDS = (
    "Service",
    "NonInventory",
    "OtherCharge",
    "Inventory",
    "InventoryAssembly",
    "Discount",
    "Subtotal",
    "Payment",
    "SalesTax",
    "SalesTaxGroup",
    "Group",
)

MODULES: dict[str, tuple[str, ...]] = {
    "host": ("HostQueryRq",),
    "company": ("CompanyQueryRq",),
    "preferences": ("PreferencesQueryRq",),
    "account": _crud("Account"),
    "customer": _crud("Customer"),
    "vendor": _crud("Vendor"),
    "employee": _crud("Employee"),
    "class_": _crud("Class"),
    "terms": (
        "StandardTermsAddRq",
        "StandardTermsQueryRq",
        "DateDrivenTermsAddRq",
        "DateDrivenTermsQueryRq",
        "TermsQueryRq",
    ),
    "sales_tax_code": _crud("SalesTaxCode"),
    "payment_method": _crud("PaymentMethod", ("Add", "Query")),
    **{
        "item_"
        + "".join(
            ("_" + c.lower()) if c.isupper() and i else c.lower() for i, c in enumerate(kind)
        ): _crud(f"Item{kind}")
        for kind in ITEM_KINDS
    },
    "item": ("ItemQueryRq",),
    "invoice": _crud("Invoice"),
    "estimate": _crud("Estimate"),
    "purchase_order": _crud("PurchaseOrder"),
    "credit_memo": _crud("CreditMemo"),
    "sales_receipt": _crud("SalesReceipt"),
    "receive_payment": _crud("ReceivePayment"),
    "bill": _crud("Bill"),
    "vendor_credit": _crud("VendorCredit"),
    "bill_payment_check": _crud("BillPaymentCheck"),
    "bill_payment_credit_card": _crud("BillPaymentCreditCard", ("Add", "Query")),
    "journal_entry": _crud("JournalEntry"),
    "check": _crud("Check"),
    "deposit": _crud("Deposit"),
    "list_del": ("ListDelRq",),
    "txn_del": ("TxnDelRq",),
    "txn_void": ("TxnVoidRq",),
    "list_deleted": ("ListDeletedQueryRq",),
    "txn_deleted": ("TxnDeletedQueryRq",),
    "data_ext_def": ("DataExtDefAddRq", "DataExtDefModRq", "DataExtDefDelRq", "DataExtDefQueryRq"),
    "data_ext": ("DataExtAddRq", "DataExtModRq", "DataExtDelRq"),
}

# Records that a query answers with: ``*Ret`` classes named after their entity belong to
# that entity's module even when another response (``ItemQueryRs``) also returns them.
RECORD_OWNERS: dict[str, str] = {}
for _module, _requests in MODULES.items():
    for _request in _requests:
        for _op in ("AddRq", "ModRq", "QueryRq", "DelRq"):
            if _request.endswith(_op):
                RECORD_OWNERS[_request[: -len(_op)] + "Ret"] = _module
