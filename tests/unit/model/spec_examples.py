"""What the example fixtures (conftest.py) collect: covered schemas and the example shape."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Codat schema name -> our data type key, for the schemas whose examples we check.
SCHEMA_KEYS: Mapping[str, str] = {
    "AccountingAccount": "accounts",
    "AccountingBill": "bills",
    "AccountingBillCreditNote": "billCreditNotes",
    "AccountingBillPayment": "billPayments",
    "AccountingCompanyInfo": "company",
    "AccountingCreditNote": "creditNotes",
    "AccountingCustomer": "customers",
    "AccountingInvoice": "invoices",
    "AccountingJournalEntry": "journalEntries",
    "AccountingPayment": "payments",
    "AccountingSupplier": "suppliers",
}

Example = tuple[str, dict[str, Any]]  # (where it came from, one record)
