"""Streaming response decoding (decode.iter_response_events): events, statuses, leniency, memory."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from qbdlink.errors import QbdlinkError
from qbdlink.qbxml import messages as m
from qbdlink.qbxml.decode import (
    MessageSetStatus,
    ResponseEnd,
    ResponseEvent,
    ResponseStatus,
    decode_response_set,
    iter_response_events,
)
from qbdlink.qbxml.errors import QbxmlStructureError
from qbdlink.qbxml.messages import RESPONSES
from qbdlink.qbxml.status import EditSequenceConflictError, QuickBooksStatusError

PROLOG = '<?xml version="1.0" ?>\n'


def document(body: str, envelope_attrs: str = "", prolog: str = PROLOG) -> str:
    return f"{prolog}<QBXML>\n<QBXMLMsgsRs{envelope_attrs}>\n{body}</QBXMLMsgsRs>\n</QBXML>\n"


def customer(name: str, extra: str = "") -> str:
    return (
        f"<CustomerRet><ListID>L-{name}</ListID><Name>{name}</Name>"
        f"<Balance>1.50</Balance>{extra}</CustomerRet>\n"
    )


def events(source: bytes | str) -> list[ResponseEvent]:
    return list(iter_response_events(source))


def kinds(items: list[ResponseEvent]) -> list[str]:
    out = []
    for event in items:
        if isinstance(event, MessageSetStatus):
            out.append("set")
        elif isinstance(event, ResponseStatus):
            out.append(f"status:{event.tag}")
        elif isinstance(event, ResponseEnd):
            out.append(f"end:{event.status.tag}")
        else:
            out.append(type(event).__name__)
    return out


MULTI = document(
    '<CustomerQueryRs requestID="1" statusCode="0" statusSeverity="Info" '
    'statusMessage="Status OK" retCount="2">\n'
    + customer("Alpha")
    + customer("Beta")
    + "</CustomerQueryRs>\n"
    '<InvoiceQueryRs requestID="2" statusCode="1" statusSeverity="Info" '
    'statusMessage="A query request did not find a matching object in QuickBooks"/>\n'
    '<CustomerModRs requestID="3" statusCode="3200" statusSeverity="Error" '
    'statusMessage="The provided edit sequence &quot;1416315972&quot; is out-of-date."/>\n',
    envelope_attrs=' newMessageSetID="set-42" messageSetStatusCode="0"',
)


# --- event order ----------------------------------------------------------------------------------


def test_event_order_across_responses() -> None:
    assert kinds(events(MULTI.encode())) == [
        "set",
        "status:CustomerQueryRs",
        "CustomerRet",
        "CustomerRet",
        "end:CustomerQueryRs",
        "status:InvoiceQueryRs",
        "end:InvoiceQueryRs",
        "status:CustomerModRs",
        "end:CustomerModRs",
    ]


def test_envelope_error_recovery_attributes() -> None:
    first = events(MULTI.encode())[0]
    assert first == MessageSetStatus(new_message_set_id="set-42", message_set_status_code=0)


def test_envelope_without_attributes() -> None:
    first = events(document(""))[0]
    assert first == MessageSetStatus(new_message_set_id=None, message_set_status_code=None)


def test_status_comes_before_records_and_end_carries_it() -> None:
    items = events(MULTI.encode())
    status, alpha, beta, end = items[1:5]
    assert isinstance(status, ResponseStatus)
    assert status.request_id == "1"
    assert status.ret_count == 2
    assert isinstance(alpha, m.CustomerRet)
    assert isinstance(beta, m.CustomerRet)
    assert (alpha.name, beta.name) == ("Alpha", "Beta")
    assert alpha.balance == Decimal("1.50")
    assert isinstance(end, ResponseEnd)
    assert end.status is status
    assert isinstance(end.body, m.CustomerQueryRs)
    assert end.body.ret_count == 2


def test_decode_response_set_groups_the_events() -> None:
    decoded = decode_response_set(MULTI)
    assert decoded.message_set is not None
    assert decoded.message_set.new_message_set_id == "set-42"
    assert [r.status.tag for r in decoded.responses] == [
        "CustomerQueryRs",
        "InvoiceQueryRs",
        "CustomerModRs",
    ]
    assert [len(r.records) for r in decoded.responses] == [2, 0, 0]
    assert all(r.body is not None for r in decoded.responses)


# --- statuses -------------------------------------------------------------------------------------


def status(code: int, severity: str = "Info", tag: str = "CustomerQueryRs") -> ResponseStatus:
    (item,) = [
        e
        for e in events(
            document(
                f'<{tag} requestID="9" statusCode="{code}" statusSeverity="{severity}" '
                f'statusMessage="message {code}"/>\n'
            )
        )
        if isinstance(e, ResponseStatus)
    ]
    return item


@pytest.mark.parametrize(
    ("code", "severity"), [(0, "Info"), (1, "Info"), (500, "Warn"), (530, "Warn")]
)
def test_info_and_warnings_are_not_failures(code: int, severity: str) -> None:
    item = status(code, severity)
    assert item.code == code
    assert item.severity == severity
    assert not item.is_failure
    item.raise_for_status()  # does nothing


def test_no_match_status_message() -> None:
    decoded = decode_response_set(MULTI)
    no_match = decoded.responses[1].status
    assert no_match.code == 1
    assert "did not find" in no_match.message
    assert not no_match.is_failure


def test_edit_sequence_conflict_is_a_failure_and_raises_its_type() -> None:
    conflict = decode_response_set(MULTI).responses[2].status
    assert conflict.code == 3200
    assert conflict.is_failure
    assert conflict.message == 'The provided edit sequence "1416315972" is out-of-date.'
    with pytest.raises(EditSequenceConflictError) as info:
        conflict.raise_for_status()
    error = info.value
    assert error.status_code == 3200
    assert error.request_name == "CustomerModRq"
    assert error.request_id == "3"
    assert "1416315972" in error.message


@pytest.mark.parametrize("code", [1000, 3100, 3120, 3250, 9100])
def test_error_range_raises_a_status_error(code: int) -> None:
    item = status(code, "Error")
    assert item.is_failure
    with pytest.raises(QuickBooksStatusError) as info:
        item.raise_for_status()
    assert info.value.status_code == code


def test_missing_severity_is_derived_from_the_code() -> None:
    body = '<CustomerQueryRs statusCode="{0}" statusMessage="m"/>\n'
    severities = []
    for code in (0, 500, 3200):
        (item,) = [e for e in events(document(body.format(code))) if isinstance(e, ResponseStatus)]
        severities.append(item.severity)
    assert severities == ["Info", "Warn", "Error"]


def test_response_outside_qbdlinks_scope_still_reports_its_status() -> None:
    assert "SalesOrderQueryRs" not in RESPONSES
    xml = document(
        '<SalesOrderQueryRs requestID="7" statusCode="3250" statusSeverity="Error" '
        'statusMessage="This feature is not enabled">\n'
        "<SalesOrderRet><TxnID>1-1</TxnID></SalesOrderRet>\n"
        "</SalesOrderQueryRs>\n"
        '<CustomerQueryRs requestID="8" statusCode="0" statusSeverity="Info" statusMessage="OK">\n'
        + customer("Gamma")
        + "</CustomerQueryRs>\n"
    )
    statuses = [e for e in events(xml) if isinstance(e, ResponseStatus)]
    assert sorted(s.tag for s in statuses) == ["CustomerQueryRs", "SalesOrderQueryRs"]
    (unknown,) = [s for s in statuses if s.tag == "SalesOrderQueryRs"]
    assert unknown.code == 3250
    assert unknown.request_id == "7"
    assert unknown.is_failure
    with pytest.raises(QuickBooksStatusError):
        unknown.raise_for_status()
    records = [e for e in events(xml) if isinstance(e, m.CustomerRet)]
    assert [r.name for r in records] == ["Gamma"]


def test_decode_response_set_keeps_an_unknown_response() -> None:
    xml = document(
        '<SalesOrderAddRs requestID="5" statusCode="3100" statusSeverity="Error" '
        'statusMessage="in use"/>\n'
    )
    decoded = decode_response_set(xml)
    assert [(r.status.tag, r.status.code) for r in decoded.responses] == [("SalesOrderAddRs", 3100)]


# --- nested records -------------------------------------------------------------------------------


def test_nested_data_ext_ret_stays_inside_its_customer() -> None:
    ext = (
        "<DataExtRet><OwnerID>0</OwnerID><DataExtName>Color</DataExtName>"
        "<DataExtType>STR255TYPE</DataExtType><DataExtValue>Red</DataExtValue></DataExtRet>"
    )
    xml = document(
        '<CustomerQueryRs statusCode="0" statusSeverity="Info" statusMessage="OK">\n'
        + customer("Delta", extra=ext + ext.replace("Red", "Blue"))
        + "</CustomerQueryRs>\n"
    )
    items = events(xml)
    records = [e for e in items if isinstance(e, m.CustomerRet | m.DataExtRet)]
    assert len(records) == 1
    (record,) = records
    assert isinstance(record, m.CustomerRet)
    assert [(x.data_ext_name, x.data_ext_value) for x in record.data_ext_ret] == [
        ("Color", "Red"),
        ("Color", "Blue"),
    ]


def test_top_level_data_ext_ret_is_a_record() -> None:
    xml = document(
        '<DataExtAddRs statusCode="0" statusSeverity="Info" statusMessage="OK">'
        "<DataExtRet><OwnerID>0</OwnerID><DataExtName>Color</DataExtName>"
        "<DataExtType>STR255TYPE</DataExtType><DataExtValue>Red</DataExtValue></DataExtRet>"
        "</DataExtAddRs>\n"
    )
    (response,) = decode_response_set(xml).responses
    (record,) = response.records
    assert isinstance(record, m.DataExtRet)
    assert record.data_ext_value == "Red"


# --- leniency -------------------------------------------------------------------------------------


def one_customer(inner: str) -> m.CustomerRet:
    xml = document(
        '<CustomerQueryRs statusCode="0" statusSeverity="Info" statusMessage="OK">\n'
        f"<CustomerRet>{inner}</CustomerRet>\n</CustomerQueryRs>\n"
    )
    (response,) = decode_response_set(xml).responses
    (record,) = response.records
    assert isinstance(record, m.CustomerRet)
    return record


def test_unknown_elements_are_skipped() -> None:
    record = one_customer(
        "<ListID>1-1</ListID><FutureElement>x</FutureElement>"
        "<FutureBlock><Inner>1</Inner><Name>not the name</Name></FutureBlock>"
        "<Name>Echo</Name><Balance>2.00</Balance>"
    )
    assert record.list_id == "1-1"
    assert record.name == "Echo"
    assert record.balance == Decimal("2.00")


def test_elements_out_of_order_are_accepted() -> None:
    record = one_customer(
        "<Balance>3.25</Balance><IsActive>false</IsActive><Name>Foxtrot</Name>"
        "<TimeCreated>2015-11-04T14:39:03-08:00</TimeCreated><ListID>2-2</ListID>"
    )
    assert record.name == "Foxtrot"
    assert record.list_id == "2-2"
    assert record.is_active is False
    assert record.balance == Decimal("3.25")
    assert record.time_created == datetime(
        2015, 11, 4, 14, 39, 3, tzinfo=timezone(timedelta(hours=-8))
    )


def test_empty_elements_are_unset() -> None:
    record = one_customer(
        "<Name>Golf</Name><Balance/><IsActive></IsActive><Sublevel> </Sublevel>"
        "<TimeCreated></TimeCreated><Email/><BillAddress></BillAddress>"
    )
    assert record.name == "Golf"
    assert record.balance is None
    assert record.is_active is None
    assert record.sublevel is None
    assert record.time_created is None
    assert record.email is None
    assert record.bill_address is not None
    assert record.bill_address.to_dict() == {}


def test_booleans_and_numbers_parse() -> None:
    record = one_customer(
        "<IsActive>true</IsActive><Sublevel>2</Sublevel><Balance>-0.10</Balance>"
        "<TotalBalance> 1234567890123.45 </TotalBalance>"
    )
    assert record.is_active is True
    assert record.sublevel == 2
    assert record.balance == Decimal("-0.10")
    assert record.total_balance == Decimal("1234567890123.45")


# --- strictness -----------------------------------------------------------------------------------


def test_non_numeric_decimal_names_element_and_line() -> None:
    xml = document(
        '<CustomerQueryRs statusCode="0" statusSeverity="Info" statusMessage="OK">\n'
        "<CustomerRet>\n<Name>Hotel</Name>\n<Balance>abc</Balance>\n</CustomerRet>\n"
        "</CustomerQueryRs>\n"
    )
    balance_line = xml.splitlines().index("<Balance>abc</Balance>") + 1
    with pytest.raises(QbxmlStructureError) as info:
        decode_response_set(xml)
    assert info.value.line == balance_line
    assert "Balance" in info.value.message
    assert "abc" in info.value.message
    assert f"line {balance_line}" in info.value.message


@pytest.mark.parametrize(
    ("inner", "tag"),
    [
        ("<IsActive>yes</IsActive>", "IsActive"),
        ("<Sublevel>one</Sublevel>", "Sublevel"),
        ("<TimeCreated>yesterday</TimeCreated>", "TimeCreated"),
        ("<JobStartDate>2015-13-45</JobStartDate>", "JobStartDate"),
    ],
)
def test_unparseable_values_are_structure_errors(inner: str, tag: str) -> None:
    with pytest.raises(QbxmlStructureError) as info:
        one_customer(inner)
    assert tag in info.value.message
    assert isinstance(info.value.line, int)


def test_missing_status_code_is_a_structure_error() -> None:
    xml = document('<CustomerQueryRs statusSeverity="Info" statusMessage="OK"/>\n')
    with pytest.raises(QbxmlStructureError) as info:
        decode_response_set(xml)
    assert "statusCode" in info.value.message
    assert info.value.line == 4  # the response's own line


@pytest.mark.parametrize("attrs", ['statusCode="OK"', 'statusCode="0" retCount="many"'])
def test_non_numeric_status_attributes_are_structure_errors(attrs: str) -> None:
    xml = document(f'<CustomerQueryRs {attrs} statusMessage="m"/>\n')
    with pytest.raises(QbxmlStructureError):
        decode_response_set(xml)


def test_non_numeric_message_set_status_code_is_a_structure_error() -> None:
    with pytest.raises(QbxmlStructureError):
        decode_response_set(document("", envelope_attrs=' messageSetStatusCode="x"'))


# --- input forms ----------------------------------------------------------------------------------

LATIN1_BODY = (
    '<CustomerQueryRs statusCode="0" statusSeverity="Info" statusMessage="OK">'
    "<CustomerRet><Name>Café Zoë</Name><Notes>ÿ ñ</Notes></CustomerRet></CustomerQueryRs>\n"
)


def latin1_customer(source: bytes | str | io.BufferedIOBase | io.BytesIO) -> m.CustomerRet:
    (response,) = decode_response_set(source).responses
    (record,) = response.records
    assert isinstance(record, m.CustomerRet)
    return record


def test_bytes_input_in_iso_8859_1() -> None:
    xml = document(LATIN1_BODY, prolog='<?xml version="1.0" encoding="ISO-8859-1"?>\n')
    record = latin1_customer(xml.encode("latin-1"))
    assert (record.name, record.notes) == ("Café Zoë", "ÿ ñ")


def test_bytes_input_in_utf8() -> None:
    record = latin1_customer(document(LATIN1_BODY).encode("utf-8"))
    assert record.name == "Café Zoë"


@pytest.mark.parametrize(
    "declaration",
    [
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n',
        "<?xml version='1.0' encoding='ISO-8859-1'?>\n",
        '<?xml version="1.0" encoding = "ISO-8859-1" ?>\n',
        '<?xml version="1.0" encoding= "windows-1252"?>\n',
    ],
)
def test_str_input_is_already_decoded_whatever_its_declaration(declaration: str) -> None:
    record = latin1_customer(document(LATIN1_BODY, prolog=declaration))
    assert (record.name, record.notes) == ("Café Zoë", "ÿ ñ")


def test_str_input_without_declaration() -> None:
    assert latin1_customer(document(LATIN1_BODY, prolog="")).name == "Café Zoë"


def test_binary_file_object_input(tmp_path: Path) -> None:
    path = tmp_path / "response.xml"
    path.write_bytes(document(LATIN1_BODY).encode("utf-8"))
    with path.open("rb") as handle:
        assert latin1_customer(handle).name == "Café Zoë"
    assert latin1_customer(io.BytesIO(path.read_bytes())).name == "Café Zoë"


def test_character_references_decode() -> None:
    record = one_customer("<Name>Caf&#233; &amp; &#8364; &lt;x&gt;</Name>")
    assert record.name == "Café & € <x>"


# --- flat memory ----------------------------------------------------------------------------------

RECORD_TEMPLATE = (
    "<CustomerRet><ListID>{i:X}-1211236622</ListID>"
    "<TimeCreated>2008-05-19T18:37:02-05:00</TimeCreated>"
    "<EditSequence>1213155356</EditSequence><Name>Customer {i}</Name>"
    "<FullName>Customer {i}</FullName><IsActive>true</IsActive><Sublevel>0</Sublevel>"
    "<BillAddress><City>Storrs</City><PostalCode>06268</PostalCode></BillAddress>"
    "<Balance>{i}.25</Balance><TotalBalance>{i}.25</TotalBalance>"
    "<JobStatus>None</JobStatus></CustomerRet>\n"
)
RECORD_COUNT = 20_000


def big_document(count: int = RECORD_COUNT) -> bytes:
    body = "".join(RECORD_TEMPLATE.format(i=i) for i in range(count))
    return document(
        '<CustomerQueryRs requestID="1" statusCode="0" statusSeverity="Info" '
        f'statusMessage="Status OK" retCount="{count}">\n{body}</CustomerQueryRs>\n'
    ).encode()


def peak_traced(work: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        work()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def test_streaming_memory_stays_flat() -> None:
    data = big_document()
    assert len(data) > 4_000_000
    count = 0
    balance_total = Decimal(0)
    last: m.CustomerRet | None = None
    tracemalloc.start()
    try:
        for event in iter_response_events(io.BytesIO(data)):
            if isinstance(event, m.CustomerRet):
                count += 1
                assert event.balance is not None
                balance_total += event.balance
                last = event
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == RECORD_COUNT
    assert last is not None
    assert last.name == f"Customer {RECORD_COUNT - 1}"
    assert balance_total == sum(Decimal(f"{i}.25") for i in range(RECORD_COUNT))
    # Python-side memory (what tracemalloc sees) must not grow with the document.
    assert peak < len(data) / 4, f"peak {peak} bytes for a {len(data)}-byte document"


def test_memory_measure_detects_retained_records() -> None:
    # Control for the test above: keeping every record (decode_response_set) must exceed the
    # same bound, or the measurement could not catch a decoder that retains its tree.
    data = big_document(4_000)
    peak = peak_traced(lambda: decode_response_set(data))
    assert peak > len(data) / 4


def test_every_error_is_a_qbdlink_error() -> None:
    for bad in (document('<CustomerQueryRs statusMessage="m"/>\n'), "<QBXML><QBXMLMsgsRs>"):
        with pytest.raises(QbdlinkError):
            decode_response_set(bad)
