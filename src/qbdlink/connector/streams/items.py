"""Items (data type ``items``): QuickBooks' item list as Codat's ``Item``.

One ItemQuery (with an iterator, ActiveStatus All) returns every kind of item, each as its own
``*Ret``. Codat's item is something bought or sold on a line, of type Inventory, NonInventory or
Service; QuickBooks' kinds map as follows:

| qbXML record             | Codat type   | why                                                  |
|--------------------------|--------------|------------------------------------------------------|
| ItemServiceRet           | Service      |                                                      |
| ItemInventoryRet         | Inventory    |                                                      |
| ItemInventoryAssemblyRet | Inventory    | a stocked item QuickBooks builds from components     |
| ItemNonInventoryRet      | NonInventory |                                                      |
| ItemOtherChargeRet       | NonInventory | a charge (freight, fees) sold or bought, not stocked |
| ItemGroupRet             | (none)       | a shortcut that expands into its member items' lines |
| ItemSubtotalRet          | (none)       | a form line that sums the lines above it             |
| ItemDiscountRet          | (none)       | a negative amount on a sale (Codat: line discounts)  |
| ItemPaymentRet           | (none)       | a payment received on an invoice line                |
| ItemSalesTaxRet          | (none)       | a tax rate: the taxRates stream reads it             |
| ItemSalesTaxGroupRet     | (none)       | a combined tax rate: the taxRates stream reads it    |
| ItemFixedAssetRet        | (none)       | an asset register entry, not a product or service    |

The sale and purchase sides come from QuickBooks' two shapes of item:

- SalesOrPurchase (one account, one description and price, usable on sales and purchases
  alike): both sides get the same description, price and account; isInvoiceItem and isBillItem
  are true.
- SalesAndPurchase (separate sides): invoiceItem from SalesDesc, SalesPrice and
  IncomeAccountRef; billItem from PurchaseDesc, PurchaseCost and ExpenseAccountRef.
- Inventory and assemblies: invoiceItem from the sales fields and IncomeAccountRef; billItem
  from the purchase fields and AssetAccountRef (a bill for stock debits the inventory asset
  account; COGS is posted at sale).

taxRateRef: the item's sales tax code (SalesTaxCodeRef on the sale side, PurchaseTaxCodeRef on
the purchase side), which the taxRates stream reads as a tax rate in every edition (as Codat's
QuickBooks Desktop data names a line's code in its taxRateRef).

name is FullName (``Parent:Sub`` for a sub-item: unique, and what QuickBooks shows on forms);
code is the manufacturer's part number (QuickBooks' SKU field) where the kind has one.
An OtherCharge priced as a percentage (PricePercent) has no unit price in Codat.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from qbdlink.connector.streams.base import (
    MappingContext,
    QueryPart,
    QueryWindow,
    Stream,
    custom_fields,
    iso_datetime,
    not_deleted,
    record_status,
)
from qbdlink.model.accounting.item import Item, ItemDetails, ItemType
from qbdlink.model.base import AccountRef, TaxRateRef
from qbdlink.qbxml import QbxmlObject
from qbdlink.qbxml import messages as m

__all__ = ["ITEM_TYPES", "STREAM", "map_item"]

# The *Ret classes that are items in Codat's sense; every other kind maps to None.
ITEM_TYPES: dict[type[QbxmlObject], ItemType] = {
    m.ItemServiceRet: "Service",
    m.ItemInventoryRet: "Inventory",
    m.ItemInventoryAssemblyRet: "Inventory",
    m.ItemNonInventoryRet: "NonInventory",
    m.ItemOtherChargeRet: "NonInventory",
}

_SideItem = m.ItemServiceRet | m.ItemNonInventoryRet | m.ItemOtherChargeRet
_StockItem = m.ItemInventoryRet | m.ItemInventoryAssemblyRet


def build_item_query(window: QueryWindow) -> QbxmlObject:
    return m.ItemQueryRq(
        active_status="All",
        from_modified_date=window.modified_from,
        to_modified_date=window.modified_to,
        owner_id=("0",),
    )


def map_item(ret: QbxmlObject, ctx: MappingContext) -> BaseModel | None:
    item_type = ITEM_TYPES.get(type(ret))
    if item_type is None:
        return None
    invoice_item: ItemDetails | None
    bill_item: ItemDetails | None
    if isinstance(ret, m.ItemInventoryRet | m.ItemInventoryAssemblyRet):
        invoice_item, bill_item = _stock_sides(ret)
        code = ret.manufacturer_part_number
    else:
        assert isinstance(ret, m.ItemServiceRet | m.ItemNonInventoryRet | m.ItemOtherChargeRet)
        invoice_item, bill_item = _service_sides(ret)
        code = ret.manufacturer_part_number if isinstance(ret, m.ItemNonInventoryRet) else None
    return Item(
        id=ret.list_id,
        name=ret.full_name or ret.name,
        code=code or None,
        item_status=record_status(ret.is_active),
        type=item_type,
        is_bill_item=bill_item is not None,
        is_invoice_item=invoice_item is not None,
        bill_item=bill_item,
        invoice_item=invoice_item,
        modified_date=iso_datetime(ctx.synced_at),
        source_modified_date=iso_datetime(ret.time_modified),
        metadata=not_deleted(),
        supplemental_data=custom_fields(ret.data_ext_ret),
    )


def _service_sides(ret: _SideItem) -> tuple[ItemDetails | None, ItemDetails | None]:
    sales_tax = _tax_rate_ref(ret.sales_tax_code_ref)
    one_sided = ret.sales_or_purchase
    if one_sided is not None:
        details = _details(one_sided.desc, one_sided.price, one_sided.account_ref, sales_tax)
        return details, details
    both = ret.sales_and_purchase
    if both is not None:
        return (
            _details(both.sales_desc, both.sales_price, both.income_account_ref, sales_tax),
            _details(
                both.purchase_desc,
                both.purchase_cost,
                both.expense_account_ref,
                _tax_rate_ref(both.purchase_tax_code_ref),
            ),
        )
    # QuickBooks requires one of the two; an answer without either (IncludeRetElement) still
    # names an item that can go on both kinds of form.
    return ItemDetails(tax_rate_ref=sales_tax), ItemDetails(tax_rate_ref=sales_tax)


def _stock_sides(ret: _StockItem) -> tuple[ItemDetails, ItemDetails]:
    return (
        _details(
            ret.sales_desc,
            ret.sales_price,
            ret.income_account_ref,
            _tax_rate_ref(ret.sales_tax_code_ref),
        ),
        _details(
            ret.purchase_desc,
            ret.purchase_cost,
            ret.asset_account_ref,
            _tax_rate_ref(ret.purchase_tax_code_ref),
        ),
    )


def _details(
    description: str | None, price: Decimal | None, account: Any, tax_rate: TaxRateRef | None
) -> ItemDetails:
    return ItemDetails(
        description=description or None,
        unit_price=price,
        account_ref=_account_ref(account),
        tax_rate_ref=tax_rate,
    )


def _account_ref(ref: Any) -> AccountRef | None:
    if ref is None or not (ref.list_id or ref.full_name):
        return None
    return AccountRef(id=ref.list_id, name=ref.full_name)


def _tax_rate_ref(ref: Any) -> TaxRateRef | None:
    if ref is None or not (ref.list_id or ref.full_name):
        return None
    return TaxRateRef(id=ref.list_id, name=ref.full_name)


STREAM = Stream(
    data_type="items",
    parts=(QueryPart(name="items", build=build_item_query, map=map_item),),
    # Deletions of the kinds above only: a deleted discount or subtotal was never an item here.
    list_del_types=(
        "ItemService",
        "ItemInventory",
        "ItemInventoryAssembly",
        "ItemNonInventory",
        "ItemOtherCharge",
    ),
)
