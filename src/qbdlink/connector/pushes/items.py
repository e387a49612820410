"""Items (data type ``items``): ItemServiceAdd, ItemNonInventoryAdd or ItemInventoryAdd by the
record's ``type``, and the matching Mod by the current record's kind; the reverse of the read
(``streams/items.py``).

- name: Name (31 characters); ``Parent:Sub`` (the reads give a sub-item its full name) is the
  item ``Sub`` under ``Parent`` (ParentRef by full name). Required.
- code: ManufacturerPartNumber (non-inventory and inventory items; a service has none, so a
  code on a service is refused rather than dropped).
- itemStatus: Archived makes the item inactive; Active (on an update) active again.
- Service and NonInventory, from isInvoiceItem/isBillItem:
  - sold and bought, with a billItem that differs from the invoiceItem: SalesAndPurchase
    (invoiceItem: SalesDesc, SalesPrice, IncomeAccountRef; billItem: PurchaseDesc,
    PurchaseCost, ExpenseAccountRef, and in CA/UK PurchaseTaxCodeRef), both accounts required;
  - otherwise one side (the invoiceItem, else the billItem): SalesOrPurchase (Desc, Price,
    AccountRef, required), the shape QuickBooks uses for an item with one account, which the
    read gives as usable on both sides;
  - neither sold nor bought: refused.
- Inventory: invoiceItem gives SalesDesc, SalesPrice, IncomeAccountRef; billItem gives
  PurchaseDesc, PurchaseCost, AssetAccountRef (the read's billItem account); QuickBooks also
  needs a cost-of-goods-sold account, which Codat's item has no field for: the hint
  ``supplementalData.content.qbdlink.cogsAccountId`` gives it. All three are required.
- taxRateRef.id of the invoiceItem (else the billItem): the item's SalesTaxCodeRef.
- type Unknown is refused; an update cannot change an item's type (QuickBooks cannot either).
- An update sends only what the record sets, in the shape the current item has
  (SalesOrPurchaseMod or SalesAndPurchaseMod: qbXML cannot switch an item between them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from qbdlink.connector.pushes.base import PushContext, Writer, external_guid
from qbdlink.connector.pushes.common import Draft, check_request, hint, ref, split_full_name
from qbdlink.model.accounting.item import Item, ItemDetails
from qbdlink.qbxml import Edition, QbxmlObject
from qbdlink.qbxml import messages as m

__all__ = ["WRITER"]

_DETAILS = {
    "Desc": "invoiceItem.description",
    "Price": "invoiceItem.unitPrice",
    "AccountRef": "invoiceItem.accountRef.id",
}
_BOTH = {
    "SalesDesc": "invoiceItem.description",
    "SalesPrice": "invoiceItem.unitPrice",
    "IncomeAccountRef": "invoiceItem.accountRef.id",
    "PurchaseDesc": "billItem.description",
    "PurchaseCost": "billItem.unitPrice",
    "PurchaseTaxCodeRef": "billItem.taxRateRef.id",
    "ExpenseAccountRef": "billItem.accountRef.id",
}
_STOCK = {
    "SalesDesc": "invoiceItem.description",
    "SalesPrice": "invoiceItem.unitPrice",
    "IncomeAccountRef": "invoiceItem.accountRef.id",
    "PurchaseDesc": "billItem.description",
    "PurchaseCost": "billItem.unitPrice",
    "PurchaseTaxCodeRef": "billItem.taxRateRef.id",
    "AssetAccountRef": "billItem.accountRef.id",
    "COGSAccountRef": "supplementalData.content.qbdlink.cogsAccountId",
}


def _fields() -> dict[str, str]:
    fields = {
        "Name": "name",
        "ParentRef": "name",
        "IsActive": "itemStatus",
        "ManufacturerPartNumber": "code",
        "SalesTaxCodeRef": "invoiceItem.taxRateRef.id",
        **_STOCK,
    }
    for side in ("SalesOrPurchase", "SalesOrPurchaseMod"):
        fields.update({f"{side}/{qb}": c for qb, c in _DETAILS.items()})
    for side in ("SalesAndPurchase", "SalesAndPurchaseMod"):
        fields.update({f"{side}/{qb}": c for qb, c in _BOTH.items()})
    return fields


_ADDS: dict[str, tuple[type[QbxmlObject], type[QbxmlObject], str]] = {
    "Service": (m.ItemServiceAddRq, m.ItemServiceAdd, "item_service_add"),
    "NonInventory": (m.ItemNonInventoryAddRq, m.ItemNonInventoryAdd, "item_non_inventory_add"),
    "Inventory": (m.ItemInventoryAddRq, m.ItemInventoryAdd, "item_inventory_add"),
}
# The current record's kind -> (Codat type, ModRq, Mod, its field in the ModRq).
_MODS: dict[type[QbxmlObject], tuple[str, type[QbxmlObject], type[QbxmlObject], str]] = {
    m.ItemServiceRet: ("Service", m.ItemServiceModRq, m.ItemServiceMod, "item_service_mod"),
    m.ItemNonInventoryRet: (
        "NonInventory",
        m.ItemNonInventoryModRq,
        m.ItemNonInventoryMod,
        "item_non_inventory_mod",
    ),
    m.ItemInventoryRet: (
        "Inventory",
        m.ItemInventoryModRq,
        m.ItemInventoryMod,
        "item_inventory_mod",
    ),
}


def _id(details: ItemDetails | None, attr: str) -> str | None:
    found = getattr(details, attr, None) if details is not None else None
    return getattr(found, "id", None) or None


def _common(record: Item, draft: Draft, *, creating: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if creating or record.name is not None:
        full_name = draft.required_text(record.name, "name", "QuickBooks needs an item name")
        parent, name = split_full_name(full_name)
        values["name"] = name
        if parent is not None:
            values["parent_ref"] = m.ParentRef(full_name=parent)
    if record.item_status == "Archived":
        values["is_active"] = False
    elif record.item_status == "Active" and not creating:
        values["is_active"] = True
    code = draft.text(record.code, "code")
    if code is not None:
        if record.type == "Service":
            draft.problem("code", "QuickBooks service items have no part number")
        else:
            values["manufacturer_part_number"] = code
    main = record.invoice_item if record.is_invoice_item else record.bill_item
    tax_code = _id(main, "tax_rate_ref")
    if tax_code is not None:
        values["sales_tax_code_ref"] = m.SalesTaxCodeRef(list_id=tax_code)
    return values


def _purchase_tax(draft: Draft, record: Item) -> m.PurchaseTaxCodeRef | None:
    # US items have no purchase tax code (qbXML has it in CA and UK only).
    if draft.edition is Edition.US:
        return None
    return ref(m.PurchaseTaxCodeRef, _id(record.bill_item, "tax_rate_ref"))


def _two_sided(record: Item) -> bool:
    return (
        record.is_invoice_item
        and record.is_bill_item
        and record.bill_item is not None
        and record.bill_item != record.invoice_item
    )


def _text(draft: Draft, details: ItemDetails | None, path: str) -> str | None:
    return draft.text(details.description if details else None, f"{path}.description")


def _price(details: ItemDetails | None) -> Any:
    return details.unit_price if details is not None else None


def _account(draft: Draft, details: ItemDetails | None, path: str, *, required: bool) -> str | None:
    account = _id(details, "account_ref")
    if account is None and required:
        draft.problem(f"{path}.accountRef.id", "QuickBooks needs the item's account")
    return account


def _sides(record: Item, draft: Draft, *, mod: bool, both: bool) -> dict[str, Any]:
    """SalesOrPurchase or SalesAndPurchase (their Mod forms when ``mod``)."""
    if both:
        cls: Any = m.SalesAndPurchaseMod if mod else m.SalesAndPurchase
        side = cls(
            sales_desc=_text(draft, record.invoice_item, "invoiceItem"),
            sales_price=_price(record.invoice_item),
            income_account_ref=ref(
                m.IncomeAccountRef,
                _account(draft, record.invoice_item, "invoiceItem", required=not mod),
            ),
            purchase_desc=_text(draft, record.bill_item, "billItem"),
            purchase_cost=_price(record.bill_item),
            purchase_tax_code_ref=_purchase_tax(draft, record),
            expense_account_ref=ref(
                m.ExpenseAccountRef,
                _account(draft, record.bill_item, "billItem", required=not mod),
            ),
        )
        return {"sales_and_purchase_mod" if mod else "sales_and_purchase": side}
    path, details = (
        ("invoiceItem", record.invoice_item)
        if record.is_invoice_item or not record.is_bill_item
        else ("billItem", record.bill_item)
    )
    cls = m.SalesOrPurchaseMod if mod else m.SalesOrPurchase
    side = cls(
        desc=_text(draft, details, path),
        price=_price(details),
        account_ref=ref(m.AccountRef, _account(draft, details, path, required=not mod)),
    )
    return {"sales_or_purchase_mod" if mod else "sales_or_purchase": side}


def _stock(record: Item, draft: Draft, *, mod: bool) -> dict[str, Any]:
    cogs = hint(record, "cogsAccountId")
    if cogs is None and not mod:
        draft.problem(
            "supplementalData.content.qbdlink.cogsAccountId",
            "QuickBooks needs an inventory item's cost of goods sold account: give its id here",
        )
    return {
        "sales_desc": _text(draft, record.invoice_item, "invoiceItem"),
        "sales_price": _price(record.invoice_item),
        "income_account_ref": ref(
            m.IncomeAccountRef,
            _account(draft, record.invoice_item, "invoiceItem", required=not mod),
        ),
        "purchase_desc": _text(draft, record.bill_item, "billItem"),
        "purchase_cost": _price(record.bill_item),
        "purchase_tax_code_ref": _purchase_tax(draft, record),
        "cogs_account_ref": ref(m.COGSAccountRef, str(cogs) if cogs else None),
        "asset_account_ref": ref(
            m.AssetAccountRef, _account(draft, record.bill_item, "billItem", required=not mod)
        ),
    }


def add(record: BaseModel, ctx: PushContext) -> QbxmlObject:
    assert isinstance(record, Item)
    draft = Draft(ctx, "item")
    kinds = _ADDS.get(record.type)
    if kinds is None:
        draft.refuse("type", "must be Service, NonInventory or Inventory")
    if not record.is_invoice_item and not record.is_bill_item:
        draft.problem(
            "isInvoiceItem", "an item must be sold (isInvoiceItem) or bought (isBillItem)"
        )
    values = _common(record, draft, creating=True)
    if record.type == "Inventory":
        values.update(_stock(record, draft, mod=False))
    else:
        values.update(_sides(record, draft, mod=False, both=_two_sided(record)))
    request_class, body_class, attr = kinds
    body: Any = body_class
    request_maker: Any = request_class
    request: QbxmlObject = request_maker(
        **{attr: body(**values, external_guid=external_guid(ctx.idempotency_key))}
    )
    check_request(draft, request, _fields())
    return request


def mod(record: BaseModel, current: Any, ctx: PushContext) -> QbxmlObject:
    assert isinstance(record, Item)
    draft = Draft(ctx, "item")
    kinds = _MODS.get(type(current))
    if kinds is None:
        draft.refuse("type", "this QuickBooks item kind cannot be updated as an item")
    codat_type, request_class, body_class, attr = kinds
    if record.type != codat_type:
        draft.problem("type", f"is {codat_type} in QuickBooks, which cannot change an item's type")
    values = _common(record, draft, creating=False)
    if codat_type == "Inventory":
        values.update(_stock(record, draft, mod=True))
    elif record.invoice_item is not None or record.bill_item is not None:
        values.update(
            _sides(
                record,
                draft,
                mod=True,
                both=getattr(current, "sales_and_purchase", None) is not None,
            )
        )
    body: Any = body_class
    request_maker: Any = request_class
    request: QbxmlObject = request_maker(
        **{
            attr: body(
                list_id=current.list_id,
                edit_sequence=current.edit_sequence,
                **{k: v for k, v in values.items() if v is not None},
            )
        }
    )
    check_request(draft, request, _fields())
    return request


def query_by_id(record_id: str) -> QbxmlObject:
    return m.ItemQueryRq(list_id=(record_id,), owner_id=("0",))


def query_by_key(ctx: PushContext, since: datetime) -> QbxmlObject:
    return m.ItemQueryRq(active_status="All", from_modified_date=since)


WRITER = Writer(
    data_type="items", add=add, mod=mod, query_by_id=query_by_id, query_by_key=query_by_key
)
