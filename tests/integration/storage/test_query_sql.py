"""The query language compiled to SQL gives the same rows, in the same order, on both databases.

Every test runs on SQLite and on PostgreSQL (the ``database_url`` fixture) against its own table
of invoice-like records kept as JSON documents; a Hypothesis test compares random queries and
orderings with a small reference evaluator written in plain Python.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects import postgresql

from qbdlink.errors import PermanentError
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
    parse_order_by,
    parse_query,
)
from qbdlink.platform.storage.query_sql import (
    Resolver,
    column_resolver,
    compile_filter,
    compile_order_by,
    json_record_resolver,
)

KINDS = {
    "id": FieldKind.STRING,
    "status": FieldKind.STRING,
    "currency": FieldKind.STRING,
    "note": FieldKind.STRING,
    "customerRef.id": FieldKind.STRING,
    "customerRef.companyName": FieldKind.STRING,
    "totalAmount": FieldKind.NUMBER,
    "amountDue": FieldKind.NUMBER,
    "issueDate": FieldKind.DATETIME,
    "modifiedDate": FieldKind.DATETIME,
    "metadata.isDeleted": FieldKind.BOOLEAN,
}


class NotQueryableError(PermanentError):
    """What the test's kind_of raises for a path it does not know (a resolver's own error)."""


def kind_of(path: str) -> FieldKind:
    if path not in KINDS:
        raise NotQueryableError(f"cannot query {path!r}")
    return KINDS[path]


def _invoice(
    number: int,
    status: str,
    total: Any,
    due: Any,
    issued: str | None,
    customer: dict[str, Any] | None,
    note: str | None,
    deleted: bool | None,
    currency: str | None,
    modified: str | None,
) -> dict[str, Any]:
    data: dict[str, Any] = {"id": f"inv-{number:02d}", "status": status, "totalAmount": total}
    optional = {
        "amountDue": due,
        "issueDate": issued,
        "customerRef": customer,
        "note": note,
        "currency": currency,
        "modifiedDate": modified,
    }
    data.update({key: value for key, value in optional.items() if value is not None})
    if deleted is not None:
        data["metadata"] = {"isDeleted": deleted}
    return data


def _ref(customer_id: str | None, name: str | None = None) -> dict[str, Any]:
    return {"id": customer_id} if name is None else {"id": customer_id, "companyName": name}


ACME = "80000001-1234"
OBRIEN = "80000002-5678"
THIRD = "80000003-0001"
SPECIAL = [
    _invoice(1, "Paid", 100.0, 0, "2023-01-01T00:00:00", _ref(ACME, "Acme Ltd"), "Net 30",
             False, "GBP", "2023-02-01T09:00:00Z"),
    _invoice(2, "Paid", 100.1, 0, "2023-01-01T23:59:59Z", _ref(ACME, "ACME & Sons"), "100% paid",
             False, "gbp", "2023-02-01T09:00:00Z"),
    _invoice(3, "Void", 250.75, 250.75, "2023-01-02T00:00:00", _ref(OBRIEN, "O'Brien_Co"), "a_b",
             True, "USD", "2023-02-02T12:30:00Z"),
    _invoice(4, "Draft", 0, 0, "2022-12-31T23:59:59", _ref(OBRIEN, "Zeta"), "ab",
             False, "USD", None),
    _invoice(5, "PartiallyPaid", 1234.56, 34.56, "2023-01-01T12:00:00Z", _ref(THIRD, "acme ltd"),
             "50%", False, "GBP", "2023-02-03T00:00:00Z"),
    # A credit, a naive time, no company name and no metadata.
    _invoice(6, "Paid", -5.25, 0, "2023-01-01T12:00:00", _ref(THIRD), "a%b",
             None, "EUR", "2023-02-03T00:00:00Z"),
    # A number written as a string and no customer at all: neither matches anything.
    _invoice(7, "Submitted", "12", 12, "2023-02-15T00:00:00", None, "CAFÉ au lait",
             None, "GBP", "2023-02-04T00:00:00Z"),
    _invoice(8, "Void", 99.99, 0, None, {"id": None}, None, None, None, "2023-02-04T00:00:00Z"),
    _invoice(9, "paid", 100, 0, "2023-01-03T00:00:00Z", _ref(ACME, "Acme Ltd"), "x\\y",
             False, "GBP", "2023-02-05T00:00:00Z"),
    _invoice(10, "Draft", 1000000.01, 1000000.01, "2024-02-29T08:00:00Z", _ref("80000004-0004",
             "Big Co"), "big", True, "USD", "2023-02-05T00:00:00Z"),
]  # fmt: skip


def _filler(n: int) -> dict[str, Any]:
    amount = round(n * 10 + 0.99, 2)
    day = f"2023-03-{n:02d}T10:00:00Z"
    customer = _ref("80000009-0009", "Filler Inc")
    return _invoice(n, "Submitted", amount, amount, day, customer, f"filler {n}", False, "CAD", day)


FILLERS = [_filler(n) for n in range(11, 31)]
RECORDS = SPECIAL + FILLERS


def ids(*numbers: int | range) -> list[str]:
    """``ids(1, 3, range(11, 14))`` -> inv-01, inv-03, inv-11, inv-12, inv-13 (in that order)."""
    flat: list[int] = []
    for item in numbers:
        flat.extend(item if isinstance(item, range) else [item])
    return [f"inv-{n:02d}" for n in flat]


FILLER = range(11, 31)


@dataclass(frozen=True)
class Loaded:
    engine: sa.Engine
    table: sa.Table
    resolver: Resolver

    def filter(self, query: str) -> list[str]:
        where = compile_filter(parse_query(query), self.resolver)
        statement = sa.select(self.table.c.id).where(where).order_by(self.table.c.id)
        with self.engine.connect() as connection:
            return list(connection.scalars(statement))

    def order(self, order_by: str, *, limit: int | None = None, offset: int = 0) -> list[str]:
        terms = compile_order_by(parse_order_by(order_by), self.resolver, self.table.c.id)
        statement = sa.select(self.table.c.id).order_by(*terms).limit(limit).offset(offset)
        with self.engine.connect() as connection:
            return list(connection.scalars(statement))


def _records_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        "query_sql_records",
        metadata,
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("modified_date", sa.Text, index=True),
        sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(), "postgresql")),
    )


@pytest.fixture
def loaded(database_url: str) -> Iterator[Loaded]:
    engine = sa.create_engine(database_url)
    metadata = sa.MetaData()
    table = _records_table(metadata)
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            table.insert(),
            [{"id": r["id"], "modified_date": r.get("modifiedDate"), "data": r} for r in RECORDS],
        )
    resolver = json_record_resolver(table.c.data, kind_of, {"modifiedDate": table.c.modified_date})
    try:
        yield Loaded(engine, table, resolver)
    finally:
        engine.dispose()


# --- filters ----------------------------------------------------------------------------------

FILTERS = [
    # Text: = and != ignore ASCII case (stored "paid" too); a missing value never matches.
    ("status=Paid", ids(1, 2, 6, 9)),
    ("status=PAID", ids(1, 2, 6, 9)),
    ("status!=Paid", ids(3, 4, 5, 7, 8, 10, FILLER)),
    ("status~paid", ids(1, 2, 5, 6, 9)),
    ("currency=gbp", ids(1, 2, 5, 7, 9)),
    ("currency!=GBP", ids(3, 4, 6, 10, FILLER)),
    # Dot paths; a missing object and a null id match neither = nor !=.
    (f"customerRef.id={ACME}", ids(1, 2, 9)),
    (f"customerRef.id!={ACME}", ids(3, 4, 5, 6, 10, FILLER)),
    ("customerRef.companyName~acme", ids(1, 2, 5, 9)),
    ("customerRef.companyName=Acme Ltd", ids(1, 5, 9)),
    ("customerRef.companyName=ACME & Sons", ids(2)),
    ("customerRef.companyName~O'Brien", ids(3)),
    # Contains: %, _ and the escape character are literal; only ASCII letters fold.
    ("note~%", ids(2, 5, 6)),
    ("note~100%", ids(2)),
    ("note~_", ids(3)),
    ("note~a_b", ids(3)),
    ("note~\\", ids(9)),
    ("note~x\\y", ids(9)),
    ("note~cafÉ", ids(7)),
    ("note~Café", []),
    ("note~filler 2", ids(range(20, 30))),
    # Numbers: cents, negatives, a number stored as a string never matches.
    ("totalAmount>100", ids(2, 3, 5, 10, FILLER)),
    ("totalAmount>=100", ids(1, 2, 3, 5, 9, 10, FILLER)),
    ("totalAmount=100", ids(1, 9)),
    ("totalAmount=100.00", ids(1, 9)),
    ("totalAmount=1234.56", ids(5)),
    ("totalAmount=1.23456e3", ids(5)),
    ("totalAmount<0", ids(6)),
    ("totalAmount<=0", ids(4, 6)),
    ("totalAmount!=100", ids(2, 3, 4, 5, 6, 8, 10, FILLER)),
    ("totalAmount=12", []),
    ("totalAmount=1000000.01", ids(10)),
    ("amountDue>0&&currency=USD", ids(3, 10)),
    # Dates: a date alone is the whole day; a naive time and a Z time are the same moment.
    ("issueDate=2023-01-01", ids(1, 2, 5, 6)),
    ("issueDate>2023-01-01", ids(3, 7, 9, 10, FILLER)),
    ("issueDate>=2023-01-01", ids(1, 2, 3, 5, 6, 7, 9, 10, FILLER)),
    ("issueDate<2023-01-01", ids(4)),
    ("issueDate<=2023-01-01", ids(1, 2, 4, 5, 6)),
    ("issueDate!=2023-01-01", ids(3, 4, 7, 9, 10, FILLER)),
    ("issueDate=20230101", ids(1, 2, 5, 6)),
    ("issueDate=2023-01-01T12:00:00Z", ids(5, 6)),
    ("issueDate=2023-01-01T12:00:00", ids(5, 6)),
    ("issueDate=2023-01-01T12:00:00.999+00:00", ids(5, 6)),
    ("issueDate>2023-01-01T12:00:00+01:00", ids(2, 3, 5, 6, 7, 9, 10, FILLER)),
    ("issueDate<2023-01-01T12:00:00Z", ids(1, 4)),
    ("issueDate<=2023-01-01T12:00:00Z", ids(1, 4, 5, 6)),
    ("issueDate>=2024-02-29&&issueDate<2024-03-01", ids(10)),
    ("issueDate=9999-12-31", []),
    ("issueDate<=9999-12-31", ids(1, 2, 3, 4, 5, 6, 7, 9, 10, FILLER)),
    # The indexed column.
    ("modifiedDate>=2023-02-04", ids(7, 8, 9, 10, FILLER)),
    ("modifiedDate=2023-02-01T09:00:00Z", ids(1, 2)),
    ("modifiedDate<2023-02-02", ids(1, 2)),
    ("modifiedDate>2023-03-29T10:00:00Z", ids(30)),
    # Booleans.
    ("metadata.isDeleted=true", ids(3, 10)),
    ("metadata.isDeleted=False", ids(1, 2, 4, 5, 9, FILLER)),
    ("metadata.isDeleted!=TRUE", ids(1, 2, 4, 5, 9, FILLER)),
    # Precedence and groups.
    ("totalAmount>100&&{status=Paid||status=Void}", ids(2, 3)),
    ("status=Void||status=Draft&&totalAmount<100", ids(3, 4, 8)),
    ("{status=Void||status=Draft}&&totalAmount<100", ids(4, 8)),
    (
        "{{status=Paid&&currency=GBP}||{status=Void&&currency=USD}}&&totalAmount<200",
        ids(1, 2, 9),
    ),
    ("{totalAmount > 100 || totalAmount < 50} && status != paid", ids(3, 4, 5, 10, FILLER)),
]


@pytest.mark.parametrize(("query", "expected"), FILTERS, ids=[query for query, _ in FILTERS])
def test_filter(loaded: Loaded, query: str, expected: list[str]) -> None:
    assert loaded.filter(query) == sorted(expected)


# --- ordering ---------------------------------------------------------------------------------

ORDERS = [
    # Numbers; the string "12" (inv-07) counts as missing and comes last; ties go by id.
    ("totalAmount", ids(6, 4, 8, 1, 9, 2, range(11, 25), 3, range(25, 31), 5, 10, 7)),
    ("-totalAmount", ids(10, 5, range(30, 24, -1), 3, range(24, 10, -1), 2, 1, 9, 8, 4, 6, 7)),
    # Text: ASCII case folded first, then by code point; missing last either way.
    ("customerRef.companyName", ids(2, 1, 9, 5, 10, FILLER, 3, 4, 6, 7, 8)),
    ("-customerRef.companyName", ids(4, 3, FILLER, 10, 5, 1, 9, 2, 6, 7, 8)),
    ("status", ids(4, 10, 1, 2, 6, 9, 5, 7, FILLER, 3, 8)),
    # Dates as text: a naive time sorts just before the same time with Z.
    ("issueDate", ids(4, 1, 6, 5, 2, 3, 9, 7, FILLER, 10, 8)),
    ("-modifiedDate", ids(range(30, 10, -1), 9, 10, 7, 8, 5, 6, 3, 1, 2, 4)),
    ("modifiedDate", ids(1, 2, 3, 5, 6, 7, 8, 9, 10, FILLER, 4)),
    # Several keys; booleans false first.
    (
        "metadata.isDeleted,-totalAmount",
        ids(5, range(30, 10, -1), 2, 1, 9, 4, 10, 3, 8, 6, 7),
    ),
    # GBP before gbp (same folded text), then by note, descending.
    ("currency,-note", ids(range(30, 10, -1), 6, 9, 1, 7, 5, 2, 10, 4, 3, 8)),
]


@pytest.mark.parametrize(("order_by", "expected"), ORDERS, ids=[text for text, _ in ORDERS])
def test_order(loaded: Loaded, order_by: str, expected: list[str]) -> None:
    assert loaded.order(order_by) == expected


def test_pages_are_stable(loaded: Loaded) -> None:
    # Many ties (20 fillers share a status): without the tie breaker pages could overlap.
    whole = loaded.order("status")
    pages = [loaded.order("status", limit=7, offset=start) for start in range(0, 30, 7)]
    assert [row for page in pages for row in page] == whole


def test_no_keys_orders_by_the_tie_breaker(loaded: Loaded) -> None:
    assert loaded.order("") == sorted(r["id"] for r in RECORDS)


# --- errors -----------------------------------------------------------------------------------

RESOLVER = json_record_resolver(
    _records_table(sa.MetaData()).c.data,
    kind_of,
    {},
)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("totalAmount=abc", "query: totalAmount compares numbers; 'abc' is not a number"),
        ("totalAmount>NaN", "query: totalAmount compares numbers; 'NaN' is not a number"),
        ("totalAmount<Infinity", "query: totalAmount compares numbers; 'Infinity' is not a number"),
        ("totalAmount=£10", "query: totalAmount compares numbers; '£10' is not a number"),
        ("totalAmount=1,000", "query: totalAmount compares numbers; '1,000' is not a number"),
        ("totalAmount~1", "query: totalAmount is a number; '~' (contains) works on text only"),
        (
            "issueDate=yesterday",
            "query: issueDate compares dates; 'yesterday' is not an ISO-8601 date or date-time",
        ),
        (
            "issueDate>2023-02-30",
            "query: issueDate compares dates; '2023-02-30' is not an ISO-8601 date or date-time",
        ),
        ("issueDate~2023", "query: issueDate is a date; '~' (contains) works on text only"),
        (
            "status>Paid",
            "query: status is text, which takes =, != and ~ (contains); "
            "'>' compares numbers and dates only",
        ),
        (
            "metadata.isDeleted=yes",
            "query: metadata.isDeleted is true or false; 'yes' is neither",
        ),
        (
            "metadata.isDeleted>=true",
            "query: metadata.isDeleted is true or false, which takes = and != only; "
            "'>=' does not apply",
        ),
        (
            "status=Paid&&{currency=GBP||metadata.isDeleted~t}",
            "query: metadata.isDeleted is true or false, which takes = and != only; "
            "'~' does not apply",
        ),
    ],
)
def test_values_that_do_not_fit_their_kind(query: str, message: str) -> None:
    with pytest.raises(InvalidQueryError) as caught:
        compile_filter(parse_query(query), RESOLVER)
    assert caught.value.message == message
    assert caught.value.code == "invalid_query"
    assert caught.value.fix


def test_the_resolvers_own_errors_pass_through() -> None:
    with pytest.raises(NotQueryableError, match="cannot query 'lineItems'"):
        compile_filter(parse_query("status=Paid||lineItems=1"), RESOLVER)
    with pytest.raises(NotQueryableError):
        compile_order_by(parse_order_by("-lineItems"), RESOLVER, sa.column("id"))


# --- plain tables -----------------------------------------------------------------------------


def test_column_resolver_on_plain_columns(loaded: Loaded) -> None:
    table = loaded.table
    resolver = column_resolver(
        {
            "id": (FieldKind.STRING, table.c.id),
            "modified": (FieldKind.DATETIME, table.c.modified_date),
        }
    )

    def run(query: str, order_by: str) -> list[str]:
        statement = (
            sa.select(table.c.id)
            .where(compile_filter(parse_query(query), resolver))
            .order_by(*compile_order_by(parse_order_by(order_by), resolver, table.c.id))
        )
        with loaded.engine.connect() as connection:
            return list(connection.scalars(statement))

    assert run("id=INV-03||id~-1", "-id") == ids(range(19, 9, -1), 3)
    assert run("modified<2023-02-03&&id!=inv-02", "-modified") == ids(3, 1)

    with pytest.raises(UnknownQueryPropertyError) as caught:
        run("name=Acme", "")
    assert caught.value.message == "unknown property 'name'; valid properties: id, modified"
    assert caught.value.code == "unknown_query_property"
    with pytest.raises(UnknownQueryPropertyError):
        run("id=x", "-created")


def test_column_resolver_on_a_real_date_time_column(database_url: str) -> None:
    # A timestamptz on PostgreSQL, text on SQLite: a type that reads ISO text binds does it.
    class IsoTimestamp(sa.TypeDecorator[datetime]):
        impl = sa.DateTime(timezone=True)
        cache_ok = True

        def process_bind_param(self, value: Any, dialect: sa.Dialect) -> Any:
            if isinstance(value, str):
                value = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if dialect.name == "sqlite" and value is not None:
                return value.replace(tzinfo=None)
            return value

    metadata = sa.MetaData()
    events = sa.Table(
        "query_sql_events",
        metadata,
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("created", IsoTimestamp),
        sa.Column("progress", sa.Integer),
        sa.Column("done", sa.Boolean),
    )
    engine = sa.create_engine(database_url)
    try:
        metadata.create_all(engine)
        moment = datetime.fromisoformat("2023-05-01T10:00:00.250000+00:00")
        with engine.begin() as connection:
            connection.execute(
                events.insert(),
                [
                    {"id": "e1", "created": moment, "progress": 10, "done": False},
                    {"id": "e2", "created": moment + timedelta(seconds=1), "progress": 100,
                     "done": True},
                    {"id": "e3", "created": moment + timedelta(days=1), "progress": 50,
                     "done": False},
                ],
            )  # fmt: skip
        resolver = column_resolver(
            {
                "id": (FieldKind.STRING, events.c.id),
                "created": (FieldKind.DATETIME, events.c.created),
                "progress": (FieldKind.NUMBER, events.c.progress),
                "isCompleted": (FieldKind.BOOLEAN, events.c.done),
            }
        )

        def run(query: str) -> list[str]:
            where = compile_filter(parse_query(query), resolver)
            with engine.connect() as connection:
                return list(
                    connection.scalars(sa.select(events.c.id).where(where).order_by(events.c.id))
                )

        assert run("created=2023-05-01T10:00:00Z") == ["e1"]
        assert run("created=2023-05-01T11:00:00+01:00") == ["e1"]
        assert run("created=2023-05-01") == ["e1", "e2"]
        assert run("created>2023-05-01") == ["e3"]
        assert run("created>2023-05-01T10:00:00") == ["e2", "e3"]
        assert run("progress>=50.5") == ["e2"]
        assert run("progress=50") == ["e3"]
        assert run("isCompleted=false") == ["e1", "e3"]
    finally:
        metadata.drop_all(engine)
        engine.dispose()


def test_text_order_ignores_the_database_locale(database_url: str) -> None:
    # On PostgreSQL the column gets an ICU locale, as a production database might (the test
    # database itself is C.UTF-8): the order must still be SQLite's.
    metadata = sa.MetaData()
    names = sa.Table(
        "query_sql_names",
        metadata,
        sa.Column(
            "name", sa.Text().with_variant(postgresql.TEXT(collation="en-US-x-icu"), "postgresql")
        ),
    )
    engine = sa.create_engine(database_url)
    try:
        metadata.create_all(engine)
        values = ["b", "B", "a-c", "ab", "Zeta", "zeta", "a c", "é", "e", "_x", "Éclair", "ÉCLAIR"]
        with engine.begin() as connection:
            connection.execute(names.insert(), [{"name": value} for value in values])
        resolver = column_resolver({"name": (FieldKind.STRING, names.c.name)})

        def run(query: str, order_by: str) -> list[str]:
            statement = sa.select(names.c.name).order_by(
                *compile_order_by(parse_order_by(order_by), resolver, names.c.name)
            )
            if query:
                statement = statement.where(compile_filter(parse_query(query), resolver))
            with engine.connect() as connection:
                return list(connection.scalars(statement))

        ascending = [
            "_x",
            "a c",
            "a-c",
            "ab",
            "B",
            "b",
            "e",
            "Zeta",
            "zeta",
            "ÉCLAIR",
            "Éclair",
            "é",
        ]
        assert run("", "name") == ascending
        assert run("", "-name") == ascending[::-1]
        assert run("name=b", "name") == ["B", "b"]
        assert run("name=éclair", "name") == []
        assert run("name~Écl", "name") == ["ÉCLAIR", "Éclair"]
        assert run("name~écl", "name") == []
    finally:
        metadata.drop_all(engine)
        engine.dispose()


# --- the reference evaluator ------------------------------------------------------------------


def _lookup(record: dict[str, Any], path: str) -> Any:
    value: Any = record
    for segment in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(segment)
    return value


def _fold(text: str) -> str:
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text)


def _compare(operator: Operator, left: Any, right: Any) -> bool:
    return {
        Operator.EQUAL: left == right,
        Operator.NOT_EQUAL: left != right,
        Operator.GREATER: left > right,
        Operator.LESS: left < right,
        Operator.GREATER_OR_EQUAL: left >= right,
        Operator.LESS_OR_EQUAL: left <= right,
    }[operator]


def reference_matches(node: QueryNode, record: dict[str, Any]) -> bool:
    if isinstance(node, And):
        return all(reference_matches(item, record) for item in node.items)
    if isinstance(node, Or):
        return any(reference_matches(item, record) for item in node.items)
    stored = _lookup(record, node.path)
    kind = KINDS[node.path]
    if kind is FieldKind.STRING:
        if not isinstance(stored, str):
            return False
        if node.operator is Operator.CONTAINS:
            return _fold(node.value) in _fold(stored)
        return _compare(node.operator, _fold(stored), _fold(node.value))
    if kind is FieldKind.NUMBER:
        if isinstance(stored, bool) or not isinstance(stored, int | float):
            return False
        return _compare(node.operator, Decimal(repr(stored)), Decimal(node.value))
    if kind is FieldKind.BOOLEAN:
        if not isinstance(stored, bool):
            return False
        return _compare(node.operator, stored, node.value.lower() == "true")
    if not isinstance(stored, str):
        return False
    # Dates as moments: the stored second, and the span of time the value names.
    moment = datetime.fromisoformat(stored[:19])
    start = datetime.fromisoformat(normalize_datetime_text(node.value)[:19])
    try:
        date.fromisoformat(node.value)
        end = start + timedelta(days=1)
    except ValueError:
        end = start + timedelta(seconds=1)
    inside = start <= moment < end
    return {
        Operator.EQUAL: inside,
        Operator.NOT_EQUAL: not inside,
        Operator.GREATER: moment >= end,
        Operator.LESS: moment < start,
        Operator.GREATER_OR_EQUAL: moment >= start,
        Operator.LESS_OR_EQUAL: moment < end,
    }[node.operator]


def reference_order(keys: Sequence[OrderKey], records: list[dict[str, Any]]) -> list[str]:
    def value_of(record: dict[str, Any], path: str) -> Any:
        stored = _lookup(record, path)
        kind = KINDS[path]
        if kind is FieldKind.NUMBER:
            number = isinstance(stored, int | float) and not isinstance(stored, bool)
            return Decimal(repr(stored)) if number else None
        if kind is FieldKind.BOOLEAN:
            return stored if isinstance(stored, bool) else None
        if not isinstance(stored, str):
            return None
        return (_fold(stored), stored) if kind is FieldKind.STRING else stored

    def compare(a: dict[str, Any], b: dict[str, Any]) -> int:
        for key in keys:
            left, right = value_of(a, key.path), value_of(b, key.path)
            if left == right:
                continue
            if left is None or right is None:
                return 1 if left is None else -1  # missing values last, either way
            result = -1 if left < right else 1
            return -result if key.descending else result
        return -1 if a["id"] < b["id"] else 1

    return [record["id"] for record in sorted(records, key=functools.cmp_to_key(compare))]


# --- random queries against the reference ------------------------------------------------------

_STRINGS = sorted(
    {
        str(value)
        for record in RECORDS
        for path, kind in KINDS.items()
        if kind is FieldKind.STRING and isinstance(value := _lookup(record, path), str)
    }
)
_STRING_VALUES = (
    st.one_of(
        st.sampled_from(_STRINGS),
        st.sampled_from(_STRINGS).map(str.upper),
        st.sampled_from(_STRINGS).flatmap(
            lambda s: st.integers(0, len(s)).flatmap(
                lambda i: st.integers(i, len(s)).map(lambda j: s[i:j])
            )
        ),
        st.sampled_from(["%", "_", "\\", "a_b", "é", "É", "inv-1", "x"]),
    )
    .map(lambda s: s.strip())
    .filter(lambda s: s != "" and "&&" not in s and "||" not in s and "}" not in s)
)
_NUMBER_VALUES = st.one_of(
    st.sampled_from(["0", "100", "100.00", "-5.25", "1234.56", "99.99", "250.75", "1e2"]),
    st.decimals(min_value=-100, max_value=2_000_000, places=2).map(str),
)
_DAYS = [date(2022, 12, 31) + timedelta(days=n) for n in range(0, 95)] + [date(2024, 2, 29)]
_DATE_VALUES = st.one_of(
    st.sampled_from(_DAYS).map(date.isoformat),
    st.builds(
        lambda day, seconds, suffix: (
            (datetime.combine(day, datetime.min.time()) + timedelta(seconds=seconds)).isoformat()
            + suffix
        ),
        st.sampled_from(_DAYS),
        st.sampled_from([0, 1, 36000, 43199, 43200, 43201, 86399]),
        st.sampled_from(["", "Z", "+00:00", "+01:00", "-05:30"]),
    ),
)
_VALUES = {
    FieldKind.STRING: _STRING_VALUES,
    FieldKind.NUMBER: _NUMBER_VALUES,
    FieldKind.DATETIME: _DATE_VALUES,
    FieldKind.BOOLEAN: st.sampled_from(["true", "false", "TRUE", "False"]),
}
_OPERATORS = {
    FieldKind.STRING: [Operator.EQUAL, Operator.NOT_EQUAL, Operator.CONTAINS],
    FieldKind.NUMBER: [op for op in Operator if op is not Operator.CONTAINS],
    FieldKind.DATETIME: [op for op in Operator if op is not Operator.CONTAINS],
    FieldKind.BOOLEAN: [Operator.EQUAL, Operator.NOT_EQUAL],
}


@st.composite
def comparisons(draw: st.DrawFn) -> Comparison:
    path = draw(st.sampled_from(sorted(KINDS)))
    kind = KINDS[path]
    return Comparison(path, draw(st.sampled_from(_OPERATORS[kind])), draw(_VALUES[kind]))


def _combined(children: st.SearchStrategy[QueryNode]) -> st.SearchStrategy[QueryNode]:
    items = st.lists(children, min_size=2, max_size=3).map(tuple)
    return st.one_of(items.map(And), items.map(Or))


trees: st.SearchStrategy[QueryNode] = st.recursive(comparisons(), _combined, max_leaves=6)
order_keys = st.lists(
    st.builds(OrderKey, st.sampled_from(sorted(KINDS)), st.booleans()),
    min_size=1,
    max_size=3,
    unique_by=lambda key: key.path,
)
_PER_DATABASE = settings(
    max_examples=60,
    deadline=None,
    # The fixture's table is only read, so sharing it between examples is safe.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@_PER_DATABASE
@given(tree=trees)
def test_random_queries_match_the_reference(loaded: Loaded, tree: QueryNode) -> None:
    statement = (
        sa.select(loaded.table.c.id)
        .where(compile_filter(tree, loaded.resolver))
        .order_by(loaded.table.c.id)
    )
    with loaded.engine.connect() as connection:
        found = list(connection.scalars(statement))
    assert found == [r["id"] for r in RECORDS if reference_matches(tree, r)]


@_PER_DATABASE
@given(keys=order_keys)
def test_random_orderings_match_the_reference(loaded: Loaded, keys: list[OrderKey]) -> None:
    terms = compile_order_by(keys, loaded.resolver, loaded.table.c.id)
    with loaded.engine.connect() as connection:
        found = list(connection.scalars(sa.select(loaded.table.c.id).order_by(*terms)))
    assert found == reference_order(keys, RECORDS)
