"""The items stream: QuickBooks' item kinds as Codat items (or nothing)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from qbdlink.connector.streams import items
from qbdlink.connector.streams.base import QueryWindow
from qbdlink.model.accounting.item import Item
from qbdlink.qbxml import Edition, QbxmlObject
from qbdlink.qbxml import messages as m

EDITIONS = (Edition.US, Edition.UK, Edition.CA)
EVERYTHING = QueryWindow(modified_from=None, modified_to=None)


def test_quickbooks_own_inventory_item_maps(
    sample_rets: Any, make_list_context: Any, validate_record: Any
) -> None:
    (ret,) = sample_rets("item_inventory_add_rs.xml")
    dump = validate_record("items", items.map_item(ret, make_list_context(Edition.US)))
    assert dump["id"] == "8000085A-1231522945"
    assert dump["name"] == "product name here"
    assert dump["type"] == "Inventory"
    assert dump["itemStatus"] == "Active"
    assert dump["isInvoiceItem"] is True
    assert dump["isBillItem"] is True
    assert dump["invoiceItem"] == {
        "description": "your sales description here",
        "unitPrice": 85,
        "accountRef": {"id": "420000-1128987409", "name": "Sales"},
        "taxRateRef": {"id": "10000-1128983215", "name": "Tax"},
    }
    # A bill for stock debits the inventory asset account; this item has no purchase tax code.
    assert dump["billItem"] == {
        "unitPrice": 0,
        "accountRef": {"id": "A20000-1155155306", "name": "Inventory Asset"},
    }
    assert dump["sourceModifiedDate"] == "2009-01-09T17:42:25Z"


@pytest.mark.parametrize(
    ("ret", "item_type"),
    [
        (m.ItemServiceRet(list_id="1-1", name="Labor"), "Service"),
        (m.ItemInventoryRet(list_id="1-1", name="Widget"), "Inventory"),
        (m.ItemInventoryAssemblyRet(list_id="1-1", name="Kit"), "Inventory"),
        (m.ItemNonInventoryRet(list_id="1-1", name="Nails"), "NonInventory"),
        (m.ItemOtherChargeRet(list_id="1-1", name="Freight"), "NonInventory"),
        (m.ItemGroupRet(list_id="1-1", name="Bundle"), None),
        (m.ItemSubtotalRet(list_id="1-1", name="Subtotal"), None),
        (m.ItemDiscountRet(list_id="1-1", name="10% off"), None),
        (m.ItemPaymentRet(list_id="1-1", name="Deposit"), None),
        (m.ItemSalesTaxRet(list_id="1-1", name="CA State Tax"), None),
        (m.ItemSalesTaxGroupRet(list_id="1-1", name="NYC"), None),
        (m.ItemFixedAssetRet(list_id="1-1", name="Truck"), None),
    ],
)
def test_item_kinds(ret: QbxmlObject, item_type: str | None, make_list_context: Any) -> None:
    item = items.map_item(ret, make_list_context(Edition.US))
    if item_type is None:
        assert item is None
    else:
        assert isinstance(item, Item)
        assert item.type == item_type


def test_a_one_sided_item_serves_sales_and_purchases(make_list_context: Any) -> None:
    ret = m.ItemServiceRet(
        list_id="1-1",
        name="Install",
        full_name="Labor:Install",
        is_active=False,
        sales_tax_code_ref=m.SalesTaxCodeRef(list_id="S-1", full_name="S"),
        sales_or_purchase=m.SalesOrPurchase(
            desc="Installation", price=Decimal("45.00"), account_ref=m.AccountRef(list_id="A-1")
        ),
    )
    item = items.map_item(ret, make_list_context(Edition.UK))
    assert isinstance(item, Item)
    assert item.name == "Labor:Install"
    assert item.item_status == "Archived"
    assert item.is_bill_item and item.is_invoice_item
    assert item.invoice_item == item.bill_item
    assert item.invoice_item is not None
    assert item.invoice_item.unit_price == Decimal("45.00")
    assert item.invoice_item.tax_rate_ref is not None
    assert item.invoice_item.tax_rate_ref.id == "S-1"  # the code is a tax rate record


def test_a_two_sided_item_has_distinct_sides(make_list_context: Any) -> None:
    ret = m.ItemNonInventoryRet(
        list_id="1-1",
        name="Paint",
        manufacturer_part_number="PNT-5L",
        sales_tax_code_ref=m.SalesTaxCodeRef(list_id="G-1", full_name="G"),
        sales_and_purchase=m.SalesAndPurchase(
            sales_desc="Paint 5L",
            sales_price=Decimal("30"),
            income_account_ref=m.IncomeAccountRef(list_id="I-1", full_name="Sales"),
            purchase_desc="Paint (wholesale)",
            purchase_cost=Decimal("18.5"),
            purchase_tax_code_ref=m.PurchaseTaxCodeRef(list_id="Z-1", full_name="Z"),
            expense_account_ref=m.ExpenseAccountRef(list_id="E-1", full_name="Materials"),
        ),
    )
    item = items.map_item(ret, make_list_context(Edition.CA))
    assert isinstance(item, Item)
    assert item.code == "PNT-5L"
    assert item.invoice_item is not None and item.bill_item is not None
    assert (item.invoice_item.description, item.bill_item.description) == (
        "Paint 5L",
        "Paint (wholesale)",
    )
    assert item.bill_item.unit_price == Decimal("18.5")
    assert item.bill_item.account_ref is not None
    assert item.bill_item.account_ref.id == "E-1"
    assert item.bill_item.tax_rate_ref is not None
    assert item.bill_item.tax_rate_ref.id == "Z-1"


def test_deletions_cover_only_the_kinds_that_are_items() -> None:
    assert set(items.STREAM.list_del_types) == {
        "ItemService",
        "ItemInventory",
        "ItemInventoryAssembly",
        "ItemNonInventory",
        "ItemOtherCharge",
    }


@pytest.mark.parametrize("edition", EDITIONS)
def test_simulated_items_map_to_valid_unique_records(
    edition: Edition, pull_stream: Any, validate_record: Any
) -> None:
    pulled = pull_stream(items.STREAM, edition, EVERYTHING)
    mapped = [item for item in pulled if item.record is not None]
    skipped = {type(item.ret).__name__ for item in pulled if item.record is None}
    assert skipped >= {"ItemSalesTaxRet", "ItemDiscountRet", "ItemGroupRet"}
    dumps = [validate_record("items", item.record) for item in mapped]
    assert {dump["type"] for dump in dumps} == {"Service", "Inventory", "NonInventory"}
    ids = [dump["id"] for dump in dumps]
    assert len(set(ids)) == len(ids)
    assert any("taxRateRef" in dump.get("invoiceItem", {}) for dump in dumps)
