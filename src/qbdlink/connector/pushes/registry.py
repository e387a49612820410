"""Every writer, by the model's data type key (accounts are pushed as ``chartOfAccounts`` in
Codat's API; the platform maps that name to the ``accounts`` key)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from qbdlink.connector.pushes import (
    accounts,
    bill_credit_notes,
    bill_payments,
    bills,
    credit_notes,
    customers,
    invoices,
    items,
    journal_entries,
    payments,
    suppliers,
)
from qbdlink.connector.pushes.base import Writer

_ALL: tuple[Writer, ...] = (
    accounts.WRITER,
    customers.WRITER,
    suppliers.WRITER,
    items.WRITER,
    invoices.WRITER,
    credit_notes.WRITER,
    payments.WRITER,
    bills.WRITER,
    bill_credit_notes.WRITER,
    bill_payments.WRITER,
    journal_entries.WRITER,
)

WRITERS: Mapping[str, Writer] = MappingProxyType({writer.data_type: writer for writer in _ALL})
