"""Which handler answers which request, and the shape of each answer.

Requests are named by convention (``{Kind}AddRq``, ``{Kind}ModRq``, ``{Kind}QueryRq``), so one
table of kinds serves every list and transaction; the deletion, void, custom-field and
preferences requests have their own small handlers here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..qbxml import messages as m
from ..qbxml.schema import QbxmlObject
from .context import RequestContext, StatusError
from .custom_fields import handle_custom_field
from .kinds import ITEM_KINDS, KINDS
from .queries import deleted_query, run_query
from .records import attr
from .writes import add, delete, mod, void

__all__ = ["handle"]

Answer = tuple[dict[str, Any], dict[str, Any]]
_OK = {"status_code": 0, "status_severity": "Info", "status_message": "Status OK"}
_NO_MATCH = {
    "status_code": 1,
    "status_severity": "Info",
    "status_message": "A query request did not find a matching object in QuickBooks",
}
_QUERY_KINDS: dict[str, tuple[str, ...]] = {
    **{f"{name}QueryRq": (name,) for name in KINDS},
    "ItemQueryRq": ITEM_KINDS,
    "TermsQueryRq": ("StandardTerms", "DateDrivenTerms"),
}


def handle(context: RequestContext, request: QbxmlObject) -> Answer:
    tag = request._spec.tag or ""
    if tag in _QUERY_KINDS:
        return _query(context, request, _QUERY_KINDS[tag])
    for suffix, write in (("AddRq", add), ("ModRq", mod)):
        name = tag[: -len(suffix)]
        if tag.endswith(suffix) and name in KINDS:
            kind = KINDS[name]
            payload = getattr(request, _snake(name) + ("_add" if suffix == "AddRq" else "_mod"))
            record = write(context, kind, payload)
            return {_snake(name) + "_ret": record}, _OK
    special = _SPECIAL.get(type(request))
    if special is None:
        if tag.startswith("DataExt"):
            fields = handle_custom_field(context, request)
            found = tag != "DataExtDefQueryRq" or bool(fields.get("data_ext_def_ret"))
            return fields, (_OK if found else _NO_MATCH)
        raise StatusError(1030, f"The request {tag} is not supported by this simulator.")
    return special(context, request)


def _snake(name: str) -> str:
    out = []
    for index, char in enumerate(name):
        if char.isupper() and index:
            out.append("_")
        out.append(char.lower())
    return "".join(out)


def _query(context: RequestContext, request: QbxmlObject, kinds: tuple[str, ...]) -> Answer:
    result = run_query(context, request, kinds)
    response = m.RESPONSES[(request._spec.tag or "")[:-2] + "Rs"]
    record_field = next(
        spec for spec in response._spec.fields if spec.classes and spec.tag.endswith("Ret")
    )
    fields: dict[str, Any] = {record_field.attr: tuple(result.records)}
    if result.iterator_id is not None:  # QuickBooks counts only iterator pages
        fields["iterator_id"] = result.iterator_id
        fields["iterator_remaining_count"] = result.remaining
        fields["ret_count"] = len(result.records)
    stopped = attr(request, "iterator") == "Stop"
    return fields, (_OK if result.records or stopped else _NO_MATCH)


def _list_del(context: RequestContext, request: QbxmlObject) -> Answer:
    kind_name = str(attr(request, "list_del_type"))
    _, record = delete(context, (kind_name,), str(attr(request, "list_id")))
    return {
        "list_del_type": kind_name,
        "list_id": attr(record, "list_id"),
        "time_deleted": context.now(),
        "full_name": attr(record, "full_name") or attr(record, "name"),
    }, _OK


def _txn_del(context: RequestContext, request: QbxmlObject) -> Answer:
    kind_name = str(attr(request, "txn_del_type"))
    _, record = delete(context, (kind_name,), str(attr(request, "txn_id")))
    return {
        "txn_del_type": kind_name,
        "txn_id": attr(record, "txn_id"),
        "time_deleted": context.now(),
        "ref_number": attr(record, "ref_number"),
    }, _OK


def _txn_void(context: RequestContext, request: QbxmlObject) -> Answer:
    kind_name = str(attr(request, "txn_void_type"))
    record = void(context, kind_name, str(attr(request, "txn_id")))
    return {
        "txn_void_type": kind_name,
        "txn_id": attr(record, "txn_id"),
        "time_created": attr(record, "time_created"),
        "time_modified": attr(record, "time_modified"),
        "ref_number": attr(record, "ref_number"),
    }, _OK


def _deleted(context: RequestContext, request: QbxmlObject, *, lists: bool) -> Answer:
    kinds = tuple(attr(request, "list_del_type" if lists else "txn_del_type"))
    rows = deleted_query(context, kinds, attr(request, "deleted_date_range_filter"))
    records: list[QbxmlObject] = []
    for kind, record_id, created, deleted_at, full_name, ref_number in rows:
        times = {
            "time_created": datetime.fromisoformat(created),
            "time_deleted": datetime.fromisoformat(deleted_at),
        }
        if lists:
            records.append(
                m.ListDeletedRet(
                    list_del_type=kind, list_id=record_id, full_name=full_name, **times
                )
            )
        else:
            records.append(
                m.TxnDeletedRet(txn_del_type=kind, txn_id=record_id, ref_number=ref_number, **times)
            )
    attr_name = "list_deleted_ret" if lists else "txn_deleted_ret"
    return {attr_name: tuple(records)}, (_OK if records else _NO_MATCH)


def _preferences(context: RequestContext, request: QbxmlObject) -> Answer:
    closing = context.store.get_meta("closing_date")
    preferences = m.PreferencesRet(
        accounting_preferences=m.AccountingPreferences(
            is_using_account_numbers=False,
            is_requiring_accounts=True,
            is_using_class_tracking=True,
            is_using_audit_trail=True,
            is_assigning_journal_entry_numbers=True,
            closing_date=datetime.fromisoformat(closing).date() if closing else None,
        )
    )
    return {"preferences_ret": preferences}, _OK


_SPECIAL = {
    m.ListDelRq: _list_del,
    m.TxnDelRq: _txn_del,
    m.TxnVoidRq: _txn_void,
    m.ListDeletedQueryRq: lambda c, r: _deleted(c, r, lists=True),
    m.TxnDeletedQueryRq: lambda c, r: _deleted(c, r, lists=False),
    m.PreferencesQueryRq: _preferences,
}
