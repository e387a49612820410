"""The kinds of record a company file holds, and what a reference to each may point at.

One row per QuickBooks list or transaction type the simulator serves: its ``*Ret`` class, its
Add / Mod payload classes, whether it is a list (ListID, names) or a transaction (TxnID), and
the name group in which its names must be unique (Customer, Vendor, Employee and OtherName
share one, which is QuickBooks' status 3100).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..qbxml import messages as m
from ..qbxml.schema import QbxmlObject

__all__ = ["ITEM_KINDS", "KINDS", "REF_TARGETS", "Kind", "kind_of_ret"]


@dataclass(frozen=True)
class Kind:
    name: str  # QuickBooks' name: "Customer", "ItemService", "Invoice"
    ret: type[QbxmlObject]
    add: type[QbxmlObject] | None
    mod: type[QbxmlObject] | None
    is_list: bool
    name_group: str | None = None  # lists whose names must be unique together

    @property
    def ret_tag(self) -> str:
        return f"{self.name}Ret"


def _list(name: str, group: str | None, *, mod: bool = True) -> Kind:
    ns = vars(m)
    return Kind(
        name,
        ns[f"{name}Ret"],
        ns.get(f"{name}Add"),
        ns.get(f"{name}Mod") if mod else None,
        True,
        group,
    )


def _txn(name: str, *, mod: bool = True) -> Kind:
    ns = vars(m)
    return Kind(
        name, ns[f"{name}Ret"], ns[f"{name}Add"], ns.get(f"{name}Mod") if mod else None, False
    )


ITEM_KINDS = (
    "ItemService",
    "ItemNonInventory",
    "ItemOtherCharge",
    "ItemInventory",
    "ItemInventoryAssembly",
    "ItemDiscount",
    "ItemSubtotal",
    "ItemPayment",
    "ItemSalesTax",
    "ItemSalesTaxGroup",
    "ItemGroup",
)

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        _list("Account", "Account"),
        _list("Customer", "Entity"),
        _list("Vendor", "Entity"),
        _list("Employee", "Entity"),
        _list("Class", "Class"),
        _list("StandardTerms", "Terms", mod=False),
        _list("DateDrivenTerms", "Terms", mod=False),
        _list("SalesTaxCode", "SalesTaxCode"),
        _list("PaymentMethod", "PaymentMethod", mod=False),
        *(_list(name, "Item") for name in ITEM_KINDS),
        _txn("Invoice"),
        _txn("CreditMemo"),
        _txn("SalesReceipt"),
        _txn("ReceivePayment"),
        _txn("Bill"),
        _txn("VendorCredit"),
        _txn("BillPaymentCheck"),
        _txn("BillPaymentCreditCard", mod=False),
        _txn("JournalEntry"),
        _txn("Check"),
        _txn("Deposit"),
        _txn("Estimate"),
        _txn("PurchaseOrder"),
    )
}

_ENTITIES = ("Customer", "Vendor", "Employee")
_ACCOUNT_REFS = (
    "APAccountRef",
    "ARAccountRef",
    "AccountRef",
    "AssetAccountRef",
    "BankAccountRef",
    "COGSAccountRef",
    "CreditCardAccountRef",
    "DepositToAccountRef",
    "DiscountAccountRef",
    "ExpenseAccountRef",
    "IncomeAccountRef",
    "OverrideItemAccountRef",
    "TaxOnPurchasesAccountRef",
    "TaxOnSalesAccountRef",
    "DefaultDiscountAccountRef",
    "FinanceChargeAccountRef",
)

# Reference class name -> the kinds it may point at. References to lists the simulator does
# not keep (sales reps, templates, currencies, ship methods...) are accepted as written.
REF_TARGETS: dict[str, tuple[str, ...]] = {
    **{name: ("Account",) for name in _ACCOUNT_REFS},
    "CustomerRef": ("Customer",),
    "VendorRef": ("Vendor",),
    "PrefVendorRef": ("Vendor",),
    "TaxVendorRef": ("Vendor",),
    "EntityRef": _ENTITIES,
    "PayeeEntityRef": _ENTITIES,
    "ShipToEntityRef": _ENTITIES,
    "ItemRef": ITEM_KINDS,
    "ItemInventoryRef": ("ItemInventory", "ItemInventoryAssembly"),
    "ItemGroupRef": ("ItemGroup",),
    "ItemSalesTaxRef": ("ItemSalesTax", "ItemSalesTaxGroup"),
    "DefaultItemSalesTaxRef": ("ItemSalesTax", "ItemSalesTaxGroup"),
    "ItemPurchaseTaxRef": ("ItemSalesTax", "ItemSalesTaxGroup"),
    "ClassRef": ("Class",),
    "OverrideClassRef": ("Class",),
    "DiscountClassRef": ("Class",),
    "TermsRef": ("StandardTerms", "DateDrivenTerms"),
    "SalesTaxCodeRef": ("SalesTaxCode",),
    "CustomerSalesTaxCodeRef": ("SalesTaxCode",),
    "PurchaseTaxCodeRef": ("SalesTaxCode",),
    "DefaultTaxableSalesTaxCodeRef": ("SalesTaxCode",),
    "DefaultNonTaxableSalesTaxCodeRef": ("SalesTaxCode",),
    "PaymentMethodRef": ("PaymentMethod",),
    "PreferredPaymentMethodRef": ("PaymentMethod",),
}

_BY_RET = {kind.ret: kind for kind in KINDS.values()}


def kind_of_ret(record: QbxmlObject) -> Kind:
    return _BY_RET[type(record)]
