"""Validate qbXML documents against Intuit's XSDs.

The schemas are Intuit's (they ship with the QuickBooks SDK) and are not part of qbdlink: the
caller passes the directory that holds ``13.0/qbxmlops130.xsd`` and ``16.0/qbxmlops160.xsd``.
This module never looks for that directory itself and never touches the network; finding it is
the composition root's job (``qbdlink.cli``).

Documents are parsed with a hardened parser: no entity resolution, no DTD loading, no network.
A document that is not well-formed comes back as a :class:`Problem` with its line, never as an
exception. A document with a DOCTYPE is rejected (qbXML has none, and its entities would stay
unexpanded).

Which schema: the version in the document's ``<?qbxml version="..."?>`` processing instruction
picks it. The 13.0 schema covers every version up to 13.x, including the pre-6.0 regional
versions (``CA3.0``, ``UK2.0``, ``OZ2.0``, ``AU3.0``); the 16.0 schema covers 14.0 and above.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from lxml import etree

from ..errors import ConfigurationError
from .errors import UnsupportedVersionError
from .safety import PARSER_OPTIONS, hardened_parser, has_doctype
from .versions import QbxmlVersion

__all__ = [
    "SCHEMA_VERSIONS",
    "Problem",
    "QbxmlSchema",
    "SchemaNotFoundError",
    "ValidationResult",
    "load_schema",
    "read_qbxml_version",
    "schema_path",
    "schema_version_for",
    "validate_document",
]

SCHEMA_VERSIONS = ("13.0", "16.0")

_SCHEMA_ROOTS = {"13.0": "qbxmlops130.xsd", "16.0": "qbxmlops160.xsd"}

_LAST_SCHEMA_13_MAJOR = 13

_POSITION_SUFFIX_RE = re.compile(r",? line \d+, column \d+$")

_PI_FIX = (
    'Add <?qbxml version="16.0"?> (or the version the document was written for) on the line '
    'after the XML declaration <?xml version="1.0"?>.'
)


class SchemaNotFoundError(ConfigurationError):
    """The qbXML schemas are not where qbdlink was told (or expected) to find them."""

    default_code = "qbxml.xsd.not_found"
    default_fix = (
        "The qbXML schemas (qbxmlops130.xsd, qbxmlops160.xsd and the files they include) ship "
        "with Intuit's QuickBooks SDK. Put them in a folder as 13.0/qbxmlops130.xsd and "
        "16.0/qbxmlops160.xsd and point qbdlink at that folder with --xsd-dir DIR or the "
        "environment variable QBDLINK_QBXML_XSD_DIR."
    )


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document, at a line (1-based; 0 when unknown)."""

    line: int
    message: str


@dataclass(frozen=True)
class ValidationResult:
    """What :func:`validate_document` found.

    ``qbxml_version`` is the document's own version (``None`` when it has none or cannot be
    read); ``schema_version`` is the schema it was validated against (``None`` when validation
    could not start).
    """

    qbxml_version: str | None
    schema_version: str | None
    problems: tuple[Problem, ...]

    @property
    def valid(self) -> bool:
        return self.schema_version is not None and not self.problems


def schema_version_for(qbxml_version: str) -> str:
    """The schema version ("13.0" or "16.0") that validates documents of ``qbxml_version``."""
    version = QbxmlVersion.parse(qbxml_version)
    return "13.0" if version.major <= _LAST_SCHEMA_13_MAJOR else "16.0"


def schema_path(xsd_dir: Path, schema_version: str) -> Path:
    """Where the root XSD of ``schema_version`` lies under ``xsd_dir``."""
    try:
        root = _SCHEMA_ROOTS[schema_version]
    except KeyError:
        raise ValueError(
            f"no qbXML schema {schema_version!r}; known: {', '.join(SCHEMA_VERSIONS)}"
        ) from None
    return xsd_dir / schema_version / root


def _syntax_problem(exc: etree.XMLSyntaxError) -> Problem:
    line = exc.lineno or 0
    reason = _POSITION_SUFFIX_RE.sub("", exc.msg or str(exc)) or "cannot parse"
    return Problem(line, f"not well-formed: {reason}")


def _read_qbxml_pi(data: bytes) -> tuple[str | None, int] | None:
    """The ``version`` pseudo-attribute of the first ``<?qbxml ...?>`` before the root element
    (``None`` when it has none) and that instruction's line; ``None`` when there is no such
    instruction. Reads no further than the root element's start tag."""
    events = etree.iterparse(BytesIO(data), events=("pi", "start"), **PARSER_OPTIONS)
    try:
        for event, node in events:
            if event == "start":
                return None
            if isinstance(node, etree._ProcessingInstruction) and node.target == "qbxml":
                version = node.get("version")
                return (version.strip() if version is not None else None), node.sourceline or 0
    except etree.XMLSyntaxError:
        return None
    return None


def read_qbxml_version(data: bytes) -> str | None:
    """The version in the ``<?qbxml version="..."?>`` instruction before the root element.

    Reads no further than the root element's start tag; resolves no entities and loads no DTD.
    ``None`` when there is no such instruction (or the prolog is not well-formed).
    """
    found = _read_qbxml_pi(data)
    return found[0] if found is not None else None


def _parse(data: bytes) -> etree._ElementTree | Problem:
    """The document's tree, or the one problem that keeps it from having one."""
    try:
        tree = etree.parse(BytesIO(data), hardened_parser())
    except etree.XMLSyntaxError as exc:
        return _syntax_problem(exc)
    if has_doctype(tree.docinfo):
        position = data.find(b"<!DOCTYPE")
        line = data.count(b"\n", 0, position) + 1 if position >= 0 else 1
        return Problem(
            line,
            "DOCTYPE declarations are not allowed in qbXML (its entities are not expanded); "
            "remove the DOCTYPE and write the text in place of the entity references.",
        )
    return tree


class QbxmlSchema:
    """One compiled qbXML schema. Load it with :func:`load_schema` (cached)."""

    def __init__(self, schema_version: str, path: Path, schema: etree.XMLSchema) -> None:
        self.schema_version = schema_version
        self.path = path
        self._schema = schema
        # A compiled schema keeps the error log of its last run: one validation at a time.
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"QbxmlSchema({self.schema_version!r}, {str(self.path)!r})"

    def validate(self, data: bytes) -> list[Problem]:
        """Every problem of the document ``data``, in document order; empty when valid."""
        parsed = _parse(data)
        if isinstance(parsed, Problem):
            return [parsed]
        return self.validate_tree(parsed)

    def validate_tree(self, tree: etree._ElementTree) -> list[Problem]:
        """Every problem of an already parsed document, in document order."""
        with self._lock:
            try:
                if self._schema.validate(tree):
                    return []
            except etree.XMLSchemaValidateError as exc:
                return [Problem(0, f"schema validation failed: {exc}")]
            problems = [Problem(entry.line, entry.message) for entry in self._schema.error_log]
        return sorted(problems, key=lambda problem: problem.line)


def load_schema(xsd_dir: Path, schema_version: str) -> QbxmlSchema:
    """The compiled schema ``schema_version`` from ``xsd_dir``; compiled once per (dir, version).

    Raises :class:`SchemaNotFoundError` when the schema file is missing or does not compile.
    """
    return _load_schema(xsd_dir.resolve(), schema_version)


@functools.lru_cache(maxsize=8)
def _load_schema(xsd_dir: Path, schema_version: str) -> QbxmlSchema:
    path = schema_path(xsd_dir, schema_version)
    if not path.is_file():
        raise SchemaNotFoundError(f"qbXML schema {schema_version} not found: {path} is missing.")
    try:
        document = etree.parse(str(path), hardened_parser())
        schema = etree.XMLSchema(document)
    except (OSError, etree.XMLSyntaxError, etree.XMLSchemaParseError) as exc:
        raise SchemaNotFoundError(
            f"qbXML schema {schema_version} at {path} cannot be loaded: {exc}"
        ) from exc
    return QbxmlSchema(schema_version, path, schema)


def validate_document(
    data: bytes, xsd_dir: Path, *, default_version: str | None = None
) -> ValidationResult:
    """Validate one qbXML document against the schema of the version it declares.

    ``default_version`` is used when the document has no ``<?qbxml version?>``
    instruction: QuickBooks' own responses carry none.

    Problems in the document (not well-formed, no or bad version, schema errors) come back in
    the result; only a schema that cannot be loaded raises (:class:`SchemaNotFoundError`).
    """
    parsed = _parse(data)
    if isinstance(parsed, Problem):
        return ValidationResult(read_qbxml_version(data), None, (parsed,))
    found = _read_qbxml_pi(data)
    if found is None and default_version is not None:
        found = (default_version, 1)
    if found is None:
        problem = Problem(1, f"no qbXML version: the document has no qbxml instruction. {_PI_FIX}")
        return ValidationResult(None, None, (problem,))
    version, line = found
    if not version:
        problem = Problem(
            line, f"no qbXML version: the qbxml instruction has no version. {_PI_FIX}"
        )
        return ValidationResult(None, None, (problem,))
    try:
        schema_version = schema_version_for(version)
    except UnsupportedVersionError as exc:
        return ValidationResult(version, None, (Problem(line, exc.user_text()),))
    problems = load_schema(xsd_dir, schema_version).validate_tree(parsed)
    return ValidationResult(version, schema_version, tuple(problems))
