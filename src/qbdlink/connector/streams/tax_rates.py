"""Tax rates (data type ``taxRates``): QuickBooks' sales tax items, groups and codes.

QuickBooks keeps tax in three lists, in every edition:

- sales tax items (ItemSalesTaxRet): one rate paid to one agency (a US state or city tax,
  Canadian GST, HST, PST or QST, UK VAT at a rate). Each is a tax rate with one component:
  effectiveTaxRate = totalTaxRate = TaxRate (a percentage, 7.25 for 7.25%, as Codat writes it).
- sales tax groups (ItemSalesTaxGroupRet): several items charged together (New York State and
  City; Canadian GST and PST). Each is a tax rate whose components name its member items. The
  group answer names its members but not their rates, and a mapping sees one record at a time,
  so the group's components carry no rate and the group has no effective or total rate:
  clients find the rates on the member items (same names, their own tax rate records).
- sales tax codes (SalesTaxCodeRet): what every transaction line carries, and what Codat's own
  QuickBooks Desktop data names in a line's taxRateRef (``Taxable Sales``, ``Non-Taxable
  Sales``), so codes are tax rates too, in every edition: name = Desc (else Name), code = Name.
  In QuickBooks UK and CA a code points at the item or group charged on sales (ItemSalesTaxRef)
  and on purchases (ItemPurchaseTaxRef): those become its components (again without their
  rates). A US code is only Taxable or Non-taxable (the rate comes from the customer's or the
  form's sales tax item), so a taxable US code has no rate of its own. A non-taxable code
  (Non, exempt, outside the scope) has a rate of 0.

Deletions: ItemSalesTax, ItemSalesTaxGroup and SalesTaxCode. Ids are the records' ListIDs.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel

from qbdlink.connector.streams.base import (
    MappingContext,
    QueryPart,
    QueryWindow,
    Stream,
    custom_fields,
    iso_datetime,
    non_empty,
    not_deleted,
    record_status,
)
from qbdlink.model.accounting.tax_rate import TaxRate, TaxRateComponent
from qbdlink.qbxml import QbxmlObject
from qbdlink.qbxml import messages as m

__all__ = ["STREAM", "map_sales_tax_code", "map_sales_tax_group", "map_sales_tax_item"]


def build_sales_tax_item_query(window: QueryWindow) -> QbxmlObject:
    return m.ItemSalesTaxQueryRq(
        active_status="All",
        from_modified_date=window.modified_from,
        to_modified_date=window.modified_to,
        owner_id=("0",),
    )


def build_sales_tax_group_query(window: QueryWindow) -> QbxmlObject:
    return m.ItemSalesTaxGroupQueryRq(
        active_status="All",
        from_modified_date=window.modified_from,
        to_modified_date=window.modified_to,
        owner_id=("0",),
    )


def build_sales_tax_code_query(window: QueryWindow) -> QbxmlObject:
    # No OwnerID (sales tax codes have no custom fields) and no iterator in qbXML.
    return m.SalesTaxCodeQueryRq(
        active_status="All",
        from_modified_date=window.modified_from,
        to_modified_date=window.modified_to,
    )


def map_sales_tax_item(ret: m.ItemSalesTaxRet, ctx: MappingContext) -> BaseModel | None:
    return TaxRate(
        id=ret.list_id,
        name=ret.name,
        code=ret.name,
        effective_tax_rate=ret.tax_rate,
        total_tax_rate=ret.tax_rate,
        components=[TaxRateComponent(name=ret.name, rate=ret.tax_rate, is_compound=False)],
        status=record_status(ret.is_active),
        modified_date=iso_datetime(ctx.synced_at),
        source_modified_date=iso_datetime(ret.time_modified),
        metadata=not_deleted(),
        supplemental_data=custom_fields(ret.data_ext_ret),
    )


def map_sales_tax_group(ret: m.ItemSalesTaxGroupRet, ctx: MappingContext) -> BaseModel | None:
    return TaxRate(
        id=ret.list_id,
        name=ret.name,
        code=ret.name,
        components=non_empty(
            TaxRateComponent(name=member.full_name, is_compound=False)
            for member in ret.item_sales_tax_ref
        ),
        status=record_status(ret.is_active),
        modified_date=iso_datetime(ctx.synced_at),
        source_modified_date=iso_datetime(ret.time_modified),
        metadata=not_deleted(),
        supplemental_data=custom_fields(ret.data_ext_ret),
    )


def map_sales_tax_code(ret: m.SalesTaxCodeRet, ctx: MappingContext) -> BaseModel | None:
    charged = [ref.full_name for ref in (ret.item_sales_tax_ref, ret.item_purchase_tax_ref) if ref]
    # Sales and purchases usually charge the same item: name it once.
    names = list(dict.fromkeys(name for name in charged if name))
    taxable = ret.is_taxable is not False
    zero = None if taxable else Decimal(0)
    return TaxRate(
        id=ret.list_id,
        name=ret.desc or ret.name,
        code=ret.name,
        effective_tax_rate=zero,
        total_tax_rate=zero,
        components=[TaxRateComponent(name=name, is_compound=False) for name in names] or None,
        status=record_status(ret.is_active),
        modified_date=iso_datetime(ctx.synced_at),
        source_modified_date=iso_datetime(ret.time_modified),
        metadata=not_deleted(),
    )


STREAM = Stream(
    data_type="taxRates",
    parts=(
        QueryPart(name="salesTaxItems", build=build_sales_tax_item_query, map=map_sales_tax_item),
        QueryPart(
            name="salesTaxGroups", build=build_sales_tax_group_query, map=map_sales_tax_group
        ),
        QueryPart(
            name="salesTaxCodes",
            build=build_sales_tax_code_query,
            map=map_sales_tax_code,
            iterator=False,
        ),
    ),
    list_del_types=("ItemSalesTax", "ItemSalesTaxGroup", "SalesTaxCode"),
)
