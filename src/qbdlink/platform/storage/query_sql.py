"""Codat's query language and ``orderBy`` as SQL: the same answers on SQLite and PostgreSQL.

The parsed query (:mod:`qbdlink.platform.services.query_language`) becomes one SQLAlchemy
boolean expression, so filtering, counting and paging all happen in the database. A resolver
turns each property path into a typed SQL expression: :func:`column_resolver` for plain tables,
:func:`json_record_resolver` for records kept as JSON documents.

What a comparison means, by the kind of the property (Codat documents the operators per kind;
the rest is our decision, made so that both databases agree):

- text: ``=`` and ``!=`` ignore the case of ASCII letters (Codat's own example is
  ``status != paid`` against ``Paid``); ``~`` is "contains", likewise case-insensitive, with
  ``%`` and ``_`` matched literally. Other letters compare exactly: SQLite's ``lower()`` only
  knows ASCII, so PostgreSQL is made to fold ASCII only too. Codat allows no ``>``/``<`` on text.
- numbers: the value must be a decimal number (``100``, ``-1.5``, ``1e3``); no ``~``.
- dates: the value is an ISO-8601 date or date-time, normalised as stored values are, and
  names a span of time: a date alone is that whole day, a date-time that whole second. So
  ``issueDate=2023-01-01`` is any time that day, ``issueDate>2023-01-01`` starts the day after
  and ``issueDate<=2023-01-01`` ends with it. A time without an offset and a UTC time (``Z``)
  are the same moment. No ``~``.
- booleans: ``true`` or ``false`` (any case), with ``=`` and ``!=`` only.
- a property that is missing, null, or holds a JSON value of another type matches no
  comparison, ``!=`` included (Codat: "we do not support querying on null fields").

Ordering: missing values come last in both directions; text sorts by its ASCII-folded form,
then by code point (never by the database's locale, which differs between the two).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal, _TraverseInternalsType

from qbdlink.model.fields import FieldKind
from qbdlink.model.types import normalize_datetime_text
from qbdlink.platform.services.query_errors import InvalidQueryError, UnknownQueryPropertyError
from qbdlink.platform.services.query_language import (
    And,
    Comparison,
    Operator,
    Or,
    OrderKey,
    QueryNode,
)

__all__ = [
    "Resolver",
    "TypedExpression",
    "column_resolver",
    "compile_filter",
    "compile_order_by",
    "json_record_resolver",
]


@dataclass(frozen=True)
class TypedExpression:
    """The SQL for one property path and the kind of value it holds."""

    kind: FieldKind
    expression: ColumnElement[Any]


Resolver = Callable[[str], TypedExpression]

_ORDERING = (
    Operator.GREATER,
    Operator.LESS,
    Operator.GREATER_OR_EQUAL,
    Operator.LESS_OR_EQUAL,
)
# Codat writes decimals as JSON numbers; "NaN" and "Infinity" (which Decimal reads) are not.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASCII_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ASCII_LOWER = _ASCII_UPPER.lower()
_FOLD = str.maketrans(_ASCII_UPPER, _ASCII_LOWER)
_LIKE_ESCAPE = "\\"


# --- resolvers --------------------------------------------------------------------------------


def column_resolver(columns: Mapping[str, tuple[FieldKind, ColumnElement[Any]]]) -> Resolver:
    """Resolve paths of a plain table: each queryable property is one column."""
    known = dict(columns)

    def resolve(path: str) -> TypedExpression:
        if path not in known:
            raise UnknownQueryPropertyError(path, known)
        kind, column = known[path]
        return TypedExpression(kind, column)

    return resolve


def json_record_resolver(
    data: ColumnElement[Any],
    kind_of: Callable[[str], FieldKind],
    indexed: Mapping[str, ColumnElement[Any]],
) -> Resolver:
    """Resolve paths of records kept as JSON documents in ``data``.

    ``kind_of`` says what a path holds (and raises for one that cannot be queried); a path in
    ``indexed`` reads its own (indexed) column, any other is read out of the document, whose
    keys are the path's camelCase segments.
    """
    columns = dict(indexed)

    def resolve(path: str) -> TypedExpression:
        kind = kind_of(path)
        if path in columns:
            return TypedExpression(kind, columns[path])
        return TypedExpression(kind, JsonScalar(data, path, kind))

    return resolve


# --- filter -----------------------------------------------------------------------------------


def compile_filter(node: QueryNode, resolver: Resolver) -> ColumnElement[bool]:
    """The parsed query as one SQL boolean expression.

    Raises :class:`InvalidQueryError` for a value that does not fit its property's kind or an
    operator the kind does not take; the resolver's own errors pass through.
    """
    if isinstance(node, And):
        return sa.and_(*(compile_filter(item, resolver) for item in node.items))
    if isinstance(node, Or):
        return sa.or_(*(compile_filter(item, resolver) for item in node.items))
    return _comparison(node, resolver(node.path))


def _comparison(node: Comparison, typed: TypedExpression) -> ColumnElement[bool]:
    if typed.kind is FieldKind.STRING:
        return _text_comparison(node, typed.expression)
    if typed.kind is FieldKind.NUMBER:
        return _number_comparison(node, typed.expression)
    if typed.kind is FieldKind.DATETIME:
        return _datetime_comparison(node, typed.expression)
    return _boolean_comparison(node, typed.expression)


def _text_comparison(node: Comparison, expression: ColumnElement[Any]) -> ColumnElement[bool]:
    if node.operator in _ORDERING:
        raise InvalidQueryError(
            f"query: {node.path} is text, which takes =, != and ~ (contains); "
            f"'{node.operator.value}' compares numbers and dates only"
        )
    folded = AsciiLower(expression)
    value = node.value.translate(_FOLD)
    if node.operator is Operator.EQUAL:
        return folded == value
    if node.operator is Operator.NOT_EQUAL:
        return folded != value
    return folded.like(f"%{_escape_like(value)}%", escape=_LIKE_ESCAPE)


def _escape_like(value: str) -> str:
    for special in (_LIKE_ESCAPE, "%", "_"):
        value = value.replace(special, _LIKE_ESCAPE + special)
    return value


def _number_comparison(node: Comparison, expression: ColumnElement[Any]) -> ColumnElement[bool]:
    if node.operator is Operator.CONTAINS:
        raise InvalidQueryError(
            f"query: {node.path} is a number; '~' (contains) works on text only",
        )
    if not _NUMBER.fullmatch(node.value):
        raise InvalidQueryError(
            f"query: {node.path} compares numbers; {node.value!r} is not a number",
            fix="Write the number with digits and an optional decimal point, such as 100 or "
            "-12.50, without currency symbols or thousands separators.",
        )
    # Numeric, not the column's own type: SQLite cannot bind a Decimal to an Integer column,
    # and a Numeric bind reaches it as a float, which is how SQLite keeps JSON numbers anyway.
    value = sa.literal(Decimal(node.value), sa.Numeric())
    return _ordered(node.operator, expression, value)


def _ordered(
    operator: Operator, left: ColumnElement[Any], right: ColumnElement[Any]
) -> ColumnElement[bool]:
    if operator is Operator.EQUAL:
        return left == right
    if operator is Operator.NOT_EQUAL:
        return left != right
    if operator is Operator.GREATER:
        return left > right
    if operator is Operator.LESS:
        return left < right
    if operator is Operator.GREATER_OR_EQUAL:
        return left >= right
    return left <= right


def _datetime_comparison(node: Comparison, expression: ColumnElement[Any]) -> ColumnElement[bool]:
    if node.operator is Operator.CONTAINS:
        raise InvalidQueryError(
            f"query: {node.path} is a date; '~' (contains) works on text only",
        )
    try:
        normalised = normalize_datetime_text(node.value)
    except ValueError:
        raise InvalidQueryError(
            f"query: {node.path} compares dates; {node.value!r} is not an ISO-8601 date or "
            "date-time",
            fix="Write the date as 2023-04-26, or a date and time as 2023-04-26T09:08:12 "
            "(add Z or an offset such as +01:00 for a time zone).",
        ) from None
    # The span the value names: [start, end). Stored values are the same text form, possibly
    # with a trailing Z, and a Z sorts after the bare time of the same second and before the
    # next second, so text comparisons with these bounds give the span for both forms. The
    # bounds stay plain str so a real date-time column (UtcDateTime) converts them itself.
    start = normalised[:19]
    span = timedelta(days=1) if _is_date_only(node.value) else timedelta(seconds=1)
    try:
        end: str | None = (datetime.fromisoformat(start) + span).isoformat(timespec="seconds")
    except OverflowError:
        end = None  # the span reaches the end of year 9999: nothing lies after it
    operator = node.operator
    if operator is Operator.EQUAL:
        return (
            expression >= start if end is None else sa.and_(expression >= start, expression < end)
        )
    if operator is Operator.NOT_EQUAL:
        return expression < start if end is None else sa.or_(expression < start, expression >= end)
    if operator is Operator.GREATER:
        return sa.false() if end is None else expression >= end
    if operator is Operator.GREATER_OR_EQUAL:
        return expression >= start
    if operator is Operator.LESS:
        return expression < start
    return expression.is_not(None) if end is None else expression < end


def _is_date_only(value: str) -> bool:
    try:
        date.fromisoformat(value.strip())
    except ValueError:
        return False
    return True


def _boolean_comparison(node: Comparison, expression: ColumnElement[Any]) -> ColumnElement[bool]:
    if node.operator not in (Operator.EQUAL, Operator.NOT_EQUAL):
        raise InvalidQueryError(
            f"query: {node.path} is true or false, which takes = and != only; "
            f"'{node.operator.value}' does not apply"
        )
    word = node.value.lower()
    if word not in ("true", "false"):
        raise InvalidQueryError(
            f"query: {node.path} is true or false; {node.value!r} is neither",
            fix=f"Write {node.path}=true or {node.path}=false.",
        )
    value = sa.literal(word == "true", sa.Boolean())
    return expression == value if node.operator is Operator.EQUAL else expression != value


# --- order ------------------------------------------------------------------------------------


def compile_order_by(
    keys: Sequence[OrderKey], resolver: Resolver, tie_breaker: ColumnElement[Any]
) -> list[ColumnElement[Any]]:
    """ORDER BY terms for ``keys``, ending with ``tie_breaker`` so pages never overlap."""
    terms: list[ColumnElement[Any]] = []
    for key in keys:
        typed = resolver(key.path)
        if typed.kind is FieldKind.STRING:
            # Case-folded first so "acme" sits by "Acme"; then exact, so the order is total.
            parts: list[ColumnElement[Any]] = [
                BinaryCollation(AsciiLower(typed.expression)),
                BinaryCollation(typed.expression),
            ]
        else:
            parts = [typed.expression]
        for part in parts:
            terms.append((part.desc() if key.descending else part.asc()).nulls_last())
    terms.append(tie_breaker)
    return terms


# --- constructs compiled per dialect ----------------------------------------------------------


_SQLITE_JSON_TYPES = {
    FieldKind.STRING: "('text')",
    FieldKind.DATETIME: "('text')",
    FieldKind.NUMBER: "('integer', 'real')",
    FieldKind.BOOLEAN: "('true', 'false')",
}
_POSTGRESQL_JSON_TYPES = {
    FieldKind.STRING: ("string", ""),
    FieldKind.DATETIME: ("string", ""),
    FieldKind.NUMBER: ("number", "NUMERIC"),
    FieldKind.BOOLEAN: ("boolean", "BOOLEAN"),
}
_SQL_TYPES: dict[FieldKind, sa.types.TypeEngine[Any]] = {
    FieldKind.STRING: sa.String(),
    FieldKind.DATETIME: sa.String(),
    FieldKind.NUMBER: sa.Numeric(),
    FieldKind.BOOLEAN: sa.Boolean(),
}


class JsonScalar(ColumnElement[Any]):
    """The scalar at ``path`` in a JSON document, or NULL if it is missing or of another kind.

    The document is JSON text on SQLite (``json_extract``) and JSONB on PostgreSQL (``#>>``
    and a cast). Guarding on the JSON type makes both databases agree: without it SQLite would
    compare a string with a number by storage class and PostgreSQL would fail the cast.
    """

    inherit_cache = True
    # SQLAlchemy's cache key and cloning read these (its own classes use lists too).
    _traverse_internals: _TraverseInternalsType = [  # noqa: RUF012
        ("document", InternalTraversal.dp_clauseelement),
        ("segments", InternalTraversal.dp_string_list),
        ("kind", InternalTraversal.dp_string),
    ]

    def __init__(self, document: ColumnElement[Any], path: str, kind: FieldKind) -> None:
        segments = path.split(".")
        if not all(_NAME.fullmatch(segment) for segment in segments):
            # The query parser only lets such names through, and they are rendered into SQL.
            raise ValueError(f"not a property path: {path!r}")
        self.document = document
        self.segments = segments
        self.kind = kind
        self.type = _SQL_TYPES[kind]

    @property
    def _from_objects(self) -> list[Any]:
        return self.document._from_objects


@compiles(JsonScalar, "sqlite")
def _json_scalar_sqlite(element: JsonScalar, compiler: SQLCompiler, **kw: Any) -> str:
    document = compiler.process(element.document, **kw)
    path = "'$." + ".".join(element.segments) + "'"
    return (
        f"CASE WHEN json_type({document}, {path}) IN {_SQLITE_JSON_TYPES[element.kind]} "
        f"THEN json_extract({document}, {path}) END"
    )


@compiles(JsonScalar, "postgresql")
def _json_scalar_postgresql(element: JsonScalar, compiler: SQLCompiler, **kw: Any) -> str:
    document = compiler.process(element.document, **kw)
    path = "'{" + ",".join(element.segments) + "}'"
    json_type, cast = _POSTGRESQL_JSON_TYPES[element.kind]
    text = f"({document} #>> {path})"
    value = f"CAST({text} AS {cast})" if cast else text
    return f"CASE WHEN jsonb_typeof({document} #> {path}) = '{json_type}' THEN {value} END"


@compiles(JsonScalar)
def _json_scalar_other(element: JsonScalar, compiler: SQLCompiler, **kw: Any) -> str:
    raise sa.exc.CompileError(
        f"JSON properties are queried on SQLite and PostgreSQL only, not on {compiler.dialect.name}"
    )


class AsciiLower(ColumnElement[Any]):
    """Text with ASCII letters lower-cased and every other character left as it is."""

    inherit_cache = True
    # SQLAlchemy's cache key and cloning read these (its own classes use lists too).
    _traverse_internals: _TraverseInternalsType = [  # noqa: RUF012
        ("text", InternalTraversal.dp_clauseelement)
    ]
    type = sa.String()

    def __init__(self, text: ColumnElement[Any]) -> None:
        self.text = text

    @property
    def _from_objects(self) -> list[Any]:
        return self.text._from_objects


@compiles(AsciiLower)
def _ascii_lower(element: AsciiLower, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite's built-in lower() folds ASCII only.
    return f"lower({compiler.process(element.text, **kw)})"


@compiles(AsciiLower, "postgresql")
def _ascii_lower_postgresql(element: AsciiLower, compiler: SQLCompiler, **kw: Any) -> str:
    # PostgreSQL's lower() follows the locale; translate() does exactly what SQLite does.
    text = compiler.process(element.text, **kw)
    return f"translate({text}, '{_ASCII_UPPER}', '{_ASCII_LOWER}')"


class BinaryCollation(ColumnElement[Any]):
    """Text compared by code point, whatever the database's locale."""

    inherit_cache = True
    # SQLAlchemy's cache key and cloning read these (its own classes use lists too).
    _traverse_internals: _TraverseInternalsType = [  # noqa: RUF012
        ("text", InternalTraversal.dp_clauseelement)
    ]
    type = sa.String()

    def __init__(self, text: ColumnElement[Any]) -> None:
        self.text = text

    @property
    def _from_objects(self) -> list[Any]:
        return self.text._from_objects


@compiles(BinaryCollation)
def _binary_collation(element: BinaryCollation, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(element.text, **kw)}) COLLATE BINARY"


@compiles(BinaryCollation, "postgresql")
def _binary_collation_postgresql(element: BinaryCollation, compiler: SQLCompiler, **kw: Any) -> str:
    return f'({compiler.process(element.text, **kw)}) COLLATE "C"'
