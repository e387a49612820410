"""Charts of accounts for sample companies, one per edition.

Each chart has the accounts QuickBooks creates or a bookkeeper would add for a small trade
business: bank and savings, A/R, A/P, Undeposited Funds, inventory, fixed assets, a credit card,
the sales tax liability (US sales tax; Canadian GST/HST, PST and QST; UK VAT), payroll
liabilities, equity, income, cost of goods sold and expenses (some as subaccounts). The
:class:`Chart` names the accounts each part of the generator posts to.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...qbxml.versions import Edition

__all__ = ["AccountSpec", "Chart", "chart_for"]


@dataclass(frozen=True, slots=True)
class AccountSpec:
    name: str  # at most 31 characters
    account_type: str  # qbXML AccountType
    number: str | None = None  # at most 7 characters
    desc: str | None = None
    parent: str | None = None  # the parent account's name (a subaccount)

    @property
    def full_name(self) -> str:
        return f"{self.parent}:{self.name}" if self.parent else self.name


@dataclass(frozen=True, slots=True)
class Chart:
    accounts: tuple[AccountSpec, ...]
    checking: str
    savings: str
    ar: str
    ap: str
    undeposited: str
    inventory_asset: str
    fixed_asset: str
    accumulated_depreciation: str
    credit_card: str
    sales_tax: tuple[str, ...]  # liability accounts for the tax agencies
    payroll_liabilities: str
    owner_equity: str
    income: tuple[str, ...]  # full names
    other_income: str
    cogs: str
    expenses: tuple[str, ...]  # full names, for expense lines
    depreciation_expense: str
    wages: str
    discounts: str


def _chart(edition: Edition) -> Chart:
    bank = {Edition.US: "Checking", Edition.CA: "Chequing", Edition.UK: "Current Account"}
    savings = {
        Edition.US: "Savings",
        Edition.CA: "Savings",
        Edition.UK: "Business Deposit Account",
    }
    ar = {Edition.US: "Accounts Receivable", Edition.CA: "Accounts Receivable"}
    ap = {Edition.US: "Accounts Payable", Edition.CA: "Accounts Payable"}
    tax: dict[Edition, tuple[AccountSpec, ...]] = {
        Edition.US: (
            AccountSpec("Sales Tax Payable", "OtherCurrentLiability", "2200", "Sales tax owed"),
        ),
        Edition.CA: (
            AccountSpec("GST/HST Payable", "OtherCurrentLiability", "2310", "GST/HST collected"),
            AccountSpec("PST Payable (BC)", "OtherCurrentLiability", "2320", "BC PST collected"),
            AccountSpec("QST Payable", "OtherCurrentLiability", "2330", "TVQ/QST perçue"),
        ),
        Edition.UK: (AccountSpec("VAT Liability", "OtherCurrentLiability", "2200", "VAT control"),),
    }
    income: dict[Edition, tuple[str, ...]] = {
        Edition.US: ("Construction Income", "Service Income", "Product Sales", "Freight Income"),
        Edition.CA: ("Construction Income", "Service Income", "Product Sales", "Revenus divers"),
        Edition.UK: ("Sales - Services", "Sales - Products", "Sales - Zero Rated", "Carriage"),
    }
    expense_names: dict[Edition, tuple[str, ...]] = {
        Edition.US: (
            "Advertising and Promotion",
            "Automobile Expense",
            "Bank Service Charges",
            "Insurance Expense",
            "Office Supplies",
            "Rent Expense",
            "Repairs and Maintenance",
            "Telephone Expense",
            "Utilities",
            "Professional Fees",
            "Travel Expense",
            "Meals and Entertainment",
            "Dues and Subscriptions",
            "Postage and Delivery",
        ),
        Edition.CA: (
            "Advertising and Promotion",
            "Automobile Expense",
            "Frais bancaires",
            "Insurance Expense",
            "Fournitures de bureau",
            "Rent Expense",
            "Repairs and Maintenance",
            "Telephone Expense",
            "Utilities",
            "Professional Fees",
            "Travel Expense",
            "Meals and Entertainment",
            "Dues and Subscriptions",
            "Postage and Delivery",
        ),
        Edition.UK: (
            "Advertising",
            "Motor Expenses",
            "Bank Charges",
            "Insurance",
            "Stationery & Printing",
            "Rent & Rates",
            "Repairs & Renewals",
            "Telephone & Internet",
            "Light & Heat",
            "Accountancy Fees",
            "Travel & Subsistence",
            "Entertaining",
            "Subscriptions",
            "Postage & Carriage",
        ),
    }
    uk = edition is Edition.UK
    accounts: list[AccountSpec] = [
        AccountSpec(bank[edition], "Bank", "1000", "Operating account"),
        AccountSpec(savings[edition], "Bank", "1010", "Reserve account"),
        AccountSpec(
            ar.get(edition, "Trade Debtors"), "AccountsReceivable", "1200", "Unpaid invoices"
        ),
        AccountSpec("Undeposited Funds", "OtherCurrentAsset", "1300", "Payments not yet banked"),
        AccountSpec("Inventory Asset", "OtherCurrentAsset", "1400", "Stock on hand"),
        AccountSpec("Prepaid Expenses", "OtherCurrentAsset", "1450"),
        AccountSpec("Furniture and Equipment", "FixedAsset", "1500", "Office and shop equipment"),
        AccountSpec("Vehicles", "FixedAsset", "1520"),
        AccountSpec("Accumulated Depreciation", "FixedAsset", "1550"),
        AccountSpec("Security Deposits", "OtherAsset", "1800"),
        AccountSpec(ap.get(edition, "Trade Creditors"), "AccountsPayable", "2000", "Unpaid bills"),
        AccountSpec("Company Credit Card", "CreditCard", "2050", "Visa ending 4242"),
        *tax[edition],
        AccountSpec("Payroll Liabilities", "OtherCurrentLiability", "2100"),
        AccountSpec("Bank Loan", "LongTermLiability", "2700", "Five-year term loan"),
        AccountSpec("Opening Balance Equity", "Equity", "3000"),
        AccountSpec("Owner's Capital" if uk else "Owner's Equity", "Equity", "3100"),
        AccountSpec("Owner's Drawings" if uk else "Owner's Draw", "Equity", "3200"),
        *(
            AccountSpec(name, "Income", f"{4000 + 100 * i}")
            for i, name in enumerate(income[edition])
        ),
        AccountSpec("Discounts Given", "Income", "4900", "Early payment discounts"),
        AccountSpec("Cost of Goods Sold", "CostOfGoodsSold", "5000"),
        AccountSpec("Subcontractors", "CostOfGoodsSold", "5100"),
        *(
            AccountSpec(name, "Expense", f"{6000 + 50 * i}")
            for i, name in enumerate(expense_names[edition])
        ),
        AccountSpec("Job Expenses", "Expense", "6800"),
        AccountSpec("Job Materials", "Expense", "6810", parent="Job Expenses"),
        AccountSpec("Equipment Rental", "Expense", "6820", parent="Job Expenses"),
        AccountSpec(
            "Permits and Licences" if edition is not Edition.US else "Permits and Licenses",
            "Expense",
            "6830",
            parent="Job Expenses",
        ),
        AccountSpec("Payroll Expenses", "Expense", "6900"),
        AccountSpec("Wages", "Expense", "6910", parent="Payroll Expenses"),
        AccountSpec("Depreciation Expense", "Expense", "6950"),
        AccountSpec("Interest Income", "OtherIncome", "7000"),
        AccountSpec("Interest Expense", "OtherExpense", "7100"),
    ]
    expenses = (
        *expense_names[edition],
        "Job Expenses:Job Materials",
        "Job Expenses:Equipment Rental",
    )
    return Chart(
        accounts=tuple(accounts),
        checking=bank[edition],
        savings=savings[edition],
        ar=ar.get(edition, "Trade Debtors"),
        ap=ap.get(edition, "Trade Creditors"),
        undeposited="Undeposited Funds",
        inventory_asset="Inventory Asset",
        fixed_asset="Furniture and Equipment",
        accumulated_depreciation="Accumulated Depreciation",
        credit_card="Company Credit Card",
        sales_tax=tuple(spec.name for spec in tax[edition]),
        payroll_liabilities="Payroll Liabilities",
        owner_equity="Owner's Capital" if uk else "Owner's Equity",
        income=income[edition],
        other_income="Interest Income",
        cogs="Cost of Goods Sold",
        expenses=expenses,
        depreciation_expense="Depreciation Expense",
        wages="Payroll Expenses:Wages",
        discounts="Discounts Given",
    )


_CHARTS = {edition: _chart(edition) for edition in (Edition.US, Edition.CA, Edition.UK)}


def chart_for(edition: Edition) -> Chart:
    return _CHARTS[edition]
