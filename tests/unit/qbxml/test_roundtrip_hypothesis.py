"""Property tests: drawn messages survive build -> encode -> XSD validation -> decode unchanged.

Requests: every request type in ``messages.REQUESTS`` (so every entity's Add, Mod and Query),
drawn with a random subset of the optional fields and random choice branches, encoded for
qbXML 16.0 US, validated against the 16.0 XSD and decoded back to an equal object.

Responses: query responses that carry records (one with mixed item kinds), filled with rich
records or drawn ones, encoded as QuickBooks would send them, validated, decoded.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from qbdlink.qbxml import (
    Edition,
    EncodeTarget,
    QbxmlObject,
    QbxmlVersion,
    decode_request_set,
    decode_response_set,
    encode_request_set,
    encode_response_set,
    messages,
)
from qbdlink.qbxml.errors import FieldTooLongError
from qbdlink.qbxml.xsd import QbxmlSchema, load_schema
from tests.support.qbxml_builders import instances, records_field, rich_instance, with_status

VERSION = QbxmlVersion.parse("16.0")
TARGET = EncodeTarget(version=VERSION, edition=Edition.US)
RESPONSE_TAGS = [
    "InvoiceQueryRs",
    "CustomerQueryRs",
    "ItemQueryRs",
    "TermsQueryRs",
    "JournalEntryQueryRs",
    "BillQueryRs",
]

# Shrinking a failing message (hundreds of fields) can take minutes: the failure reports print
# the XML and the XSD problems, which is enough to see the cause, so examples are not shrunk.
PHASES = (Phase.explicit, Phase.reuse, Phase.generate)
HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large]
REQUEST_SETTINGS = settings(
    max_examples=15, deadline=None, phases=PHASES, suppress_health_check=HEALTH
)


@pytest.fixture(scope="session")
def schema_16(xsd_dir: Path) -> QbxmlSchema:
    return load_schema(xsd_dir, "16.0")


def _problems_report(xml: str, problems: list[Any]) -> str:
    listed = "\n".join(f"  {problem}" for problem in problems)
    return f"XSD problems:\n{listed}\n--- document ---\n{xml}"


# ---- requests -----------------------------------------------------------------------------------


@pytest.mark.parametrize("tag", sorted(messages.REQUESTS))
def test_drawn_request_round_trips(schema_16: QbxmlSchema, tag: str) -> None:
    cls = messages.REQUESTS[tag]

    @REQUEST_SETTINGS
    @given(request=instances(cls, TARGET, tag))
    def round_trip(request: QbxmlObject) -> None:
        xml = encode_request_set([request], target=TARGET)
        problems = schema_16.validate(xml.encode())
        assert not problems, _problems_report(xml, problems)
        decoded = decode_request_set(xml)
        assert decoded.requests == (request,), xml

    round_trip()


@settings(max_examples=25, deadline=None, phases=PHASES, suppress_health_check=HEALTH)
@given(data=st.data())
def test_drawn_request_sets_round_trip(schema_16: QbxmlSchema, data: st.DataObject) -> None:
    """Several requests of different types in one message set keep their order and values."""
    tags = data.draw(st.lists(st.sampled_from(sorted(messages.REQUESTS)), min_size=2, max_size=4))
    requests = [data.draw(instances(messages.REQUESTS[tag], TARGET, tag)) for tag in tags]
    on_error = data.draw(st.sampled_from(["stopOnError", "continueOnError"]))
    xml = encode_request_set(requests, target=TARGET, on_error=on_error)
    problems = schema_16.validate(xml.encode())
    assert not problems, _problems_report(xml, problems)
    decoded = decode_request_set(xml)
    assert decoded.on_error == on_error
    assert decoded.requests == tuple(requests)


# Two properties the drawn round trips depend on, pinned down with one example each so that a
# failure names its cause directly (hypothesis would find them too, among other examples).


def test_attribute_values_keep_tabs_newlines_and_carriage_returns() -> None:
    """XML parsers turn a literal tab, newline or CR in an attribute value into a space, so the
    encoder must write them as character references for ``requestID`` to come back unchanged."""
    request = messages.CustomerQueryRq(max_returned=1, request_id="a\tb\nc\rd")
    xml = encode_request_set([request], target=TARGET)
    assert decode_request_set(xml).requests == (request,), xml


def test_ids_longer_than_the_xsd_allows_are_refused(schema_16: QbxmlSchema) -> None:
    """IDTYPE (ListID, TxnID, ...) is at most 36 characters in the XSD: the encoder either
    refuses a longer one or (if it wrote it) the document would not be valid."""
    request = messages.CustomerQueryRq(list_id=("8" * 37,))
    try:
        xml = encode_request_set([request], target=TARGET)
    except FieldTooLongError:
        return
    problems = schema_16.validate(xml.encode())
    assert not problems, _problems_report(xml, problems)


# ---- responses ----------------------------------------------------------------------------------


def _check_response(schema_16: QbxmlSchema, response: QbxmlObject) -> None:
    field = records_field(type(response))
    assert field is not None
    value = getattr(response, field.attr)
    records = list(value) if field.repeated else [] if value is None else [value]
    xml = encode_response_set([response], version=VERSION)
    problems = schema_16.validate(xml.encode())
    assert not problems, _problems_report(xml, problems)

    decoded = decode_response_set(xml)
    assert len(decoded.responses) == 1
    got = decoded.responses[0]
    assert got.status.tag == response._spec.tag
    assert (got.status.code, got.status.severity, got.status.message) == (0, "Info", "Status OK")
    assert got.status.request_id == getattr(response, "request_id", None)
    assert got.records == records, xml
    # The body is the response without its streamed records.
    without_records = {field.attr: () if field.repeated else None}
    assert got.body == dataclasses.replace(response, **without_records)  # type: ignore[type-var]


@pytest.mark.parametrize("tag", RESPONSE_TAGS)
@pytest.mark.parametrize("branch", [0, 1, 2, 3])
def test_rich_query_response_round_trips(schema_16: QbxmlSchema, tag: str, branch: int) -> None:
    cls = messages.RESPONSES[tag]
    response = with_status(rich_instance(cls, target=TARGET, path=tag, branch=branch))
    field = records_field(cls)
    assert field is not None
    records = getattr(response, field.attr)
    # Every kind of record the response can hold (ItemQueryRs: every item type).
    assert {type(record) for record in records} == {c for _, c in field.classes}
    _check_response(schema_16, response)


RESPONSES_WITH_RECORDS = sorted(
    tag for tag, cls in messages.RESPONSES.items() if records_field(cls) is not None
)


@pytest.mark.parametrize("tag", RESPONSES_WITH_RECORDS)
def test_drawn_response_round_trips(schema_16: QbxmlSchema, tag: str) -> None:
    """Every response that carries records (Add, Mod and Query), drawn."""
    cls = messages.RESPONSES[tag]
    examples = 12 if tag in RESPONSE_TAGS else 4

    @settings(max_examples=examples, deadline=None, phases=PHASES, suppress_health_check=HEALTH)
    @given(response=instances(cls, TARGET, tag))
    def round_trip(response: QbxmlObject) -> None:
        _check_response(schema_16, with_status(response))

    round_trip()
