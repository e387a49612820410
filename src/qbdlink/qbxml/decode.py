"""Read qbXML documents into message objects: streaming for responses, whole for requests.

Theory of operation: a QuickBooks response can be hundreds of megabytes (one query for a
company's invoices), so :func:`iter_response_events` parses it incrementally with lxml's
``iterparse``, filtered in C to the elements we act on, builds one typed record at a time
and frees its subtree before the next, keeping memory flat. The caller sees a flat stream
of events: :class:`MessageSetStatus` (error recovery attributes of the envelope), then
for each response a :class:`ResponseStatus`, its records (``InvoiceRet``... objects), and
a :class:`ResponseEnd` with the response's other content.

Leniency: real QuickBooks output is not always schema-valid (elements out of order,
elements newer than the schema), so children are matched by name, unknown ones are
skipped and missing ones are ``None``. Strictness where it matters: well-formedness (a
truncated document is an error naming its line), the status attributes, and values that
do not parse as their type. Safety: no DTD is loaded, no entity resolved, nothing fetched;
a DOCTYPE is refused outright, and libxml2's nesting limit stops deep-nesting attacks.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any, TypeAlias

from lxml import etree

from .errors import QbxmlStructureError, QbxmlSyntaxError, UnsafeXmlError
from .messages import RECORDS, REQUESTS, RESPONSES
from .safety import PARSER_OPTIONS, hardened_parser, has_doctype
from .schema import Kind, QbxmlObject
from .status import Severity
from .versions import QbxmlVersion

__all__ = [
    "MessageSetStatus",
    "RequestSet",
    "Response",
    "ResponseEnd",
    "ResponseEvent",
    "ResponseSet",
    "ResponseStatus",
    "Source",
    "decode_element",
    "decode_object",
    "decode_request_set",
    "decode_response_set",
    "iter_response_events",
]

Source: TypeAlias = bytes | str | IO[bytes]


@dataclass(frozen=True, slots=True)
class MessageSetStatus:
    """The envelope's error-recovery attributes (``QBXMLMsgsRs``)."""

    new_message_set_id: str | None
    message_set_status_code: int | None


@dataclass(frozen=True, slots=True)
class ResponseStatus:
    """The status of one response, known before its records arrive."""

    tag: str
    request_id: str | None
    code: int
    severity: str
    message: str
    ret_count: int | None = None
    iterator_remaining_count: int | None = None
    iterator_id: str | None = None

    @property
    def is_failure(self) -> bool:
        """Status 0, 1 (no match) and the 500-range warnings are not failures."""
        return self.code >= 1000

    def raise_for_status(self) -> None:
        """Raise the typed error for a failing status; do nothing otherwise."""
        from .status import raise_for_status

        raise_for_status(
            self.code,
            self.message,
            severity=self.severity,
            request_name=self.tag[:-2] + "Rq",
            request_id=self.request_id,
        )


@dataclass(frozen=True, slots=True)
class ResponseEnd:
    """A response's end, with its content other than the streamed records."""

    status: ResponseStatus
    body: QbxmlObject


ResponseEvent: TypeAlias = MessageSetStatus | ResponseStatus | QbxmlObject | ResponseEnd


@dataclass(slots=True)
class Response:
    status: ResponseStatus
    records: list[QbxmlObject] = field(default_factory=list)
    body: QbxmlObject | None = None


@dataclass(slots=True)
class ResponseSet:
    message_set: MessageSetStatus | None
    responses: list[Response]


@dataclass(frozen=True, slots=True)
class RequestSet:
    """A decoded request document (what the simulator receives)."""

    version: QbxmlVersion | None
    on_error: str | None
    new_message_set_id: str | None
    old_message_set_id: str | None
    response_data: str | None
    requests: tuple[QbxmlObject, ...]


# ---- values ------------------------------------------------------------------------------


def _to_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise ValueError(f"{text!r} is not true or false")


def _to_datetime(text: str) -> datetime:
    text = text.strip()
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        # DATETIMETYPE allows partial values such as "2015-11" or "2015-11-04T14".
        numbers = [int(part) for part in re.split(r"[-T:]", text)]
        numbers += [1] * max(0, 3 - len(numbers)) + [0] * 3
        return datetime(numbers[0], numbers[1], numbers[2], numbers[3], numbers[4], numbers[5])


def _to_decimal(text: str) -> Decimal:
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None


_CONVERTERS: dict[Kind, Callable[[str], Any]] = {
    Kind.STR: str,
    Kind.BOOL: _to_bool,
    Kind.INT: lambda text: int(text.strip()),
    Kind.DECIMAL: _to_decimal,
    Kind.DATE: lambda text: date.fromisoformat(text.strip()),
    Kind.DATETIME: _to_datetime,
}

# Per class: element name -> (attribute, converter or None, repeated, child class or None)
_Entry: TypeAlias = tuple[str, Callable[[str], Any] | None, bool, type[QbxmlObject] | None]
_PLANS: dict[type[QbxmlObject], tuple[dict[str, _Entry], dict[str, _Entry]]] = {}


def _plan(cls: type[QbxmlObject]) -> tuple[dict[str, _Entry], dict[str, _Entry]]:
    plan = _PLANS.get(cls)
    if plan is not None:
        return plan
    elements: dict[str, _Entry] = {}
    attributes: dict[str, _Entry] = {}
    for spec in cls._spec.fields:
        if spec.kind is Kind.OBJECT:
            for tag, child in spec.classes:
                elements[tag] = (spec.attr, None, spec.repeated, child)
        elif spec.is_attribute:
            attributes[spec.tag] = (spec.attr, _CONVERTERS[spec.kind], False, None)
        else:
            convert = None if spec.kind is Kind.STR else _CONVERTERS[spec.kind]
            elements[spec.tag] = (spec.attr, convert, spec.repeated, None)
    _PLANS[cls] = plan = (elements, attributes)
    return plan


def decode_object(element: etree._Element, cls: type[QbxmlObject]) -> QbxmlObject:
    """Build ``cls`` from ``element``; unknown children are skipped, values must parse."""
    elements, attributes = _plan(cls)
    values: dict[str, Any] = {}
    lists: list[str] = []
    for child in element:
        # Comments are dropped by the parser; a processing instruction's tag is a function,
        # which no table holds, so one lookup serves every kind of node.
        entry = elements.get(child.tag)  # type: ignore[arg-type]
        if entry is None:
            continue
        attr, convert, repeated, child_cls = entry
        value: Any
        if child_cls is not None:
            value = decode_object(child, child_cls)
        elif convert is None:  # text: kept as QuickBooks wrote it, spaces included
            text = child.text
            if text is None:
                continue
            value = text
        else:
            text = child.text
            if text is None or not text.strip():
                continue  # QuickBooks writes empty elements for unset values
            try:
                value = convert(text)
            except ValueError as exc:
                raise QbxmlStructureError(
                    f"<{_name(child)}> in <{_name(element)}>: {exc}", line=child.sourceline
                ) from None
        if repeated:
            existing = values.get(attr)
            if existing is None:
                values[attr] = [value]
                lists.append(attr)
            else:
                existing.append(value)
        else:
            values[attr] = value
    for name, text in element.attrib.items() if attributes else ():
        entry = attributes.get(str(name))
        if entry is not None and entry[1] is not None:
            try:
                values[entry[0]] = entry[1](str(text))
            except ValueError as exc:
                raise QbxmlStructureError(
                    f"attribute {name!s} of <{_name(element)}>: {exc}", line=element.sourceline
                ) from None
    for attr in lists:
        values[attr] = tuple(values[attr])
    try:
        return cls(**values)
    except TypeError as exc:  # a required element is missing in a request
        raise QbxmlStructureError(f"<{_name(element)}>: {exc}", line=element.sourceline) from None


def decode_element(text: str | bytes, cls: type[QbxmlObject]) -> QbxmlObject:
    """One element written by :func:`~qbdlink.qbxml.encode.encode_element`, back as ``cls``."""
    data = text.encode() if isinstance(text, str) else text
    try:
        element = etree.fromstring(data, hardened_parser())
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc) from None
    return decode_object(element, cls)


def _name(element: etree._Element) -> str:
    tag = element.tag
    return tag if isinstance(tag, str) else str(tag)


# ---- parsing -------------------------------------------------------------------------------

_DECLARED_ENCODING = re.compile(r"^(\s*<\?xml[^>]*?encoding\s*=\s*)([\"'])[^\"']*\2")
_PROLOG_LIMIT = 64 * 1024  # qbXML prologs are a few dozen bytes


def _as_stream(source: Source) -> IO[bytes]:
    if isinstance(source, bytes):
        return io.BytesIO(source)
    if isinstance(source, str):
        # A str is already decoded: restate it as UTF-8 whatever its declaration says.
        text = _DECLARED_ENCODING.sub(r"\1\2utf-8\2", source, count=1)
        try:
            return io.BytesIO(text.encode())
        except UnicodeEncodeError as exc:
            line = text.count("\n", 0, exc.start) + 1
            raise QbxmlSyntaxError(
                f"U+{ord(text[exc.start]):04X} is not a character (a lone surrogate)", line=line
            ) from None
    return source


class _Prepended(io.RawIOBase):
    """``head`` then the rest of ``stream``: the prolog was read once to check it."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self._head = head
        self._stream = stream

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size < 0 or size >= len(self._head):
                chunk, self._head = self._head, b""
                return chunk if size < 0 else chunk + self._stream.read(size - len(chunk))
            chunk, self._head = self._head[:size], self._head[size:]
            return chunk
        return self._stream.read(size)


def _open_checked(source: Source) -> IO[bytes]:
    """The document as a stream, once its root is known to be ``<QBXML>`` with no DOCTYPE.

    The main parse only sees the elements it acts on, so the root and the DTD are checked
    here, on the prolog alone, before any of the document is acted on.
    """
    stream = _as_stream(source)
    head = stream.read(_PROLOG_LIMIT)
    complete = len(head) < _PROLOG_LIMIT
    if not head.strip():
        raise QbxmlSyntaxError("the document is empty", line=None)
    try:
        for _event, root in etree.iterparse(io.BytesIO(head), events=("start",), **PARSER_OPTIONS):
            if has_doctype(root.getroottree().docinfo):
                raise UnsafeXmlError("a DOCTYPE is not allowed in qbXML", line=root.sourceline)
            if root.tag != "QBXML":
                raise QbxmlStructureError(
                    f"the document's root is <{_name(root)}>, not <QBXML>", line=root.sourceline
                )
            return _Prepended(head, stream)  # type: ignore[return-value]
    except etree.XMLSyntaxError as exc:
        if complete:
            raise _syntax_error(exc) from None
        raise UnsafeXmlError(
            f"no root element in the first {_PROLOG_LIMIT // 1024} KiB", line=None
        ) from None
    raise QbxmlSyntaxError("the document has no root element", line=None)


def _syntax_error(exc: etree.XMLSyntaxError) -> QbxmlSyntaxError:
    message = str(exc.msg or exc)
    line = exc.lineno if exc.lineno else None
    if "depth" in message.lower() or "entit" in message.lower() or "amplification" in message:
        return UnsafeXmlError(message, line=line)
    return QbxmlSyntaxError(message, line=line)


def _iterparse(stream: IO[bytes], tags: Iterable[str]) -> Any:
    return etree.iterparse(
        stream, events=("start", "end"), tag=list(tags), remove_comments=True, **PARSER_OPTIONS
    )


_RESPONSE_TAGS = frozenset(RESPONSES)
_RECORD_TAGS = frozenset(RECORDS)
_STREAM_TAGS = sorted({"QBXMLMsgsRs", *_RESPONSE_TAGS, *_RECORD_TAGS})


def iter_response_events(source: Source) -> Iterator[ResponseEvent]:
    """Stream a response document as events; see the module docstring."""
    context = _iterparse(_open_checked(source), _STREAM_TAGS)
    status: ResponseStatus | None = None
    # A start event can come before its start tag turns out to be truncated, so the status
    # it carries is only read (and yielded) once the parser has moved past that tag.
    opened: etree._Element | None = None
    try:
        for event, element in context:
            if opened is not None:
                started = _started(opened)
                if isinstance(started, ResponseStatus):
                    status = started
                yield started
                opened = None
            tag = element.tag
            if event == "start":
                if tag == "QBXMLMsgsRs" or (
                    tag in _RESPONSE_TAGS and _parent_tag(element) == "QBXMLMsgsRs"
                ):
                    opened = element
            elif tag in _RECORD_TAGS:
                parent = element.getparent()
                if parent is None or parent.tag not in _RESPONSE_TAGS:
                    continue  # a nested *Ret (DataExtRet inside CustomerRet): part of its record
                yield decode_object(element, RECORDS[str(tag)])
                element.clear()
                parent.remove(element)
            elif tag == "QBXMLMsgsRs":
                yield from _unknown_responses(element)
            elif status is not None and status.tag == tag:
                yield ResponseEnd(status, decode_object(element, RESPONSES[status.tag]))
                _drop(element)
                status = None
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc) from None
    if opened is not None:
        yield _started(opened)


def _started(element: etree._Element) -> MessageSetStatus | ResponseStatus:
    if element.tag == "QBXMLMsgsRs":
        return _message_set(element)
    return _response_status(element)


def _parent_tag(element: etree._Element) -> object:
    parent = element.getparent()
    return None if parent is None else parent.tag


def _drop(element: etree._Element) -> None:
    element.clear()
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def _unknown_responses(envelope: etree._Element) -> Iterator[ResponseEvent]:
    # Responses to requests outside qbdlink's scope are left in the tree by the loop
    # above; report their status (so a failure is never lost) without typed content.
    for element in envelope:
        if isinstance(element.tag, str) and element.get("statusCode") is not None:
            yield _response_status(element)
    envelope.clear()


def _message_set(element: etree._Element) -> MessageSetStatus:
    code = element.get("messageSetStatusCode")
    return MessageSetStatus(
        new_message_set_id=element.get("newMessageSetID"),
        message_set_status_code=_int_attr(element, "messageSetStatusCode", code),
    )


def _int_attr(element: etree._Element, name: str, text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise QbxmlStructureError(
            f"{name}={text!r} on <{_name(element)}> is not a number", line=element.sourceline
        ) from None


def _response_status(element: etree._Element) -> ResponseStatus:
    code_text = element.get("statusCode")
    code = _int_attr(element, "statusCode", code_text)
    if code is None:
        raise QbxmlStructureError(f"<{_name(element)}> has no statusCode", line=element.sourceline)
    severity = element.get("statusSeverity") or _default_severity(code)
    return ResponseStatus(
        tag=str(element.tag),
        request_id=element.get("requestID"),
        code=code,
        severity=severity,
        message=element.get("statusMessage", ""),
        ret_count=_int_attr(element, "retCount", element.get("retCount")),
        iterator_remaining_count=_int_attr(
            element, "iteratorRemainingCount", element.get("iteratorRemainingCount")
        ),
        iterator_id=element.get("iteratorID"),
    )


def _default_severity(code: int) -> str:
    if code < 500:
        return Severity.INFO.value
    return Severity.WARN.value if code < 1000 else Severity.ERROR.value


def decode_response_set(source: Source) -> ResponseSet:
    """The whole response document in memory; use :func:`iter_response_events` for big ones."""
    message_set: MessageSetStatus | None = None
    responses: list[Response] = []
    for event in iter_response_events(source):
        if isinstance(event, MessageSetStatus):
            message_set = event
        elif isinstance(event, ResponseStatus):
            responses.append(Response(event))
        elif isinstance(event, ResponseEnd):
            responses[-1].body = event.body
        else:
            responses[-1].records.append(event)
    return ResponseSet(message_set, responses)


_QBXML_PI = re.compile(r'version\s*=\s*"([^"]*)"')


def decode_request_set(source: Source) -> RequestSet:
    """A request document, whole (requests are small), into typed requests.

    Unknown request elements are a :class:`QbxmlStructureError`; schema validation of
    the document is :mod:`qbdlink.qbxml.xsd`'s job.
    """
    stream = _as_stream(source)
    parser = hardened_parser(remove_comments=True)
    try:
        tree = etree.parse(stream, parser)
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc) from None
    if has_doctype(tree.docinfo):
        raise UnsafeXmlError("a DOCTYPE is not allowed in qbXML", line=1)
    root = tree.getroot()
    version = _pi_version(root)
    messages = root.find("QBXMLMsgsRq")
    if root.tag != "QBXML" or messages is None:
        raise QbxmlStructureError("not a qbXML request: expected <QBXML><QBXMLMsgsRq>", line=1)
    requests = []
    for element in messages:
        cls = REQUESTS.get(_name(element))
        if cls is None:
            raise QbxmlStructureError(
                f"<{_name(element)}> is not a request qbdlink knows", line=element.sourceline
            )
        requests.append(decode_object(element, cls))
    return RequestSet(
        version=version,
        on_error=messages.get("onError"),
        new_message_set_id=messages.get("newMessageSetID"),
        old_message_set_id=messages.get("oldMessageSetID"),
        response_data=messages.get("responseData"),
        requests=tuple(requests),
    )


def _pi_version(root: etree._Element) -> QbxmlVersion | None:
    node = root.getprevious()
    while node is not None:
        if isinstance(node, etree._ProcessingInstruction) and node.target == "qbxml":
            match = _QBXML_PI.search(node.text or "")
            return QbxmlVersion.parse(match.group(1)) if match else None
        node = node.getprevious()
    return None
