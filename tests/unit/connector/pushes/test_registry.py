"""The writers' registry and the pieces every writer shares (transliteration, keys, touched)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from qbdlink.connector.pushes.base import PushContext, PushRejectedError
from qbdlink.connector.pushes.common import Draft, transliterate
from qbdlink.connector.pushes.registry import WRITERS
from qbdlink.model.accounting.invoice import Invoice
from qbdlink.model.datatypes import DATA_TYPES
from qbdlink.qbxml import Edition

# Codat's push matrix for QuickBooks Desktop, as the writers implement it.
MATRIX = {
    "customers": {"add", "mod"},
    "suppliers": {"add", "mod"},
    "invoices": {"add", "mod", "delete"},
    "creditNotes": {"add", "mod"},
    "bills": {"add", "mod", "delete"},
    "billCreditNotes": {"add"},
    "payments": {"add"},
    "billPayments": {"add", "delete"},
    "journalEntries": {"add", "delete"},
    "items": {"add", "mod"},
    "accounts": {"add"},
}


def test_every_writer_is_registered_under_its_model_key() -> None:
    assert set(WRITERS) == set(MATRIX)
    for key, writer in WRITERS.items():
        assert writer.data_type == key
        assert key in DATA_TYPES
        operations = {op for op in ("add", "mod", "delete") if getattr(writer, op) is not None}
        assert operations == MATRIX[key], key
        assert writer.query_by_id is not None and writer.query_by_key is not None


def test_touched_names_the_top_level_fields_in_camel_case() -> None:
    record = Invoice.model_validate(
        {
            "issueDate": "2024-01-01",
            "totalTaxAmount": 0,
            "totalAmount": 0,
            "amountDue": 0,
            "status": "Submitted",
            "customerRef": {"id": "1"},
            "lineItems": [{"quantity": 1, "unitAmount": 2}],
        }
    )
    assert WRITERS["invoices"].touched(record) == {
        "issueDate",
        "totalTaxAmount",
        "totalAmount",
        "amountDue",
        "status",
        "customerRef",
        "lineItems",
    }


@pytest.mark.parametrize(
    ("text", "latin1"),
    [
        ("Smith – Jones — Ltd", "Smith - Jones - Ltd"),
        ("“Quoted” ‘words’", "\"Quoted\" 'words'"),
        ("Price: 10 €", "Price: 10 EUR"),
        ("Wait…", "Wait..."),
        ("Œuvre Łukasz Dvořák", "OEuvre Lukasz Dvorák"),
        ("ﬁnance ™", "finance (TM)"),
        ("Crème brûlée £5 ¥", "Crème brûlée £5 ¥"),  # Latin-1 already: unchanged
    ],
)
def test_transliteration_gives_the_closest_latin1_text(text: str, latin1: str) -> None:
    assert transliterate(text) == (latin1, [])


def test_characters_without_latin1_text_are_reported() -> None:
    assert transliterate("日本 Ltd 😀")[1] == ["日", "本", "😀"]


def test_a_rejection_lists_every_problem() -> None:
    ctx = PushContext(
        edition=Edition.US,
        now=datetime.now(UTC),
        idempotency_key="6b063959-81b0-4b0f-a5c4-5b5f20a6e2e8",
        transliterate=False,
    )
    draft = Draft(ctx, "invoice")
    draft.text("fine", "a")
    draft.text("€", "b")
    draft.day("2024-13-01", "c")
    with pytest.raises(PushRejectedError) as caught:
        draft.raise_if_any()
    assert set(caught.value.problems) == {"b", "c"}
    assert "2 problems" in caught.value.message
