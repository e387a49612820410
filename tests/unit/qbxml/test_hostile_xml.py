"""Hostile and broken XML: both decoders refuse it fast, with typed errors, touching nothing.

qbXML never carries a DOCTYPE, entity declarations or deep nesting, so all of them are refused
(:class:`UnsafeXmlError`); nothing is expanded, read from disk or fetched from the network.
Broken input (truncated, garbage, empty, the wrong root) is a typed
:class:`~qbdlink.errors.QbdlinkError`, never a foreign exception.
"""

from __future__ import annotations

import random
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from qbdlink.errors import QbdlinkError
from qbdlink.qbxml.decode import decode_request_set, decode_response_set, iter_response_events
from qbdlink.qbxml.errors import QbxmlStructureError, QbxmlSyntaxError, UnsafeXmlError

Decoder = Callable[[Any], object]

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "conformance" / "qbxml-samples"
RESPONSE_FILES = sorted(path.name for path in (SAMPLES / "responses").glob("*.xml"))
REQUEST_FILES = sorted(path.name for path in (SAMPLES / "requests").glob("*.xml"))

FAST = 2.0  # seconds: generous for CI, far below what an expansion or a fetch would take


def stream_all(source: Any) -> list[object]:
    return list(iter_response_events(source))


RESPONSE_DECODERS: dict[str, Decoder] = {
    "iter_response_events": stream_all,
    "decode_response_set": decode_response_set,
}
ALL_DECODERS: dict[str, Decoder] = {**RESPONSE_DECODERS, "decode_request_set": decode_request_set}

RESPONSE_BODY = (
    "<QBXML><QBXMLMsgsRs>"
    '<CustomerQueryRs requestID="1" statusCode="0" statusSeverity="Info" statusMessage="OK">'
    "<CustomerRet><Name>{payload}</Name></CustomerRet>"
    "</CustomerQueryRs></QBXMLMsgsRs></QBXML>"
)
REQUEST_BODY = (
    '<QBXML><QBXMLMsgsRq onError="stopOnError">'
    '<CustomerQueryRq requestID="1"><FullName>{payload}</FullName></CustomerQueryRq>'
    "</QBXMLMsgsRq></QBXML>"
)


def qbxml_body(decoder_name: str, payload: str) -> str:
    template = REQUEST_BODY if decoder_name == "decode_request_set" else RESPONSE_BODY
    return template.format(payload=payload)


def collect_until_error(decoder: Decoder, source: Any) -> tuple[list[object], Exception]:
    """Run the decoder; return what it produced before failing (streaming) and the error."""
    produced: list[object] = []
    try:
        if decoder is stream_all:
            for event in iter_response_events(source):
                produced.append(event)
        else:
            produced.append(decoder(source))
    except Exception as exc:  # the test asserts on the type
        return produced, exc
    pytest.fail(f"no error; produced {produced!r}")


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A local TCP port that records whether anything connected to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.setblocking(False)
    try:
        yield server
    finally:
        server.close()


def assert_no_connection(server: socket.socket) -> None:
    try:
        connection, address = server.accept()
    except BlockingIOError:
        return
    connection.close()
    pytest.fail(f"the decoder connected to the network ({address})")


def port_of(server: socket.socket) -> int:
    port: int = server.getsockname()[1]
    return port


# --- billion laughs -------------------------------------------------------------------------------


def laughs_dtd(root: str) -> str:
    entities = ['<!ENTITY lol0 "lollollollollollollollollollol">']
    for level in range(1, 10):
        refs = f"&lol{level - 1};" * 10
        entities.append(f'<!ENTITY lol{level} "{refs}">')
    return f'<?xml version="1.0"?>\n<!DOCTYPE {root} [\n' + "\n".join(entities) + "\n]>\n"


@pytest.mark.parametrize("decoder_name", ALL_DECODERS)
def test_billion_laughs_in_qbxml_refused_fast(decoder_name: str) -> None:
    decoder = ALL_DECODERS[decoder_name]
    data = (laughs_dtd("QBXML") + qbxml_body(decoder_name, "&lol9;")).encode()
    started = time.perf_counter()
    produced, error = collect_until_error(decoder, data)
    assert time.perf_counter() - started < FAST
    assert isinstance(error, UnsafeXmlError), repr(error)
    assert "lollollol" not in str(error)
    assert "lollollol" not in repr(produced)
    assert isinstance(error.line, int)


@pytest.mark.parametrize("decoder_name", ALL_DECODERS)
def test_classic_billion_laughs_refused_fast(decoder_name: str) -> None:
    # The textbook attack: its own root element, not <QBXML>. A DOCTYPE is refused outright.
    decoder = ALL_DECODERS[decoder_name]
    data = (laughs_dtd("lolz") + "<lolz>&lol9;</lolz>").encode()
    started = time.perf_counter()
    _, error = collect_until_error(decoder, data)
    assert time.perf_counter() - started < FAST
    assert isinstance(error, UnsafeXmlError), repr(error)


@pytest.mark.parametrize("decoder_name", ALL_DECODERS)
def test_quadratic_blowup_refused(decoder_name: str) -> None:
    big = "x" * 50_000
    dtd = f'<?xml version="1.0"?>\n<!DOCTYPE QBXML [<!ENTITY a "{big}">]>\n'
    data = (dtd + qbxml_body(decoder_name, "&a;" * 2_000)).encode()
    started = time.perf_counter()
    _, error = collect_until_error(ALL_DECODERS[decoder_name], data)
    assert time.perf_counter() - started < FAST
    assert isinstance(error, UnsafeXmlError), repr(error)


# --- external entities and DTDs -------------------------------------------------------------------


@pytest.mark.parametrize("decoder_name", ALL_DECODERS)
def test_xxe_file_entity_refused_and_never_read(decoder_name: str) -> None:
    decoder = ALL_DECODERS[decoder_name]
    dtd = '<?xml version="1.0"?>\n<!DOCTYPE QBXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    data = (dtd + qbxml_body(decoder_name, "&xxe;")).encode()
    produced, error = collect_until_error(decoder, data)
    assert isinstance(error, UnsafeXmlError), repr(error)
    for leaked in ("root:", "/bin/", "nologin"):
        assert leaked not in str(error)
        assert leaked not in repr(produced)


@pytest.mark.parametrize("decoder_name", RESPONSE_DECODERS)
def test_xxe_in_an_attribute_refused(decoder_name: str) -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE QBXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        b'<QBXML><QBXMLMsgsRs><CustomerQueryRs statusCode="0" statusMessage="&xxe;"/>'
        b"</QBXMLMsgsRs></QBXML>"
    )
    produced, error = collect_until_error(RESPONSE_DECODERS[decoder_name], data)
    assert isinstance(error, UnsafeXmlError), repr(error)
    assert "root:" not in repr(produced)


@pytest.mark.parametrize("decoder_name", ALL_DECODERS)
def test_xxe_with_a_foreign_root_refused(decoder_name: str) -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        b"<foo>&xxe;</foo>"
    )
    produced, error = collect_until_error(ALL_DECODERS[decoder_name], data)
    assert isinstance(error, UnsafeXmlError), repr(error)
    assert "root:" not in str(error)
    assert "root:" not in repr(produced)


@pytest.mark.parametrize("decoder_name", ALL_DECODERS)
def test_external_dtd_refused_without_network(decoder_name: str, listener: socket.socket) -> None:
    decoder = ALL_DECODERS[decoder_name]
    port = port_of(listener)
    for url in (f"http://127.0.0.1:{port}/x.dtd", "http://127.0.0.1:9/x.dtd"):
        dtd = f'<?xml version="1.0"?>\n<!DOCTYPE QBXML SYSTEM "{url}">\n'
        started = time.perf_counter()
        _, error = collect_until_error(decoder, (dtd + qbxml_body(decoder_name, "x")).encode())
        assert time.perf_counter() - started < FAST
        assert isinstance(error, UnsafeXmlError), repr(error)
    assert_no_connection(listener)


@pytest.mark.parametrize("decoder_name", ALL_DECODERS)
def test_external_entities_never_fetched(decoder_name: str, listener: socket.socket) -> None:
    port = port_of(listener)
    dtd = (
        '<?xml version="1.0"?>\n<!DOCTYPE QBXML [\n'
        f'<!ENTITY % remote SYSTEM "http://127.0.0.1:{port}/p.dtd">\n%remote;\n'
        f'<!ENTITY web SYSTEM "http://127.0.0.1:{port}/e.txt">\n]>\n'
    )
    data = (dtd + qbxml_body(decoder_name, "&web;")).encode()
    _, error = collect_until_error(ALL_DECODERS[decoder_name], data)
    assert isinstance(error, QbxmlSyntaxError), repr(error)  # UnsafeXmlError is one
    assert_no_connection(listener)


# --- deep nesting ---------------------------------------------------------------------------------


@pytest.mark.parametrize("decoder_name", ALL_DECODERS)
@pytest.mark.parametrize("depth", [100_000, 5_000])
def test_deep_nesting_refused_fast(decoder_name: str, depth: int) -> None:
    deep = "<a>" * depth + "</a>" * depth
    data = qbxml_body(decoder_name, deep).encode()
    started = time.perf_counter()
    _, error = collect_until_error(ALL_DECODERS[decoder_name], data)
    assert time.perf_counter() - started < FAST
    assert isinstance(error, UnsafeXmlError | QbxmlSyntaxError), repr(error)
    assert isinstance(error.line, int)


@pytest.mark.parametrize("decoder_name", ALL_DECODERS)
def test_deep_nesting_at_the_root_refused(decoder_name: str) -> None:
    data = ("<a>" * 100_000 + "</a>" * 100_000).encode()
    _, error = collect_until_error(ALL_DECODERS[decoder_name], data)
    assert isinstance(error, QbdlinkError), repr(error)


# --- truncated documents --------------------------------------------------------------------------

FRACTIONS = (0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95)


def cut_points(data: bytes) -> list[int]:
    end = len(data.rstrip())
    return sorted({max(1, int(end * fraction)) for fraction in FRACTIONS} | {end - 1})


def assert_truncation_error(error: Exception, truncated: bytes) -> None:
    assert isinstance(error, QbxmlSyntaxError), f"{error!r} for ...{truncated[-40:]!r}"
    assert isinstance(error.line, int), f"line {error.line!r} for ...{truncated[-40:]!r}"
    assert 1 <= error.line <= truncated.count(b"\n") + 1
    assert error.fix


@pytest.mark.parametrize("decoder_name", RESPONSE_DECODERS)
@pytest.mark.parametrize("name", RESPONSE_FILES)
def test_truncated_responses_are_syntax_errors_with_a_line(
    qbxml_samples_dir: Path, name: str, decoder_name: str
) -> None:
    data = (qbxml_samples_dir / "responses" / name).read_bytes()
    for cut in cut_points(data):
        _, error = collect_until_error(RESPONSE_DECODERS[decoder_name], data[:cut])
        assert_truncation_error(error, data[:cut])


@pytest.mark.parametrize("name", REQUEST_FILES)
def test_truncated_requests_are_syntax_errors_with_a_line(
    qbxml_samples_dir: Path, name: str
) -> None:
    data = (qbxml_samples_dir / "requests" / name).read_bytes()
    for cut in cut_points(data):
        _, error = collect_until_error(decode_request_set, data[:cut])
        assert_truncation_error(error, data[:cut])


@pytest.mark.parametrize("decoder_name", RESPONSE_DECODERS)
@pytest.mark.parametrize("name", RESPONSE_FILES)
def test_response_cut_inside_its_start_tag_is_a_syntax_error(
    qbxml_samples_dir: Path, name: str, decoder_name: str
) -> None:
    # A transfer cut short inside `<CustomerQueryRs requestID="..." ...` is damage in transit,
    # not a response without a statusCode.
    data = (qbxml_samples_dir / "responses" / name).read_bytes()
    start = data.index(b"<", data.index(b"<QBXMLMsgsRs>") + 1)
    name_end = data.index(b" ", start)
    for cut in (name_end, name_end + 1, data.index(b'"', name_end) + 1):
        _, error = collect_until_error(RESPONSE_DECODERS[decoder_name], data[:cut])
        assert_truncation_error(error, data[:cut])


# --- garbage, empty, wrong root -------------------------------------------------------------------

GARBAGE: dict[str, bytes | str] = {
    "empty_bytes": b"",
    "empty_str": "",
    "whitespace": b"   \n\t  ",
    "utf8_bom_only": b"\xef\xbb\xbf",
    "nul": b"\x00\x00\x00\x00",
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "text": b"statusCode=0 this is not xml",
    "half_tag": b"<QBX",
    "unclosed_root": b"<QBXML>",
    "bad_encoding": b'<?xml version="1.0" encoding="no-such-encoding"?><QBXML/>',
    "latin1_as_utf8": b'<?xml version="1.0" encoding="utf-8"?><QBXML>\xe9\xff</QBXML>',
    "two_roots": b"<QBXML></QBXML><QBXML></QBXML>",
    "mismatched": b"<QBXML><QBXMLMsgsRs></QBXML></QBXMLMsgsRs>",
    "bad_char_ref": b"<QBXML>&#0;</QBXML>",
    "undefined_entity": b"<QBXML>&nbsp;</QBXML>",
    "lone_surrogate_str": "<QBXML>\ud800</QBXML>",
}


@pytest.mark.parametrize("decoder_name", ALL_DECODERS)
@pytest.mark.parametrize("case", GARBAGE)
def test_garbage_gives_typed_errors(decoder_name: str, case: str) -> None:
    _, error = collect_until_error(ALL_DECODERS[decoder_name], GARBAGE[case])
    assert isinstance(error, QbdlinkError), repr(error)
    assert error.message
    assert error.code.startswith("qbxml.")


@pytest.mark.parametrize("decoder_name", ALL_DECODERS)
def test_random_bytes_give_typed_errors(decoder_name: str) -> None:
    rng = random.Random(20240229)
    decoder = ALL_DECODERS[decoder_name]
    for _ in range(200):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
        if rng.random() < 0.5:
            data = b"<QBXML><QBXMLMsgsRs>" + data
        _, error = collect_until_error(decoder, data)
        assert isinstance(error, QbdlinkError), f"{error!r} for {data!r}"


@pytest.mark.parametrize("decoder_name", ALL_DECODERS)
def test_empty_input_is_a_syntax_error(decoder_name: str) -> None:
    _, error = collect_until_error(ALL_DECODERS[decoder_name], b"")
    assert isinstance(error, QbxmlSyntaxError), repr(error)
    assert not isinstance(error, UnsafeXmlError)


@pytest.mark.parametrize("decoder_name", ALL_DECODERS)
@pytest.mark.parametrize(
    "data",
    [
        b"<html><body>Service Unavailable</body></html>",
        b'<?xml version="1.0"?>\n<soap:Envelope xmlns:soap="urn:x"><soap:Body/></soap:Envelope>',
        b"<QBXMLMsgsRs><CustomerQueryRs statusCode='0'/></QBXMLMsgsRs>",
        b"<qbxml><QBXMLMsgsRs/></qbxml>",
    ],
    ids=["html", "soap", "envelope_as_root", "lowercase"],
)
def test_non_qbxml_root_is_a_structure_error(decoder_name: str, data: bytes) -> None:
    # Well-formed XML of another shape: QbxmlStructureError ("wrong root"), per errors.py.
    _, error = collect_until_error(ALL_DECODERS[decoder_name], data)
    assert isinstance(error, QbxmlStructureError), repr(error)
    assert error.fix is not None


@pytest.mark.parametrize("decoder_name", RESPONSE_DECODERS)
def test_unknown_encoding_in_a_real_sample_is_typed(
    qbxml_samples_dir: Path, decoder_name: str
) -> None:
    data = (qbxml_samples_dir / "responses" / "customer_query_rs.xml").read_bytes()
    damaged = data.replace(b'<?xml version="1.0" ?>', b'<?xml version="1.0" encoding="x-bogus"?>')
    assert damaged != data
    _, error = collect_until_error(RESPONSE_DECODERS[decoder_name], damaged)
    assert isinstance(error, QbxmlSyntaxError), repr(error)


def test_response_document_given_to_the_request_decoder(qbxml_samples_dir: Path) -> None:
    data = (qbxml_samples_dir / "responses" / "customer_query_rs.xml").read_bytes()
    _, error = collect_until_error(decode_request_set, data)
    assert isinstance(error, QbxmlStructureError), repr(error)


def test_unknown_request_is_a_structure_error() -> None:
    data = (
        b'<?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">'
        b"<SalesOrderQueryRq/></QBXMLMsgsRq></QBXML>"
    )
    _, error = collect_until_error(decode_request_set, data)
    assert isinstance(error, QbxmlStructureError), repr(error)
    assert "SalesOrderQueryRq" in str(error)


def test_bad_request_version_is_typed() -> None:
    data = b'<?qbxml version="banana"?><QBXML><QBXMLMsgsRq onError="stopOnError"/></QBXML>'
    _, error = collect_until_error(decode_request_set, data)
    assert isinstance(error, QbdlinkError), repr(error)
