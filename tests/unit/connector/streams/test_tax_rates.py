"""The tax rates stream: sales tax items, groups and (UK, CA) sales tax codes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from qbdlink.connector.streams import tax_rates
from qbdlink.connector.streams.base import QueryWindow
from qbdlink.model.accounting.tax_rate import TaxRate
from qbdlink.qbxml import Edition
from qbdlink.qbxml import messages as m

EDITIONS = (Edition.US, Edition.UK, Edition.CA)
EVERYTHING = QueryWindow(modified_from=None, modified_to=None)


def test_a_sales_tax_item_is_a_one_component_rate(
    make_list_context: Any, validate_record: Any
) -> None:
    ret = m.ItemSalesTaxRet(list_id="1-1", name="CA State Tax", tax_rate=Decimal("7.25"))
    dump = validate_record("taxRates", tax_rates.map_sales_tax_item(ret, make_list_context()))
    assert dump["effectiveTaxRate"] == 7.25
    assert dump["totalTaxRate"] == 7.25
    assert dump["components"] == [{"name": "CA State Tax", "rate": 7.25, "isCompound": False}]
    assert dump["status"] == "Active"


def test_a_group_names_its_members(make_list_context: Any, validate_record: Any) -> None:
    ret = m.ItemSalesTaxGroupRet(
        list_id="2-2",
        name="NYC Combined",
        is_active=False,
        item_sales_tax_ref=(
            m.ItemSalesTaxRef(list_id="a", full_name="NY State Tax"),
            m.ItemSalesTaxRef(list_id="b", full_name="NYC Sales Tax"),
        ),
    )
    dump = validate_record("taxRates", tax_rates.map_sales_tax_group(ret, make_list_context()))
    assert [component["name"] for component in dump["components"]] == [
        "NY State Tax",
        "NYC Sales Tax",
    ]
    assert dump["status"] == "Archived"
    assert "effectiveTaxRate" not in dump


def test_sales_tax_codes_are_rates(make_list_context: Any) -> None:
    standard = m.SalesTaxCodeRet(
        list_id="3-3",
        name="S",
        desc="Standard 20%",
        is_taxable=True,
        item_sales_tax_ref=m.ItemSalesTaxRef(full_name="VAT Standard"),
        item_purchase_tax_ref=m.ItemPurchaseTaxRef(full_name="VAT Standard"),
    )
    exempt = m.SalesTaxCodeRet(list_id="4-4", name="E", desc="Exempt", is_taxable=False)
    us_taxable = tax_rates.map_sales_tax_code(
        m.SalesTaxCodeRet(list_id="5-5", name="Tax", desc="Taxable Sales", is_taxable=True),
        make_list_context(Edition.US),
    )
    assert isinstance(us_taxable, TaxRate)
    # As Codat's QuickBooks Desktop data names it; the rate depends on the customer's tax item.
    assert (us_taxable.name, us_taxable.code, us_taxable.effective_tax_rate) == (
        "Taxable Sales",
        "Tax",
        None,
    )
    rate = tax_rates.map_sales_tax_code(standard, make_list_context(Edition.UK))
    assert isinstance(rate, TaxRate)
    assert (rate.name, rate.code) == ("Standard 20%", "S")
    assert [component.name for component in rate.components or []] == ["VAT Standard"]
    zero = tax_rates.map_sales_tax_code(exempt, make_list_context(Edition.CA))
    assert isinstance(zero, TaxRate)
    assert zero.effective_tax_rate == Decimal(0)
    assert zero.components is None


def test_parts_and_deletions() -> None:
    assert [part.iterator for part in tax_rates.STREAM.parts] == [True, True, False]
    assert tax_rates.STREAM.list_del_types == ("ItemSalesTax", "ItemSalesTaxGroup", "SalesTaxCode")


@pytest.mark.parametrize("edition", EDITIONS)
def test_simulated_tax_set_ups_map_to_valid_unique_rates(
    edition: Edition, pull_stream: Any, validate_record: Any
) -> None:
    pulled = pull_stream(tax_rates.STREAM, edition, EVERYTHING)
    dumps = [validate_record("taxRates", item.record) for item in pulled if item.record]
    ids = [dump["id"] for dump in dumps]
    assert len(set(ids)) == len(ids)
    codes = [item for item in pulled if isinstance(item.ret, m.SalesTaxCodeRet)]
    assert codes
    assert all(item.record is not None for item in codes)
    expected_rate = {Edition.US: 7.25, Edition.UK: 20, Edition.CA: 9.975}[edition]
    assert expected_rate in {dump.get("effectiveTaxRate") for dump in dumps}
