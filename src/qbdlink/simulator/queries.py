"""Queries: filters, MaxReturned, iterators, IncludeRetElement, deleted-object queries.

QuickBooks returns records in creation order. An iterator (``iterator="Start"``) pages by
MaxReturned and answers with ``iteratorRemainingCount`` and an ``iteratorID`` that belongs to
the session: a Continue from another session, or after the iterator expired, is status 3391.
Status 1 means no record matched: not a failure.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Any

from ..qbxml.decode import decode_element
from ..qbxml.schema import Kind as FieldKind
from ..qbxml.schema import QbxmlObject
from .context import IteratorState, RequestContext, StatusError
from .kinds import KINDS
from .records import attr
from .store import RecordFilter

__all__ = ["QueryResult", "deleted_query", "run_query"]


@dataclasses.dataclass
class QueryResult:
    records: list[QbxmlObject]
    iterator_id: str | None = None
    remaining: int | None = None


_MATCH = {"StartsWith": "{}%", "Contains": "%{}%", "EndsWith": "%{}"}


def _like(match: str | None, text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return _MATCH.get(match or "StartsWith", "{}%").format(escaped)


def build_filter(
    context: RequestContext, query: QbxmlObject, kinds: tuple[str, ...]
) -> RecordFilter:
    wanted = RecordFilter(kinds=kinds)
    offset = timedelta(minutes=context.offset_minutes)
    wanted.ids = tuple(attr(query, "list_id") or attr(query, "txn_id") or ())
    wanted.full_names = tuple(attr(query, "full_name") or ())
    wanted.ref_numbers = tuple(
        attr(query, "ref_number") or attr(query, "ref_number_case_sensitive") or ()
    )
    wanted.ref_numbers_case_sensitive = bool(attr(query, "ref_number_case_sensitive"))
    status = attr(query, "active_status")
    wanted.active = (
        {"All": None, "InactiveOnly": False}.get(status, True)
        if kinds and KINDS[kinds[0]].is_list
        else None
    )
    if wanted.ids or wanted.full_names:
        wanted.active = None  # named records come back whatever their status
    from_modified = attr(query, "from_modified_date")
    to_modified = attr(query, "to_modified_date")
    date_range = attr(query, "modified_date_range_filter")
    if date_range is not None:
        from_modified = attr(date_range, "from_modified_date")
        to_modified = attr(date_range, "to_modified_date")
    wanted.modified_from_utc = _moment(from_modified, offset)
    wanted.modified_to_utc = _moment(to_modified, offset)
    txn_dates = attr(query, "txn_date_range_filter")
    if txn_dates is not None:
        wanted.txn_date_from = attr(txn_dates, "from_txn_date")
        wanted.txn_date_to = attr(txn_dates, "to_txn_date")
        macro = attr(txn_dates, "date_macro")
        if macro:
            wanted.txn_date_from, wanted.txn_date_to = _date_macro(macro, context.now().date())
    name_filter = attr(query, "name_filter")
    if name_filter is not None:
        wanted.name_like = _like(attr(name_filter, "match_criterion"), attr(name_filter, "name"))
    name_range = attr(query, "name_range_filter")
    if name_range is not None:
        wanted.name_from = attr(name_range, "from_name")
        wanted.name_to = attr(name_range, "to_name")
    ref_filter = attr(query, "ref_number_filter")
    if ref_filter is not None:
        wanted.ref_like = _like(attr(ref_filter, "match_criterion"), attr(ref_filter, "ref_number"))
    ref_range = attr(query, "ref_number_range_filter")
    if ref_range is not None:
        wanted.ref_from = attr(ref_range, "from_ref_number")
        wanted.ref_to = attr(ref_range, "to_ref_number")
    entity = attr(query, "entity_filter")
    if entity is not None:
        wanted.entity_ids = _ids_of(context, entity, ("Customer", "Vendor", "Employee"))
    account = attr(query, "account_filter")
    if account is not None:
        ids = _ids_of(context, account, ("Account",))
        wanted.account_id = ids[0] if ids else "-"
    paid = attr(query, "paid_status")
    wanted.paid = {"PaidOnly": True, "NotPaidOnly": False}.get(paid or "All")
    return wanted


def _moment(value: datetime | date | None, offset: timedelta) -> int | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is None:  # no offset given: the company's local time
        value = value.replace(tzinfo=timezone(offset))
    return int(value.timestamp())


def _ids_of(
    context: RequestContext, ref_filter: QbxmlObject, kinds: tuple[str, ...]
) -> tuple[str, ...]:
    ids = list(_many(attr(ref_filter, "list_id")))
    for list_id in _many(attr(ref_filter, "list_id_with_children")):
        ids += context.store.ids_under(list_id)
    for name in _many(attr(ref_filter, "full_name")):
        ids += _named(context, name, kinds)
    for name in _many(attr(ref_filter, "full_name_with_children")):
        for found in _named(context, name, kinds):
            ids += context.store.ids_under(found)
    return tuple(ids) or ("-",)


def _many(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, tuple) else (str(value),)


def _named(context: RequestContext, name: str, kinds: tuple[str, ...]) -> list[str]:
    for kind in kinds:
        group = KINDS[kind].name_group
        row = context.store.find_by_name(group, name) if group else None
        if row is not None:
            return [row.id]
    return []


def _date_macro(macro: str, today: date) -> tuple[date | None, date | None]:
    start_of_month = today.replace(day=1)
    start_of_year = today.replace(month=1, day=1)
    macros: dict[str, tuple[date | None, date | None]] = {
        "All": (None, None),
        "Today": (today, today),
        "Yesterday": (today - timedelta(days=1), today - timedelta(days=1)),
        "ThisWeek": (today - timedelta(days=today.weekday()), today),
        "ThisMonth": (start_of_month, today),
        "ThisMonthToDate": (start_of_month, today),
        "ThisYear": (start_of_year, today),
        "ThisYearToDate": (start_of_year, today),
        "LastMonth": (
            (start_of_month - timedelta(days=1)).replace(day=1),
            start_of_month - timedelta(days=1),
        ),
        "LastYear": (start_of_year.replace(year=today.year - 1), start_of_year - timedelta(days=1)),
    }
    if macro not in macros:
        raise StatusError(3020, f'The date macro "{macro}" is not supported by this simulator.')
    return macros[macro]


def run_query(context: RequestContext, query: QbxmlObject, kinds: tuple[str, ...]) -> QueryResult:
    iterator = attr(query, "iterator")
    page_size = attr(query, "max_returned")
    if iterator == "Continue":
        return _continue(context, query, kinds)
    if iterator == "Stop":
        return _stop(context, query)
    wanted = build_filter(context, query, kinds)
    if iterator == "Start":
        size = page_size or 1000
        rows = context.store.select(dataclasses.replace(wanted, limit=size))
        remaining = (
            context.store.count(dataclasses.replace(wanted, after_seq=rows[-1].seq if rows else 0))
            if rows
            else 0
        )
        iterator_id = "{" + str(uuid.uuid4()) + "}"
        context.iterators[iterator_id] = IteratorState(
            request_tag=type(query).__name__,
            criteria=_criteria(query),
            last_seq=rows[-1].seq if rows else 0,
            page_size=size,
        )
        return QueryResult(_decode(rows, query), iterator_id, remaining)
    if page_size is not None:
        wanted.limit = page_size
    return QueryResult(_decode(context.store.select(wanted), query))


def _criteria(query: QbxmlObject) -> object:
    return dataclasses.replace(query, iterator=None, iterator_id=None, request_id=None)  # type: ignore[type-var]


def _continue(context: RequestContext, query: QbxmlObject, kinds: tuple[str, ...]) -> QueryResult:
    iterator_id = attr(query, "iterator_id")
    state = context.iterators.get(iterator_id or "")
    if state is None or state.request_tag != type(query).__name__:
        raise StatusError(3391, f'The iteratorID "{iterator_id}" is not valid.')
    wanted = build_filter(context, query, kinds)
    wanted.after_seq = state.last_seq
    rows = context.store.select(dataclasses.replace(wanted, limit=state.page_size))
    if rows:
        state.last_seq = rows[-1].seq
    remaining = context.store.count(dataclasses.replace(wanted, after_seq=state.last_seq))
    if remaining == 0:
        del context.iterators[iterator_id]
    return QueryResult(_decode(rows, query), iterator_id, remaining)


def _stop(context: RequestContext, query: QbxmlObject) -> QueryResult:
    iterator_id = attr(query, "iterator_id")
    state = context.iterators.pop(iterator_id or "", None)
    if state is None or state.request_tag != type(query).__name__:
        raise StatusError(3391, f'The iteratorID "{iterator_id}" is not valid.')
    return QueryResult([], iterator_id, 0)


def _decode(rows: list[Any], query: QbxmlObject) -> list[QbxmlObject]:
    records = [decode_element(row.body, KINDS[row.kind].ret) for row in rows]
    include = attr(query, "include_ret_element")
    if "include_line_items" in type(query)._spec.by_attr and not attr(query, "include_line_items"):
        records = [_without_lines(record) for record in records]
    if "include_linked_txns" in type(query)._spec.by_attr and not attr(
        query, "include_linked_txns"
    ):
        records = [dataclasses.replace(r, linked_txn=()) for r in records]  # type: ignore[type-var]
    owners = set(attr(query, "owner_id") or ())
    records = [_custom_fields_of(record, owners) for record in records]
    if include:
        records = [_only(record, set(include)) for record in records]
    return records


def _custom_fields_of(record: QbxmlObject, owners: set[str]) -> QbxmlObject:
    # DataExtRet come back only for the owners the query names in OwnerID.
    values = attr(record, "data_ext_ret")
    if not values:
        return record
    kept = tuple(value for value in values if attr(value, "owner_id") in owners)
    return record if kept == values else dataclasses.replace(record, data_ext_ret=kept)  # type: ignore[type-var]


def _without_lines(record: QbxmlObject) -> QbxmlObject:
    changes = {
        spec.attr: ()
        for spec in record._spec.fields
        if spec.kind is FieldKind.OBJECT
        and spec.repeated
        and "line" in spec.attr
        and spec.attr.endswith("_ret")
    }
    return dataclasses.replace(record, **changes) if changes else record  # type: ignore[type-var]


def _only(record: QbxmlObject, elements: set[str]) -> QbxmlObject:
    changes: dict[str, Any] = {}
    for spec in record._spec.fields:
        tags = {tag for tag, _ in spec.classes} or {spec.tag}
        if not tags & elements:
            changes[spec.attr] = () if spec.repeated else None
    return dataclasses.replace(record, **changes)  # type: ignore[type-var]


def deleted_query(
    context: RequestContext, kinds: tuple[str, ...], date_range: QbxmlObject | None
) -> list[tuple[str, str, str, str, str | None, str | None]]:
    offset = timedelta(minutes=context.offset_minutes)
    from_utc = _moment(attr(date_range, "from_deleted_date"), offset) if date_range else None
    to_utc = _moment(attr(date_range, "to_deleted_date"), offset) if date_range else None
    return [
        (row.kind, row.id, row.time_created, row.time_deleted, row.full_name, row.ref_number)
        for row in context.store.deleted(kinds, from_utc, to_utc)
    ]
