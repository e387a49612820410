"""qbdlink.qbxml.xsd: version -> schema, the version instruction, validation against the XSDs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from qbdlink.errors import ConfigurationError, QbdlinkError
from qbdlink.qbxml import xsd
from qbdlink.qbxml.errors import UnsupportedVersionError

PROLOG = '<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="{version}"?>\n'

CUSTOMER_QUERY = (
    "<QBXML>\n"
    '  <QBXMLMsgsRq onError="stopOnError">\n'
    '    <CustomerQueryRq requestID="1">\n'
    "      <MaxReturned>10</MaxReturned>\n"
    "    </CustomerQueryRq>\n"
    "  </QBXMLMsgsRq>\n"
    "</QBXML>\n"
)


def document(body: str = CUSTOMER_QUERY, version: str = "13.0") -> bytes:
    return (PROLOG.format(version=version) + body).encode()


# --- version -> schema --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qbxml_version", "schema_version"),
    [
        ("1.0", "13.0"),
        ("2.0", "13.0"),
        ("2.1", "13.0"),
        ("5.0", "13.0"),
        ("6.0", "13.0"),
        ("12.0", "13.0"),
        ("13.0", "13.0"),
        ("13.1", "13.0"),
        ("CA2.0", "13.0"),
        ("CA3.0", "13.0"),
        ("UK2.0", "13.0"),
        ("UK3.0", "13.0"),
        ("OZ2.0", "13.0"),
        ("AU3.0", "13.0"),
        ("14.0", "16.0"),
        ("15.0", "16.0"),
        ("16.0", "16.0"),
        ("17.0", "16.0"),
        (" 16.0 ", "16.0"),
    ],
)
def test_schema_version_for(qbxml_version: str, schema_version: str) -> None:
    assert xsd.schema_version_for(qbxml_version) == schema_version


@pytest.mark.parametrize("garbage", ["", "16", "v16.0", "16.0.1", "abc", "0.5", "XX3.0", "CA13.0"])
def test_schema_version_for_rejects_garbage(garbage: str) -> None:
    with pytest.raises(UnsupportedVersionError) as caught:
        xsd.schema_version_for(garbage)
    assert repr(garbage) in caught.value.message
    assert isinstance(caught.value, QbdlinkError)
    assert caught.value.fix


def test_schema_path() -> None:
    assert xsd.schema_path(Path("x"), "13.0") == Path("x/13.0/qbxmlops130.xsd")
    assert xsd.schema_path(Path("x"), "16.0") == Path("x/16.0/qbxmlops160.xsd")
    with pytest.raises(ValueError, match=r"14\.0"):
        xsd.schema_path(Path("x"), "14.0")


# --- the version instruction --------------------------------------------------------------------


@pytest.mark.parametrize("version", ["2.0", "13.0", "16.0", "CA3.0"])
def test_read_qbxml_version(version: str) -> None:
    assert xsd.read_qbxml_version(document(version=version)) == version


def test_read_qbxml_version_without_xml_declaration() -> None:
    assert xsd.read_qbxml_version(b'<?qbxml version="16.0"?><QBXML/>') == "16.0"


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?>\n<QBXML/>',
        b'<?xml version="1.0"?>\n<?other version="16.0"?>\n<QBXML/>',
        b'<?xml version="1.0"?>\n<?qbxml?>\n<QBXML/>',
        # An instruction after the root element's start does not count.
        b'<?xml version="1.0"?>\n<QBXML><?qbxml version="16.0"?></QBXML>',
        b"",
        b"not xml",
    ],
)
def test_read_qbxml_version_none(data: bytes) -> None:
    assert xsd.read_qbxml_version(data) is None


def test_read_qbxml_version_stops_at_the_root_element() -> None:
    # Reads the prolog only: what follows the root's start tag (here: broken) is not looked at.
    assert xsd.read_qbxml_version(b'<?qbxml version="16.0"?>\n<QBXML><a></b>') == "16.0"


# --- schemas ------------------------------------------------------------------------------------


def test_load_schema_is_cached(xsd_dir: Path, qbxml_schemas: dict[str, xsd.QbxmlSchema]) -> None:
    for version in xsd.SCHEMA_VERSIONS:
        assert xsd.load_schema(xsd_dir, version) is qbxml_schemas[version]
        assert qbxml_schemas[version].schema_version == version
        assert qbxml_schemas[version].path == xsd.schema_path(xsd_dir.resolve(), version)


def test_load_schema_missing(tmp_path: Path) -> None:
    with pytest.raises(xsd.SchemaNotFoundError) as caught:
        xsd.load_schema(tmp_path, "13.0")
    error = caught.value
    assert isinstance(error, ConfigurationError)
    assert str(tmp_path / "13.0" / "qbxmlops130.xsd") in error.message
    assert "QuickBooks SDK" in error.fix
    assert "--xsd-dir" in error.fix
    assert "QBDLINK_QBXML_XSD_DIR" in error.fix


def test_load_schema_broken(tmp_path: Path) -> None:
    (tmp_path / "16.0").mkdir()
    (tmp_path / "16.0" / "qbxmlops160.xsd").write_text("<xsd:schema")
    with pytest.raises(xsd.SchemaNotFoundError, match="cannot be loaded"):
        xsd.load_schema(tmp_path, "16.0")


# --- the conformance samples --------------------------------------------------------------------

# Collected before fixtures exist: the same place as the conformance_dir fixture (conftest.py).
SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "conformance" / "qbxml-samples"
REQUESTS = sorted((SAMPLES / "requests").glob("*.xml"))
SCHEMA_INVALID_RESPONSES = {"receive_payment_query_rs.xml"}


def test_there_are_request_samples() -> None:
    assert len(REQUESTS) >= 10, "expected the qbXML request samples in ../shared/conformance"


@pytest.mark.parametrize("sample", REQUESTS, ids=lambda path: path.name)
def test_every_request_sample_validates_against_its_versions_schema(
    sample: Path, xsd_dir: Path
) -> None:
    data = sample.read_bytes()
    version = xsd.read_qbxml_version(data)
    assert version is not None
    result = xsd.validate_document(data, xsd_dir)
    assert result.problems == ()
    assert result.valid
    assert result.qbxml_version == version
    # The samples are old (2.0 to 8.0): all go to the 13.0 schema.
    assert result.schema_version == "13.0"


def test_response_samples(
    qbxml_samples_dir: Path, xsd_dir: Path, qbxml_schemas: dict[str, xsd.QbxmlSchema]
) -> None:
    responses = sorted((qbxml_samples_dir / "responses").glob("*.xml"))
    assert len(responses) >= 8
    for sample in responses:
        data = sample.read_bytes()
        # QuickBooks writes no version instruction into its responses ...
        assert xsd.read_qbxml_version(data) is None, sample.name
        (problem,) = xsd.validate_document(data, xsd_dir).problems
        assert problem.line == 1
        assert "no qbXML version" in problem.message
        # ... and all but one of these validate against the 13.0 schema.
        valid = not qbxml_schemas["13.0"].validate(data)
        assert valid is (sample.name not in SCHEMA_INVALID_RESPONSES), sample.name


def test_receive_payment_query_response_is_not_valid_against_13(
    qbxml_samples_dir: Path, qbxml_schemas: dict[str, xsd.QbxmlSchema]
) -> None:
    # Real QuickBooks output that the 13.0 schema rejects (see the conformance README).
    data = (qbxml_samples_dir / "responses" / "receive_payment_query_rs.xml").read_bytes()
    missing = "Missing child element(s). Expected is ( CreditCardTxnResultInfo )."
    unexpected = "This element is not expected. Expected is ( NameOnCard )."
    assert qbxml_schemas["13.0"].validate(data) == [
        xsd.Problem(30, f"Element 'CreditCardTxnInfo': {missing}"),
        xsd.Problem(35, f"Element 'TransactionMode': {unexpected}"),
    ]


# --- documents that are not valid -------------------------------------------------------------


def test_valid_document(xsd_dir: Path) -> None:
    result = xsd.validate_document(document(version="16.0"), xsd_dir)
    assert result == xsd.ValidationResult("16.0", "16.0", ())
    assert result.valid


def test_schema_error_has_its_line(qbxml_schemas: dict[str, xsd.QbxmlSchema]) -> None:
    body = CUSTOMER_QUERY.replace("<MaxReturned>10</MaxReturned>", "<Bogus>10</Bogus>")
    problems = qbxml_schemas["13.0"].validate(document(body))
    assert len(problems) == 1
    assert problems[0].line == 6
    assert "Bogus" in problems[0].message


def test_element_order_matters(qbxml_schemas: dict[str, xsd.QbxmlSchema]) -> None:
    # QuickBooks rejects elements out of schema order; so does the schema.
    body = (
        '<QBXML><QBXMLMsgsRq onError="stopOnError"><CustomerQueryRq>'
        "<MaxReturned>1</MaxReturned><ListID>80000001-1</ListID>"
        "</CustomerQueryRq></QBXMLMsgsRq></QBXML>"
    )
    assert qbxml_schemas["16.0"].validate(document(body, "16.0")) != []


@pytest.mark.parametrize(
    ("data", "line", "reason"),
    [
        (b"", 1, "Document is empty"),
        (b"this is not xml", 1, "Start tag expected"),
        (document()[: -len(b"</QBXML>\n")], 9, "Premature end of data in tag QBXML line 3"),
        (document()[:-30], 7, "expected '>'"),
        (document().replace(b"</MaxReturned>", b"</MaxReturne>"), 6, "tag mismatch"),
    ],
)
def test_not_well_formed_is_a_problem_with_a_line(
    data: bytes, line: int, reason: str, xsd_dir: Path, qbxml_schemas: dict[str, xsd.QbxmlSchema]
) -> None:
    (problem,) = qbxml_schemas["13.0"].validate(data)
    assert problem.line == line
    assert problem.message.startswith("not well-formed: ")
    assert reason in problem.message
    assert ", column" not in problem.message
    result = xsd.validate_document(data, xsd_dir)
    assert result.problems == (problem,)
    assert result.schema_version is None
    assert not result.valid


def test_missing_version_instruction(xsd_dir: Path) -> None:
    data = b'<?xml version="1.0"?>\n' + CUSTOMER_QUERY.encode()
    result = xsd.validate_document(data, xsd_dir)
    assert not result.valid
    assert result.qbxml_version is None
    ((line, message),) = [(p.line, p.message) for p in result.problems]
    assert line == 1
    assert "no qbXML version" in message
    assert '<?qbxml version="16.0"?>' in message
    assert "XML declaration" in message


def test_version_instruction_without_version(xsd_dir: Path) -> None:
    data = b'<?xml version="1.0"?>\n<?qbxml ver="13.0"?>\n' + CUSTOMER_QUERY.encode()
    (problem,) = xsd.validate_document(data, xsd_dir).problems
    assert problem.line == 2
    assert "has no version" in problem.message


def test_unknown_version_is_a_problem(xsd_dir: Path) -> None:
    result = xsd.validate_document(document(version="banana"), xsd_dir)
    assert result.qbxml_version == "banana"
    assert result.schema_version is None
    (problem,) = result.problems
    assert problem.line == 2
    assert "'banana' is not a qbXML version" in problem.message


def entity_document(declarations: bytes, text: bytes) -> bytes:
    return (
        b'<?xml version="1.0"?>\n'
        b"<!DOCTYPE QBXML [\n" + declarations + b"]>\n"
        b'<?qbxml version="13.0"?>\n'
        b'<QBXML><QBXMLMsgsRq onError="stopOnError"><CustomerQueryRq>'
        b"<FullName>" + text + b"</FullName>"
        b"</CustomerQueryRq></QBXMLMsgsRq></QBXML>\n"
    )


def test_doctype_is_refused_and_entities_are_not_expanded(
    xsd_dir: Path, qbxml_schemas: dict[str, xsd.QbxmlSchema]
) -> None:
    data = entity_document(
        b'<!ENTITY name "Jane">\n<!ENTITY secret SYSTEM "file:///etc/passwd">\n',
        b"&name;&secret;",
    )
    result = xsd.validate_document(data, xsd_dir)
    assert result.schema_version is None
    assert not result.valid
    (problem,) = result.problems
    assert problem.line == 2
    assert "DOCTYPE declarations are not allowed" in problem.message
    assert qbxml_schemas["13.0"].validate(data) == [problem]
    assert xsd.read_qbxml_version(data) == "13.0"


def test_entity_bomb_is_not_expanded(
    xsd_dir: Path, qbxml_schemas: dict[str, xsd.QbxmlSchema]
) -> None:
    # &g; would expand to 70 * 20**6 bytes (4.5 GB). libxml2 refuses it outright ("entity
    # amplification"); either way it must come back as one short problem, quickly.
    fan_out = 20
    declarations = b'<!ENTITY a "' + b"a" * 70 + b'">\n'
    for previous, name in zip("abcdef", "bcdefg", strict=True):
        reference = f"&{previous};".encode()
        declarations += f'<!ENTITY {name} "'.encode() + reference * fan_out + b'">\n'
    data = entity_document(declarations, b"&g;")
    started = time.monotonic()
    result = xsd.validate_document(data, xsd_dir)
    problems = qbxml_schemas["13.0"].validate(data)
    version = xsd.read_qbxml_version(data)
    assert time.monotonic() - started < 5
    assert not result.valid
    (problem,) = result.problems
    assert problems == [problem]
    assert len(problem.message) < 300
    assert "not well-formed" in problem.message or "DOCTYPE" in problem.message
    assert version in {"13.0", None}
