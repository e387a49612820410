"""Build qbXML request (and response) documents from message objects.

Theory of operation: a message object's spec lists its fields in schema order, so writing
them in that order gives the element order QuickBooks insists on (out-of-order XML is a
0x80040400 parse error with no detail). Before anything is written, every value is
checked against what the target QuickBooks accepts: the qbXML version and regional
edition that have the element (Intuit's qbxmlops marks), the maximum length for the
edition, enumerations, decimal places, and the schema's choices and required elements.
A problem raises an :class:`~qbdlink.qbxml.errors.InvalidFieldError` naming the element
path; nothing half-built is returned.

Text: QuickBooks stores ISO-8859-1 (Latin-1) only. The document we produce is pure ASCII:
every other character is written as a numeric character reference (``&#233;``), which
survives any transport encoding. Characters beyond Latin-1 reach QuickBooks intact as
references, but QuickBooks cannot store them and replaces each with ``?`` (or, in some
releases, rejects the request with 0x80040400); :func:`non_latin1` finds them so callers
can transliterate or refuse before sending.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from .errors import (
    ChoiceConflictError,
    FieldTooLongError,
    InvalidValueError,
    MissingFieldError,
    UnsupportedElementError,
)
from .messages._paths import PATH_RULES
from .schema import ClassSpec, FieldSpec, Kind, QbxmlObject
from .versions import NEWEST, Edition, QbxmlVersion

__all__ = [
    "ON_ERROR_VALUES",
    "EncodeTarget",
    "encode_element",
    "encode_request_set",
    "encode_response_set",
    "escape_text",
    "non_latin1",
]

ON_ERROR_VALUES = ("stopOnError", "continueOnError")
# Digits before the point: AMTTYPE allows 13, PRICE/QUAN/PERCENTTYPE 10; FLOATTYPE sets no
# limit, and 20 keeps its arithmetic well inside Decimal's default 28-digit precision.
_INTEGER_DIGITS: dict[int | None, int] = {2: 13, 5: 10, None: 20}
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}


@dataclass(frozen=True, slots=True)
class EncodeTarget:
    """The QuickBooks a document is for: its qbXML version and regional edition."""

    version: QbxmlVersion = NEWEST
    edition: Edition = Edition.US


def escape_text(text: str, *, path: str = "", attribute: bool = False) -> str:
    """XML-escape ``text``, writing every non-ASCII character as ``&#N;``.

    Carriage returns (and, in attributes, tabs and newlines) are written as references
    too, because XML parsers normalise them away. Characters XML 1.0 cannot carry at all
    (most control characters, U+FFFE, U+FFFF, lone surrogates) raise
    :class:`InvalidValueError` naming ``path``.
    """
    escapes = _ATTRIBUTE_ESCAPES if attribute else _TEXT_ESCAPES
    if text.isascii() and not _NEEDS_WORK.search(text):
        return text
    out = []
    for ch in text:
        code = ord(ch)
        if code < 128:
            if code < 32 and ch not in "\t\n\r":
                raise _not_xml(ch, path)
            out.append(escapes.get(ch, ch))
        elif 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
            raise _not_xml(ch, path)
        else:
            out.append(f"&#{code};")
    return "".join(out)


_TEXT_ESCAPES = {**_ESCAPES, "\r": "&#13;"}
_ATTRIBUTE_ESCAPES = {**_TEXT_ESCAPES, "\n": "&#10;", "\t": "&#9;"}
_NEEDS_WORK = re.compile(r'[&<>"\x00-\x1f]')


def _not_xml(ch: str, path: str) -> InvalidValueError:
    return InvalidValueError(
        path or "text",
        f"contains U+{ord(ch):04X}, which XML cannot carry",
        fix="Remove the character (it is not printable text).",
    )


def non_latin1(text: str) -> list[str]:
    """The characters of ``text`` that QuickBooks cannot store (outside ISO-8859-1)."""
    return sorted({ch for ch in text if ord(ch) > 0xFF})


def encode_request_set(
    requests: Sequence[QbxmlObject],
    *,
    target: EncodeTarget = EncodeTarget(),
    on_error: str = "stopOnError",
    new_message_set_id: str | None = None,
    old_message_set_id: str | None = None,
) -> str:
    """A whole qbXML request document: processing instruction, envelope and requests.

    ``rollbackOnError`` is refused: QuickBooks Desktop rejects it.
    """
    if on_error not in ON_ERROR_VALUES:
        raise InvalidValueError(
            "QBXMLMsgsRq/@onError",
            f"{on_error!r} is not accepted by QuickBooks Desktop",
            fix="Use stopOnError or continueOnError (QuickBooks Desktop refuses rollbackOnError).",
        )
    attrs = [("onError", on_error)]
    for name, value in (
        ("newMessageSetID", new_message_set_id),
        ("oldMessageSetID", old_message_set_id),
    ):
        if value is not None:
            if len(value) > 23:
                raise FieldTooLongError(
                    f"QBXMLMsgsRq/@{name}", len(value), 23, target.edition.value
                )
            attrs.append((name, value))
    writer = _Writer(target, check=True)
    for request in requests:
        writer.message(request)
    return _document(target.version, "QBXMLMsgsRq", attrs, writer.parts)


def encode_response_set(
    responses: Iterable[QbxmlObject],
    *,
    version: QbxmlVersion = NEWEST,
    edition: Edition | None = None,
    new_message_set_id: str | None = None,
    message_set_status_code: int | None = None,
) -> str:
    """A qbXML response document, as QuickBooks (or the simulator) sends it.

    With an ``edition``, elements that the request's ``version`` or that edition lacks are
    left out, as QuickBooks leaves them out (Intuit's qbxmlops marks).
    """
    attrs: list[tuple[str, str]] = []
    if new_message_set_id is not None:
        attrs.append(("newMessageSetID", new_message_set_id))
    if message_set_status_code is not None:
        attrs.append(("messageSetStatusCode", str(message_set_status_code)))
    target = EncodeTarget(version=version, edition=edition or Edition.US)
    writer = _Writer(target, check=False, prune=edition is not None)
    for response in responses:
        writer.message(response)
    return _document(version, "QBXMLMsgsRs", attrs, writer.parts)


def encode_element(obj: QbxmlObject, tag: str | None = None) -> str:
    """One object as an XML element, unchecked (for storing records as QuickBooks shows them)."""
    writer = _Writer(EncodeTarget(), check=False)
    name = tag or obj._spec.tag
    if name is None:
        raise TypeError(f"{type(obj).__name__} needs an element name")
    writer.element(name, obj, name)
    return "".join(writer.parts)


def _document(
    version: QbxmlVersion, envelope: str, attrs: list[tuple[str, str]], body: list[str]
) -> str:
    attr_text = "".join(
        f' {name}="{escape_text(value, path=f"{envelope}/@{name}", attribute=True)}"'
        for name, value in attrs
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<?qbxml version="{version}"?>\n'
        f"<QBXML><{envelope}{attr_text}>{''.join(body)}</{envelope}></QBXML>\n"
    )


class _Writer:
    def __init__(self, target: EncodeTarget, *, check: bool, prune: bool = False) -> None:
        self.target = target
        self.check = check
        self.prune = prune
        self.parts: list[str] = []

    def message(self, message: QbxmlObject) -> None:
        spec = message._spec
        if spec.tag is None:
            raise TypeError(f"{type(message).__name__} is not a top-level qbXML message")
        if self.check:
            self._check_path(spec.tag)
        self.element(spec.tag, message, spec.tag)

    def element(self, tag: str, obj: QbxmlObject, path: str) -> None:
        spec = obj._spec
        if self.check:
            _check_choices(spec, obj, path)
        attrs: list[str] = []
        children: list[str] = []
        parts = self.parts
        self.parts = children
        for field in spec.fields:
            value = getattr(obj, field.attr)
            if value is None or (field.repeated and not value):
                if self.check and field.required:
                    raise MissingFieldError(
                        f"{path}/{field.tag}", "is required", fix=f"Set {field.attr}."
                    )
                continue
            child_path = f"{path}/{'@' if field.is_attribute else ''}{field.tag}"
            if self.check and not field.is_attribute:
                self._check_path(child_path)
            if self.prune and not field.is_attribute and not self._has(child_path):
                continue
            if field.is_attribute:
                attrs.append(f' {field.tag}="{self._text(field, value, child_path)}"')
            elif field.kind is Kind.OBJECT:
                for item in value if field.repeated else (value,):
                    item_tag = _tag_of(field, item, child_path)
                    self.element(item_tag, item, f"{path}/{item_tag}")
            else:
                for item in value if field.repeated else (value,):
                    text = self._text(field, item, child_path)
                    children.append(f"<{field.tag}>{text}</{field.tag}>")
        self.parts = parts
        if children:
            parts.append(f"<{tag}{''.join(attrs)}>{''.join(children)}</{tag}>")
        else:
            parts.append(f"<{tag}{''.join(attrs)}></{tag}>")

    def _has(self, path: str) -> bool:
        rule = PATH_RULES.get(path)
        if rule is None:
            return True
        if rule.since is not None and self.target.version.number < rule.since:
            return False
        return self.target.edition.value not in rule.not_in

    def _check_path(self, path: str) -> None:
        rule = PATH_RULES.get(path)
        if rule is None:
            return
        version = self.target.version
        if rule.since is not None and version.number < rule.since:
            raise UnsupportedElementError(
                path,
                f"needs qbXML {rule.since[0]}.{rule.since[1]} or later; "
                f"this QuickBooks speaks {version}",
                fix="Leave it out, or update QuickBooks Desktop.",
            )
        edition = self.target.edition.value
        if edition in rule.not_in:
            raise UnsupportedElementError(
                path,
                f"does not exist in the {edition} edition of QuickBooks",
                fix="Leave it out for this company file.",
            )

    def _text(self, field: FieldSpec, value: object, path: str) -> str:
        text = _format(field, value, path)
        if self.check:
            self._check_length(field, text, path)
            _check_facets(field, value, text, path)
        return escape_text(text, path=path, attribute=field.is_attribute)

    def _check_length(self, field: FieldSpec, text: str, path: str) -> None:
        limit = field.max_length
        rule = PATH_RULES.get(path)
        if rule is not None:
            for edition, length in rule.max_length:
                if edition == self.target.edition.value:
                    limit = length if limit is None else min(limit, length)
        if limit is not None and len(text) > limit:
            raise FieldTooLongError(path, len(text), limit, self.target.edition.value)
        if field.enums and text not in field.enums:
            allowed = ", ".join(sorted(field.enums))
            raise InvalidValueError(path, f"{text!r} is not allowed", fix=f"Use one of: {allowed}.")


def _check_facets(field: FieldSpec, value: object, text: str, path: str) -> None:
    if isinstance(value, int) and not isinstance(value, bool):
        if field.min_value is not None and value < field.min_value:
            raise InvalidValueError(
                path, f"{value} is below {field.min_value}", fix=f"Use {field.min_value} or more."
            )
        if field.max_value is not None and value > field.max_value:
            raise InvalidValueError(
                path, f"{value} is above {field.max_value}", fix=f"Use {field.max_value} or less."
            )
    if field.pattern is not None and not _pattern(field.pattern).fullmatch(text):
        raise InvalidValueError(
            path,
            f"{text!r} is not in the form QuickBooks expects",
            fix=_PATTERN_FIXES.get(field.pattern, f"It must match {field.pattern}."),
        )


@functools.cache
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_PATTERN_FIXES = {
    r"0|\{[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\}": (
        "Use a GUID in braces, such as {6B063959-81B0-4B0F-A5C4-5B5F20A6E2E8}, or 0."
    ),
    r"[+\-]?PT([0-9]+H)?([0-9]+M)?([0-9]+S)?": "Use a duration such as PT8H30M.",
}


def _tag_of(field: FieldSpec, item: QbxmlObject, path: str) -> str:
    for tag, cls in field.classes:
        if type(item) is cls:
            return tag
    allowed = ", ".join(cls.__name__ for _, cls in field.classes)
    raise InvalidValueError(path, f"holds a {type(item).__name__}", fix=f"Use one of: {allowed}.")


def _format(field: FieldSpec, value: object, path: str) -> str:
    kind = field.kind
    if kind is Kind.STR and isinstance(value, str):
        return value
    if kind is Kind.BOOL and isinstance(value, bool):
        return "true" if value else "false"
    if kind is Kind.INT and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if kind is Kind.DECIMAL and isinstance(value, Decimal | int) and not isinstance(value, bool):
        return _format_decimal(Decimal(value), field.scale, path)
    if kind is Kind.DATETIME and isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    if kind is Kind.DATE and isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    raise InvalidValueError(
        path,
        f"{type(value).__name__} {value!r} is not a {kind.name.lower()}",
        fix=f"Pass a {_PY_NAMES[kind]}.",
    )


_PY_NAMES = {
    Kind.STR: "str",
    Kind.BOOL: "bool",
    Kind.INT: "int",
    Kind.DECIMAL: "decimal.Decimal",
    Kind.DATE: "datetime.date",
    Kind.DATETIME: "datetime.datetime",
    Kind.OBJECT: "message object",
}


def _format_decimal(value: Decimal, scale: int | None, path: str) -> str:
    if not value.is_finite():
        raise InvalidValueError(path, f"{value} is not a number", fix="Pass a finite amount.")
    # Digits before the point, checked before any arithmetic that could overflow.
    integer_digits = max(value.adjusted() + 1, 1)
    if integer_digits > _INTEGER_DIGITS[scale]:
        raise InvalidValueError(
            path, f"{value} is too large for QuickBooks", fix="Split it into smaller amounts."
        )
    if scale is None:
        return format(value, "f")
    step = Decimal(1).scaleb(-scale)
    exact = value.quantize(step)
    if exact != value:
        raise InvalidValueError(
            path,
            f"{value} has more than {scale} decimal places",
            fix=f"Round it to {scale} decimal places before sending (QuickBooks would not).",
        )
    # Amounts are written with exactly two places, as QuickBooks writes them; prices,
    # quantities and rates with as many as they need.
    return format(exact if scale == 2 else _plain(exact), "f")


def _plain(value: Decimal) -> Decimal:
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral() else normal


def _check_choices(spec: ClassSpec, obj: QbxmlObject, path: str) -> None:
    if not spec.choices:
        return
    present = {
        field.attr
        for field in spec.fields
        if (value := getattr(obj, field.attr)) is not None and value != ()
    }
    for choice in spec.choices:
        all_fields = frozenset().union(*(fields for fields, _ in choice.branches))
        used = present & all_fields
        if not used:
            if choice.required:
                options = " or ".join("+".join(sorted(f)) for f, _ in choice.branches)
                raise MissingFieldError(path, f"needs one of {options}", fix="Set one of them.")
            continue
        branches = [(fields, req) for fields, req in choice.branches if used <= fields]
        if not branches:
            raise ChoiceConflictError(
                path,
                f"{', '.join(sorted(used))} cannot be used together",
                fix="QuickBooks accepts only one of these alternatives; keep one.",
            )
        if not any(req <= present for _, req in branches):
            missing = sorted(branches[0][1] - present)
            raise MissingFieldError(
                path,
                f"{', '.join(missing)} is required with {', '.join(sorted(used))}",
                fix=f"Set {', '.join(missing)}.",
            )
