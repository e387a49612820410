"""Pages of any table: filter with Codat's query language, order, count, slice; all in SQL."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from qbdlink.platform.domain import Page, PageRequest
from qbdlink.platform.services.query_language import parse_order_by, parse_query
from qbdlink.platform.storage.query_sql import (
    TypedExpression,
    compile_filter,
    compile_order_by,
)

T = TypeVar("T")
Resolver = Callable[[str], TypedExpression]


def fetch_page(
    connection: Connection,
    select: sa.Select[Any],
    *,
    request: PageRequest,
    resolver: Resolver,
    tie_breaker: sa.ColumnElement[Any],
    default_order: Sequence[sa.ColumnElement[Any]] = (),
    convert: Callable[[Row[Any]], T],
) -> Page[T]:
    """One page of ``select`` (already scoped to the tenant) and the total after filtering."""
    if request.query and request.query.strip():
        select = select.where(compile_filter(parse_query(request.query), resolver))
    total = connection.execute(
        sa.select(sa.func.count()).select_from(select.order_by(None).subquery())
    ).scalar_one()
    if request.order_by and request.order_by.strip():
        order = compile_order_by(parse_order_by(request.order_by), resolver, tie_breaker)
    else:
        order = [*default_order, tie_breaker]
    rows = connection.execute(
        select.order_by(*order).limit(request.page_size).offset(request.offset)
    ).all()
    return Page(
        items=[convert(row) for row in rows],
        page=request.page,
        page_size=request.page_size,
        total=total,
    )
