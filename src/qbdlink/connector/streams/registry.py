"""Every stream, by the model's data type key, in the order a first link reads them."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from qbdlink.connector.streams import (
    accounts,
    bill_credit_notes,
    bill_payments,
    bills,
    company_info,
    credit_notes,
    customers,
    invoices,
    items,
    journal_entries,
    payment_methods,
    payments,
    suppliers,
    tax_rates,
    tracking_categories,
)
from qbdlink.connector.streams.base import Stream

# Filled in by the stream modules (one per data type); see STREAMS below.
_ALL: tuple[Stream, ...] = (
    company_info.STREAM,
    accounts.STREAM,
    tax_rates.STREAM,
    tracking_categories.STREAM,
    payment_methods.STREAM,
    customers.STREAM,
    suppliers.STREAM,
    items.STREAM,
    invoices.STREAM,
    credit_notes.STREAM,
    payments.STREAM,
    bills.STREAM,
    bill_credit_notes.STREAM,
    bill_payments.STREAM,
    journal_entries.STREAM,
)

STREAMS: Mapping[str, Stream] = MappingProxyType({stream.data_type: stream for stream in _ALL})
