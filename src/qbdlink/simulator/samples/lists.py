"""The lists of a sample company: accounts, classes, terms, payment methods, sales tax,
vendors, items of every kind, customers with jobs, employees.

:func:`write_lists` writes them through a :class:`SampleWriter` and returns what the
transaction generator needs to refer to them (names, prices, tax codes, terms).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from ...qbxml import messages as m
from ...qbxml.versions import Edition
from ..records import attr
from .chart import Chart
from .names import Address, address, business_name, email_for, person, phone
from .taxes import TaxSetup
from .writer import SampleWriter

__all__ = ["Item", "Lists", "Party", "Sizes", "Terms", "sizes_for", "write_lists"]

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Sizes:
    customers: int
    vendors: int
    employees: int
    items: int  # per item kind that scales (service, non-inventory, inventory)
    doomed: int  # list records created to be deleted


def sizes_for(transactions: int) -> Sizes:
    return Sizes(
        customers=max(12, transactions // 20),
        vendors=max(8, transactions // 80),
        employees=max(4, min(transactions // 2000, 500)),
        items=max(5, min(transactions // 1500, 600)),
        doomed=max(2, transactions // 5000),
    )


@dataclass(frozen=True, slots=True)
class Terms:
    name: str
    due_days: int | None  # standard terms
    day_of_month: int | None = None  # date-driven terms

    def due_date(self, day: date) -> date:
        if self.due_days is not None:
            return day + timedelta(days=self.due_days)
        first_next = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
        last = ((first_next + timedelta(days=32)).replace(day=1) - timedelta(days=1)).day
        return first_next.replace(day=min(self.day_of_month or 1, last))


@dataclass(frozen=True, slots=True)
class Party:
    full_name: str
    terms: Terms
    tax_code: str | None  # the customer's sales tax code (US Tax/Non; CA by province)
    tax_item: str | None  # US: the customer's tax item
    address: Address


@dataclass(frozen=True, slots=True)
class Item:
    full_name: str
    kind: str
    price: Decimal
    cost: Decimal | None
    tax_code: str | None
    desc: str


@dataclass
class Lists:
    customers: list[Party] = field(default_factory=list)  # customers and jobs
    vendors: list[Party] = field(default_factory=list)
    employees: list[str] = field(default_factory=list)  # ListIDs
    sale_items: list[Item] = field(default_factory=list)
    purchase_items: list[Item] = field(default_factory=list)  # inventory and non-inventory
    inventory_items: list[Item] = field(default_factory=list)
    discount_items: list[str] = field(default_factory=list)
    subtotal_item: str = ""
    classes: list[str] = field(default_factory=list)
    payment_methods: list[str] = field(default_factory=list)
    terms: list[Terms] = field(default_factory=list)
    to_deactivate: list[tuple[str, str]] = field(default_factory=list)  # (kind, ListID)
    to_delete: list[tuple[str, str]] = field(default_factory=list)


_TERMS = (
    Terms("Due on receipt", 0),
    Terms("Net 15", 15),
    Terms("Net 30", 30),
    Terms("Net 60", 60),
    Terms("1% 10 Net 30", 30),
    Terms("2% 10 Net 30", 30),
)
_DATE_TERMS = (Terms("Due 10th of month", None, 10), Terms("Net EOM", None, 31))

_PAYMENT_METHODS = {
    Edition.US: (
        ("Cash", "Cash"),
        ("Check", "Check"),
        ("Visa", "Visa"),
        ("MasterCard", "MasterCard"),
        ("American Express", "AmericanExpress"),
        ("Discover", "Discover"),
        ("E-Check", "ECheck"),
    ),
    Edition.CA: (
        ("Cash", "Cash"),
        ("Cheque", "Check"),
        ("Visa", "Visa"),
        ("MasterCard", "MasterCard"),
        ("Interac", "DebitCard"),
        ("American Express", "AmericanExpress"),
    ),
    Edition.UK: (
        ("Cash", "Cash"),
        ("Cheque", "Check"),
        ("BACS", "Other"),
        ("Direct Debit", "ECheck"),
        ("Visa", "Visa"),
        ("MasterCard", "MasterCard"),
        ("Debit Card", "DebitCard"),
    ),
}

_CLASSES = (
    ("Residential", None),
    ("Commercial", None),
    ("Overhead", None),
    ("New Construction", "Residential"),
    ("Remodel", "Residential"),
    ("Rénovation", "Commercial"),
)

_SERVICES = (
    "Labor",
    "Installation",
    "Consulting",
    "Design",
    "Repairs",
    "Framing",
    "Drywall",
    "Plumbing",
    "Electrical",
    "Painting",
    "Tile Work",
    "Cleanup",
    "Project Management",
    "Inspection",
    "Site Survey",
    "Demolition",
    "Finish Carpentry",
    "Estimating",
    "Maintenance Visit",
    "Dépannage",
    "Garantía",
)
_PRODUCTS = (
    "Cabinet Pulls",
    "Doorknobs",
    "Hinges",
    "Lumber",
    "Trim",
    "Drywall Sheet",
    "Paint Gallon",
    "Primer",
    "Tile Box",
    "Grout",
    "Fixtures",
    "Light Switch",
    "Outlet Cover",
    "Copper Pipe",
    "PVC Fitting",
    "Faucet",
    "Vanity",
    "Window Unit",
    "Door Frame",
    "Insulation Roll",
    "Crème Caulk",
    "Façade Panel",
)
_QUALIFIERS = (
    "Standard",
    "Premium",
    "Deluxe",
    "Economy",
    "Heavy Duty",
    "Custom",
    "Large",
    "Small",
    "Pro",
    "Basic",
)
_JOBS = (
    "Kitchen Remodel",
    "Bathroom Remodel",
    "Office Fit-out",
    "Deck Addition",
    "Basement Finish",
    "Roof Replacement",
    "Garage Build",
    "Storefront",
    "Rénovation cuisine",
    "Salle de bain",
    "Extension",
    "Loft Conversion",
    "Landscaping Phase 1",
    "Warehouse Racking",
)


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return (Decimal(rng.randint(low * 100, high * 100)) * CENT).quantize(CENT)


class _Names:
    """Unique names within a name group (case-insensitive, like QuickBooks)."""

    def __init__(self) -> None:
        self._used: dict[str, None] = {}

    def free(self, name: str) -> bool:
        return name.casefold() not in self._used

    def take(self, candidate: str, limit: int) -> str:
        name = candidate[:limit].rstrip()
        number = 2
        while name.casefold() in self._used:
            suffix = f" ({number})"
            name = candidate[: limit - len(suffix)].rstrip() + suffix
            number += 1
        self._used[name.casefold()] = None
        return name


def _item_name(base: tuple[str, ...], index: int) -> str:
    head = base[index % len(base)]
    round_ = index // len(base)
    if round_ == 0:
        return head
    if round_ <= len(_QUALIFIERS):
        return f"{_QUALIFIERS[round_ - 1]} {head}"[:31]
    return f"{head} {round_:03d}"[:31]


_A = TypeVar("_A", m.BillAddress, m.ShipAddress)


def _bill_address(cls: type[_A], name: str, a: Address) -> _A:
    return cls(
        addr1=name[:41],
        addr2=a.line1,
        addr3=a.line2,
        city=a.city,
        state=a.region,
        postal_code=a.postal_code,
        country=a.country,
    )


@dataclass
class _Builder:
    writer: SampleWriter
    rng: random.Random
    edition: Edition
    chart: Chart
    taxes: TaxSetup
    sizes: Sizes
    start: date
    lists: Lists = field(default_factory=Lists)
    entity_names: _Names = field(default_factory=_Names)
    item_names: _Names = field(default_factory=_Names)
    customer_count: int = 0

    # ---- accounts, classes, terms, payment methods, tax ---------------------------------
    def basics(self) -> None:
        w, us = self.writer, self.edition is Edition.US
        for spec in self.chart.accounts:
            w.add(
                "Account",
                m.AccountAdd(
                    name=spec.name,
                    parent_ref=m.ParentRef(full_name=spec.parent) if spec.parent else None,
                    account_type=spec.account_type,
                    account_number=spec.number,
                    desc=spec.desc,
                ),
            )
        record = w.add("Account", m.AccountAdd(name="Petty Cash", account_type="Bank"))
        self.lists.to_deactivate.append(("Account", attr(record, "list_id")))
        for name, parent in _CLASSES:
            parent_ref = m.ParentRef(full_name=parent) if parent else None
            w.add("Class", m.ClassAdd(name=name, parent_ref=parent_ref))
            self.lists.classes.append(f"{parent}:{name}" if parent else name)
        for terms in _TERMS:
            discount = int(terms.name[0]) if terms.name[0].isdigit() else None
            w.add(
                "StandardTerms",
                m.StandardTermsAdd(
                    name=terms.name,
                    std_due_days=terms.due_days,
                    std_discount_days=10 if discount else None,
                    discount_pct=Decimal(discount) if discount else None,
                ),
            )
        for terms in _DATE_TERMS:
            w.add(
                "DateDrivenTerms",
                m.DateDrivenTermsAdd(
                    name=terms.name, day_of_month_due=terms.day_of_month or 1, due_next_month_days=5
                ),
            )
        self.lists.terms = [*_TERMS, *_DATE_TERMS]
        for name, method_type in _PAYMENT_METHODS[self.edition]:
            w.add("PaymentMethod", m.PaymentMethodAdd(name=name, payment_method_type=method_type))
            self.lists.payment_methods.append(name)
        for agency in self.taxes.agencies:
            self.vendor(agency, tax_agency=not us)
        for item in self.taxes.items:
            w.add(
                "ItemSalesTax",
                m.ItemSalesTaxAdd(
                    name=self.item_names.take(item.name, 31),
                    item_desc=item.desc,
                    tax_rate=item.rate,
                    tax_vendor_ref=m.TaxVendorRef(full_name=item.agency),
                ),
            )
        for group in self.taxes.groups:
            w.add(
                "ItemSalesTaxGroup",
                m.ItemSalesTaxGroupAdd(
                    name=self.item_names.take(group.name, 31),
                    item_desc=group.desc,
                    item_sales_tax_ref=tuple(
                        m.ItemSalesTaxRef(full_name=member) for member in group.members
                    ),
                ),
            )
        for code in self.taxes.codes:
            w.add(
                "SalesTaxCode",
                m.SalesTaxCodeAdd(
                    name=code.name,
                    is_taxable=code.is_taxable,
                    desc=code.desc,
                    item_purchase_tax_ref=m.ItemPurchaseTaxRef(full_name=code.purchase_item)
                    if code.purchase_item
                    else None,
                    item_sales_tax_ref=m.ItemSalesTaxRef(full_name=code.sales_item)
                    if code.sales_item
                    else None,
                ),
            )

    # ---- vendors --------------------------------------------------------------------------
    def vendor(self, name: str | None = None, *, tax_agency: bool = False) -> Party:
        rng, edition = self.rng, self.edition
        name = self.entity_names.take(name or business_name(rng, edition), 41)
        where = address(rng, edition)
        terms = rng.choice(self.lists.terms[:4])
        us = edition is Edition.US
        record = self.writer.add(
            "Vendor",
            m.VendorAdd(
                name=name,
                company_name=name,
                vendor_address=m.VendorAddress(
                    addr1=name,
                    addr2=where.line1,
                    addr3=where.line2,
                    city=where.city,
                    state=where.region,
                    postal_code=where.postal_code,
                    country=where.country,
                ),
                phone=phone(rng, edition),
                fax=phone(rng, edition) if rng.random() < 0.2 else None,
                email=email_for(name, rng.randrange(1000)),
                name_on_check=name,
                account_number=f"{rng.randrange(10**7):07d}" if rng.random() < 0.5 else None,
                terms_ref=m.TermsRef(full_name=terms.name),
                credit_limit=_money(rng, 5, 50) * 1000 if rng.random() < 0.2 else None,
                is_vendor_eligible_for1099=(rng.random() < 0.2) if us else None,
                is_sales_tax_agency=True if tax_agency else None,
                reporting_period="Quarterly" if tax_agency else None,
            ),
        )
        party = Party(name, terms, None, None, where)
        if not tax_agency:
            self.lists.vendors.append(party)
            if len(self.lists.vendors) % 33 == 2:
                self.lists.to_deactivate.append(("Vendor", attr(record, "list_id")))
        return party

    # ---- items ----------------------------------------------------------------------------
    def items(self) -> None:
        w, rng, chart, lists = self.writer, self.rng, self.chart, self.lists
        n = self.sizes.items
        taxable, zero = self.taxes.taxable_code, self.taxes.zero_codes
        us = self.edition is Edition.US

        def code(taxable_share: float) -> str:
            return taxable if rng.random() < taxable_share else rng.choice(zero)

        def parent(kind: str, index: int, head: str | None) -> tuple[str | None, str]:
            name = self.item_names.take(
                _item_name(_SERVICES if kind == "ItemService" else _PRODUCTS, index), 31
            )
            if head is not None and rng.random() < 0.3:
                return head, name
            return None, name

        # Services (a parent and sub-items), some subcontracted (sales and purchase).
        head = self.item_names.take("Services", 31)
        w.add(
            "ItemService",
            m.ItemServiceAdd(
                name=head,
                sales_tax_code_ref=m.SalesTaxCodeRef(full_name=code(0.0 if us else 1.0)),
                sales_or_purchase=m.SalesOrPurchase(
                    desc="Services",
                    price=Decimal("0.00"),
                    account_ref=m.AccountRef(full_name=chart.income[1]),
                ),
            ),
        )
        for i in range(n):
            parent_name, name = parent("ItemService", i, head)
            price = _money(rng, 35, 180)
            tax_code = code(0.05 if us else 0.9)
            full_name = f"{parent_name}:{name}" if parent_name else name
            desc = f"{name} (per hour)"
            if rng.random() < 0.2:
                cost = (price * Decimal("0.6")).quantize(CENT)
                detail: dict[str, Any] = {
                    "sales_and_purchase": m.SalesAndPurchase(
                        sales_desc=desc,
                        sales_price=price,
                        income_account_ref=m.IncomeAccountRef(full_name=chart.income[1]),
                        purchase_desc=f"Subcontracted {name.lower()}",
                        purchase_cost=cost,
                        expense_account_ref=m.ExpenseAccountRef(full_name="Subcontractors"),
                        pref_vendor_ref=m.PrefVendorRef(
                            full_name=rng.choice(lists.vendors).full_name
                        ),
                    )
                }
            else:
                detail = {
                    "sales_or_purchase": m.SalesOrPurchase(
                        desc=desc, price=price, account_ref=m.AccountRef(full_name=chart.income[1])
                    )
                }
            record = w.add(
                "ItemService",
                m.ItemServiceAdd(
                    name=name,
                    parent_ref=m.ParentRef(full_name=parent_name) if parent_name else None,
                    sales_tax_code_ref=m.SalesTaxCodeRef(full_name=tax_code),
                    **detail,
                ),
            )
            lists.sale_items.append(Item(full_name, "ItemService", price, None, tax_code, desc))
            if i % 33 == 1:
                lists.to_deactivate.append(("ItemService", attr(record, "list_id")))

        # Non-inventory parts, bought and sold.
        for i in range(max(3, n * 2 // 3)):
            name = self.item_names.take(f"{_item_name(_PRODUCTS, i)} (special order)"[:31], 31)
            price, tax_code = _money(rng, 5, 900), code(0.9)
            cost = (price * Decimal(rng.choice(("0.55", "0.6", "0.7")))).quantize(CENT)
            w.add(
                "ItemNonInventory",
                m.ItemNonInventoryAdd(
                    name=name,
                    sales_tax_code_ref=m.SalesTaxCodeRef(full_name=tax_code),
                    sales_and_purchase=m.SalesAndPurchase(
                        sales_desc=name,
                        sales_price=price,
                        income_account_ref=m.IncomeAccountRef(full_name=chart.income[2]),
                        purchase_desc=name,
                        purchase_cost=cost,
                        expense_account_ref=m.ExpenseAccountRef(
                            full_name="Job Expenses:Job Materials"
                        ),
                        pref_vendor_ref=m.PrefVendorRef(
                            full_name=rng.choice(lists.vendors).full_name
                        ),
                    ),
                ),
            )
            item = Item(name, "ItemNonInventory", price, cost, tax_code, name)
            lists.sale_items.append(item)
            lists.purchase_items.append(item)

        # Other charges.
        for i, label in enumerate(
            ("Freight", "Delivery Fee", "Fuel Surcharge", "Disposal Fee", "Rush Fee")[
                : max(3, min(5, n // 3))
            ]
        ):
            name = self.item_names.take(label, 31)
            price = _money(rng, 15, 150)
            tax_code = code(0.5)
            w.add(
                "ItemOtherCharge",
                m.ItemOtherChargeAdd(
                    name=name,
                    sales_tax_code_ref=m.SalesTaxCodeRef(full_name=tax_code),
                    sales_or_purchase=m.SalesOrPurchase(
                        desc=label, price=price, account_ref=m.AccountRef(full_name=chart.income[3])
                    ),
                ),
            )
            lists.sale_items.append(Item(name, "ItemOtherCharge", price, None, tax_code, label))
            _ = i

        # Inventory parts (a parent and sub-items).
        inv_head = self.item_names.take("Hardware", 31)
        inventory_kwargs: dict[str, Any] = {
            "income_account_ref": m.IncomeAccountRef(full_name=chart.income[2]),
            "cogs_account_ref": m.COGSAccountRef(full_name=chart.cogs),
            "asset_account_ref": m.AssetAccountRef(full_name=chart.inventory_asset),
        }
        w.add(
            "ItemInventory",
            m.ItemInventoryAdd(
                name=inv_head,
                sales_tax_code_ref=m.SalesTaxCodeRef(full_name=taxable),
                **inventory_kwargs,
            ),
        )
        for i in range(n):
            parent_name, name = parent("ItemInventory", i, inv_head)
            price, tax_code = _money(rng, 2, 400), code(0.95)
            cost = (price * Decimal("0.5")).quantize(CENT)
            full_name = f"{parent_name}:{name}" if parent_name else name
            record = w.add(
                "ItemInventory",
                m.ItemInventoryAdd(
                    name=name,
                    parent_ref=m.ParentRef(full_name=parent_name) if parent_name else None,
                    manufacturer_part_number=f"MP-{rng.randrange(10**6):06d}",
                    sales_tax_code_ref=m.SalesTaxCodeRef(full_name=tax_code),
                    sales_desc=name,
                    sales_price=price,
                    purchase_desc=name,
                    purchase_cost=cost,
                    pref_vendor_ref=m.PrefVendorRef(full_name=rng.choice(lists.vendors).full_name),
                    reorder_point=Decimal(rng.randint(5, 50)),
                    **inventory_kwargs,
                ),
            )
            item = Item(full_name, "ItemInventory", price, cost, tax_code, name)
            lists.sale_items.append(item)
            lists.purchase_items.append(item)
            lists.inventory_items.append(item)
            if i % 33 == 1:
                lists.to_deactivate.append(("ItemInventory", attr(record, "list_id")))

        # Assemblies built from inventory parts.
        for i in range(max(2, n // 10)):
            name = self.item_names.take(f"{_item_name(_PRODUCTS, i)} Kit"[:31], 31)
            parts = rng.sample(lists.inventory_items, min(3, len(lists.inventory_items)))
            price = sum((p.price * 2 for p in parts), Decimal("0.00"))
            w.add(
                "ItemInventoryAssembly",
                m.ItemInventoryAssemblyAdd(
                    name=name,
                    sales_tax_code_ref=m.SalesTaxCodeRef(full_name=taxable),
                    sales_desc=f"{name} (assembled)",
                    sales_price=price,
                    purchase_cost=(price * Decimal("0.5")).quantize(CENT),
                    build_point=Decimal(2),
                    item_inventory_assembly_line=tuple(
                        m.ItemInventoryAssemblyLine(
                            item_inventory_ref=m.ItemInventoryRef(full_name=p.full_name),
                            quantity=Decimal(2),
                        )
                        for p in parts
                    ),
                    **inventory_kwargs,
                ),
            )
            lists.sale_items.append(Item(name, "ItemInventoryAssembly", price, None, taxable, name))

        # Subtotal, discounts, payment items, groups.
        lists.subtotal_item = self.item_names.take("Subtotal", 31)
        w.add("ItemSubtotal", m.ItemSubtotalAdd(name=lists.subtotal_item, item_desc="Subtotal"))
        for label, percent in (("Loyalty Discount", Decimal("5.0")), ("Seasonal 10%", None)):
            name = self.item_names.take(label, 31)
            w.add(
                "ItemDiscount",
                m.ItemDiscountAdd(
                    name=name,
                    item_desc=label,
                    sales_tax_code_ref=m.SalesTaxCodeRef(full_name=taxable),
                    discount_rate_percent=percent if percent else Decimal("10.0"),
                    account_ref=m.AccountRef(full_name=chart.discounts),
                ),
            )
            lists.discount_items.append(name)
        for label, method in (
            ("Deposit Received", lists.payment_methods[1]),
            ("Card Payment", "Visa"),
        ):
            w.add(
                "ItemPayment",
                m.ItemPaymentAdd(
                    name=self.item_names.take(label, 31),
                    item_desc=label,
                    deposit_to_account_ref=m.DepositToAccountRef(full_name=chart.undeposited),
                    payment_method_ref=m.PaymentMethodRef(full_name=method),
                ),
            )
        for i in range(max(2, n // 20)):
            members = rng.sample(lists.sale_items[:n], 3)
            w.add(
                "ItemGroup",
                m.ItemGroupAdd(
                    name=self.item_names.take(f"Package {chr(65 + i % 26)}{i // 26 or ''}", 31),
                    item_desc="Bundled services and parts",
                    is_print_items_in_group=rng.random() < 0.5,
                    item_group_line=tuple(
                        m.ItemGroupLine(
                            item_ref=m.ItemRef(full_name=p.full_name),
                            quantity=Decimal(rng.randint(1, 4)),
                        )
                        for p in members
                    ),
                ),
            )
        # Items created to be deleted later (never used).
        for i in range(self.sizes.doomed):
            record = w.add(
                "ItemService",
                m.ItemServiceAdd(
                    name=self.item_names.take(f"Discontinued {_item_name(_SERVICES, i)}"[:31], 31),
                    sales_or_purchase=m.SalesOrPurchase(
                        price=Decimal("1.00"), account_ref=m.AccountRef(full_name=chart.income[1])
                    ),
                ),
            )
            lists.to_delete.append(("ItemService", attr(record, "list_id")))

    # ---- customers and jobs ---------------------------------------------------------------
    def customer(self, *, doomed: bool = False) -> None:
        rng, edition, taxes, lists = self.rng, self.edition, self.taxes, self.lists
        us = edition is Edition.US
        where = address(rng, edition)
        first, last = person(rng)
        if rng.random() < 0.4:
            company = None
            name = self.entity_names.take(f"{last}, {first}", 41)
        else:
            company = business_name(rng, edition)
            name = self.entity_names.take(company, 41)
        terms = rng.choice(lists.terms)
        if us:
            tax_code = "Tax" if rng.random() < 0.9 else "Non"
            tax_item: str | None = taxes.by_region.get(where.region, taxes.default_region)
        else:
            tax_code = taxes.by_region.get(where.region, taxes.default_region)
            tax_item = None
        ship = address(rng, edition) if rng.random() < 0.2 else where
        record = self.writer.add(
            "Customer",
            m.CustomerAdd(
                name=name,
                company_name=company,
                first_name=first,
                last_name=last,
                salutation=rng.choice(("Mr.", "Ms.", "Mrs.", "Dr.", None)),
                bill_address=_bill_address(m.BillAddress, company or f"{first} {last}", where),
                ship_address=_bill_address(m.ShipAddress, company or f"{first} {last}", ship),
                phone=phone(rng, edition),
                alt_phone=phone(rng, edition) if rng.random() < 0.1 else None,
                email=email_for(name, rng.randrange(1000)),
                contact=f"{first} {last}"[:41],
                terms_ref=m.TermsRef(full_name=terms.name),
                sales_tax_code_ref=m.SalesTaxCodeRef(full_name=tax_code),
                item_sales_tax_ref=m.ItemSalesTaxRef(full_name=tax_item) if tax_item else None,
                resale_number=f"R{rng.randrange(10**8):08d}" if us and tax_code == "Non" else None,
                account_number=f"C{rng.randrange(10**6):06d}" if rng.random() < 0.3 else None,
                credit_limit=_money(rng, 1, 25) * 1000 if rng.random() < 0.3 else None,
                preferred_payment_method_ref=m.PreferredPaymentMethodRef(
                    full_name=rng.choice(lists.payment_methods)
                )
                if rng.random() < 0.4
                else None,
                notes="Prefers e-mail; café on the corner." if rng.random() < 0.05 else None,
            ),
        )
        list_id = attr(record, "list_id")
        if doomed:
            lists.to_delete.append(("Customer", list_id))
            return
        party = Party(name, terms, tax_code, tax_item, where)
        lists.customers.append(party)
        self.customer_count += 1
        if self.customer_count % 33 == 2:
            lists.to_deactivate.append(("Customer", list_id))
        if rng.random() < 0.3:
            for job in rng.sample(_JOBS, rng.randint(1, 3)):
                start = self.start + timedelta(days=rng.randrange(900))
                self.writer.add(
                    "Customer",
                    m.CustomerAdd(
                        name=job,
                        parent_ref=m.ParentRef(full_name=name),
                        company_name=company,
                        bill_address=_bill_address(
                            m.BillAddress, company or f"{first} {last}", where
                        ),
                        terms_ref=m.TermsRef(full_name=terms.name),
                        sales_tax_code_ref=m.SalesTaxCodeRef(full_name=tax_code),
                        item_sales_tax_ref=m.ItemSalesTaxRef(full_name=tax_item)
                        if tax_item
                        else None,
                        job_status=rng.choice(("Awarded", "InProgress", "Closed", "Pending")),
                        job_start_date=start,
                        job_projected_end_date=start + timedelta(days=90),
                        job_desc=f"{job} for {company or first + ' ' + last}"[:99],
                    ),
                )
                lists.customers.append(Party(f"{name}:{job}", terms, tax_code, tax_item, where))

    # ---- employees ------------------------------------------------------------------------
    def employee(self) -> None:
        rng, edition = self.rng, self.edition
        first, last = person(rng)
        while not self.entity_names.free(f"{first} {last}"):  # QuickBooks names them so
            first, last = person(rng)
        self.entity_names.take(f"{first} {last}", 41)
        where = address(rng, edition)
        record = self.writer.add(
            "Employee",
            m.EmployeeAdd(
                first_name=first,
                last_name=last,
                job_title=rng.choice(
                    (
                        "Carpenter",
                        "Site Lead",
                        "Bookkeeper",
                        "Estimator",
                        "Apprentice",
                        "Office Manager",
                        "Électricien",
                    )
                ),
                employee_address=m.EmployeeAddress(
                    addr1=where.line1,
                    addr2=where.line2,
                    city=where.city,
                    state=where.region,
                    postal_code=where.postal_code,
                ),
                phone=phone(rng, edition),
                email=email_for(f"{first}{last}", rng.randrange(1000)),
                gender=rng.choice(("Male", "Female")),
                hired_date=self.start - timedelta(days=rng.randrange(3000)),
            ),
        )
        list_id = attr(record, "list_id")
        self.lists.employees.append(list_id)
        if len(self.lists.employees) % 20 == 2:
            self.lists.to_deactivate.append(("Employee", list_id))


def write_lists(
    writer: SampleWriter,
    rng: random.Random,
    *,
    edition: Edition,
    chart: Chart,
    taxes: TaxSetup,
    sizes: Sizes,
    start: date,
    progress: Callable[[str, int, int], None],
) -> Lists:
    builder = _Builder(writer, rng, edition, chart, taxes, sizes, start)
    progress("setup", 0, 1)
    builder.basics()
    record = writer.add("Class", m.ClassAdd(name="Old Projects"))
    builder.lists.to_delete.append(("Class", attr(record, "list_id")))
    progress("setup", 1, 1)
    for i in range(sizes.vendors):
        builder.vendor()
        _every(progress, "vendors", i + 1, sizes.vendors)
    progress("items", 0, 1)
    builder.items()
    progress("items", 1, 1)
    total = sizes.customers + sizes.doomed
    for i in range(total):
        builder.customer(doomed=i >= sizes.customers)
        _every(progress, "customers", i + 1, total)
    for i in range(sizes.employees):
        builder.employee()
        _every(progress, "employees", i + 1, sizes.employees)
    return builder.lists


def _every(progress: Callable[[str, int, int], None], phase: str, done: int, total: int) -> None:
    if done == total or done % 1000 == 0:
        progress(phase, done, total)
