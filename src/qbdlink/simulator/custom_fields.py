"""Custom fields: DataExt definitions, and their values on lists and transactions.

A definition belongs to an owner (``OwnerID``: ``0`` for fields made in the QuickBooks UI, or
an application's GUID) and is assigned to object types. A value lives inside the record it
describes and comes back as ``DataExtRet`` when a query names its owner in ``OwnerID``.
"""

from __future__ import annotations

from typing import Any

from ..qbxml import messages as m
from ..qbxml.decode import decode_element
from ..qbxml.encode import encode_element
from ..qbxml.schema import QbxmlObject
from .context import RequestContext, StatusError
from .kinds import KINDS, REF_TARGETS
from .records import attr, replace
from .store import CompanyStore
from .writes import load, resolver, save

__all__ = ["company_data_ext", "handle_custom_field"]


def handle_custom_field(context: RequestContext, request: QbxmlObject) -> dict[str, Any]:
    if isinstance(request, m.DataExtDefAddRq):
        return {"data_ext_def_ret": _define(context, request.data_ext_def_add)}
    if isinstance(request, m.DataExtDefModRq):
        return {"data_ext_def_ret": _redefine(context, request.data_ext_def_mod)}
    if isinstance(request, m.DataExtDefDelRq):
        return {"data_ext_def_del_ret": _undefine(context, request)}
    if isinstance(request, m.DataExtDefQueryRq):
        return {"data_ext_def_ret": _definitions(context, request)}
    if isinstance(request, m.DataExtAddRq):
        return {"data_ext_ret": _set_value(context, request.data_ext_add, new=True)}
    if isinstance(request, m.DataExtModRq):
        return {"data_ext_ret": _set_value(context, request.data_ext_mod, new=False)}
    if isinstance(request, m.DataExtDelRq):
        return {"data_ext_del_ret": _delete_value(context, request.data_ext_del)}
    raise StatusError(1030, f"{type(request).__name__} is not supported by this simulator.")


def _definition(context: RequestContext, owner_id: str, name: str) -> m.DataExtDefRet | None:
    for owner, def_name, body in context.store.data_ext_defs([owner_id]):
        if owner == owner_id and def_name.lower() == name.lower():
            found = decode_element(body, m.DataExtDefRet)
            assert isinstance(found, m.DataExtDefRet)
            return _complete(found)
    return None


def _complete(definition: m.DataExtDefRet) -> m.DataExtDefRet:
    # QuickBooks always answers with these three (the XSD requires them); an Add may omit
    # them, and an empty format string reads back as absent.
    completed = replace(
        definition,
        data_ext_list_require=bool(definition.data_ext_list_require),
        data_ext_txn_require=bool(definition.data_ext_txn_require),
        data_ext_format_string=definition.data_ext_format_string or "",
    )
    assert isinstance(completed, m.DataExtDefRet)
    return completed


def _put(context: RequestContext, definition: m.DataExtDefRet) -> None:
    context.store.put_data_ext_def(
        str(definition.owner_id),
        str(definition.data_ext_name),
        encode_element(definition, "DataExtDefRet"),
    )


def _define(context: RequestContext, payload: m.DataExtDefAdd) -> m.DataExtDefRet:
    with context.store.write():
        if _definition(context, payload.owner_id, payload.data_ext_name) is not None:
            raise StatusError(
                3100, f'The name "{payload.data_ext_name}" of the list element is already in use.'
            )
        definition = m.DataExtDefRet(
            owner_id=payload.owner_id,
            data_ext_id=context.store.next_counter("data_ext_counter"),
            data_ext_name=payload.data_ext_name,
            data_ext_type=payload.data_ext_type,
            assign_to_object=payload.assign_to_object,
            data_ext_list_require=payload.data_ext_list_require,
            data_ext_txn_require=payload.data_ext_txn_require,
            data_ext_format_string=payload.data_ext_format_string,
        )
        definition = _complete(definition)
        _put(context, definition)
    return definition


def _redefine(context: RequestContext, payload: m.DataExtDefMod) -> m.DataExtDefRet:
    with context.store.write():
        current = _require(context, payload.owner_id, payload.data_ext_name)
        assigned = [o for o in current.assign_to_object if o not in payload.remove_from_object]
        assigned += [o for o in payload.assign_to_object if o not in assigned]
        changes: dict[str, Any] = {"assign_to_object": tuple(assigned)}
        for name in ("data_ext_list_require", "data_ext_txn_require", "data_ext_format_string"):
            if attr(payload, name) is not None:
                changes[name] = attr(payload, name)
        if payload.data_ext_new_name:
            context.store.remove_data_ext_def(payload.owner_id, payload.data_ext_name)
            changes["data_ext_name"] = payload.data_ext_new_name
        updated = replace(current, **changes)
        assert isinstance(updated, m.DataExtDefRet)
        _put(context, updated)
    return updated


def _require(context: RequestContext, owner_id: str, name: str) -> m.DataExtDefRet:
    definition = _definition(context, owner_id, name)
    if definition is None:
        raise StatusError(3120, f'Object "{name}" specified in the request cannot be found.')
    return definition


def _undefine(context: RequestContext, request: m.DataExtDefDelRq) -> m.DataExtDefDelRet:
    with context.store.write():
        _require(context, request.owner_id, request.data_ext_name)
        context.store.remove_data_ext_def(request.owner_id, request.data_ext_name)
    return m.DataExtDefDelRet(
        owner_id=request.owner_id, data_ext_name=request.data_ext_name, time_deleted=context.now()
    )


def _definitions(
    context: RequestContext, request: m.DataExtDefQueryRq
) -> tuple[m.DataExtDefRet, ...]:
    found = []
    for _, _, body in context.store.data_ext_defs(list(request.owner_id) or None):
        definition = decode_element(body, m.DataExtDefRet)
        assert isinstance(definition, m.DataExtDefRet)
        definition = _complete(definition)
        wanted = request.assign_to_object
        if wanted and not set(wanted) & set(definition.assign_to_object):
            continue
        found.append(definition)
    return tuple(found)


def _target(context: RequestContext, payload: QbxmlObject) -> tuple[str, QbxmlObject]:
    list_type = attr(payload, "list_data_ext_type")
    if list_type:
        kinds = REF_TARGETS.get(f"{list_type}Ref") or ((list_type,) if list_type in KINDS else ())
        if not kinds:
            raise StatusError(3250, f"Custom fields on {list_type} are not kept by this simulator.")
        ref = resolver(context, KINDS[kinds[0]])(
            f"{list_type}Ref" if f"{list_type}Ref" in REF_TARGETS else "ItemRef",
            attr(payload, "list_obj_ref"),
        )
        record = load(context, str(attr(ref, "list_id")), kinds)
        return kinds[0], record
    txn_type = attr(payload, "txn_data_ext_type")
    if txn_type and txn_type in KINDS:
        return txn_type, load(context, str(attr(payload, "txn_id")), (txn_type,))
    raise StatusError(3250, "Custom fields on this object are not kept by this simulator.")


def _company_key(owner_id: str, name: str) -> str:
    return f"company_data_ext:{owner_id}:{name.lower()}"


def company_data_ext(store: CompanyStore, owner_ids: tuple[str, ...]) -> tuple[m.DataExtRet, ...]:
    """The company's own custom field values (``OtherDataExtType`` Company) of these owners."""
    found = []
    for owner_id, name in store.company_data_ext_names():
        if owner_id in owner_ids:
            body = store.get_meta(_company_key(owner_id, name))
            if body is not None:
                value = decode_element(body, m.DataExtRet)
                assert isinstance(value, m.DataExtRet)
                found.append(value)
    return tuple(found)


def _set_company_value(
    context: RequestContext, definition: m.DataExtDefRet, payload: QbxmlObject, *, new: bool
) -> m.DataExtRet:
    owner_id = str(definition.owner_id)
    key = _company_key(owner_id, str(definition.data_ext_name))
    if not new and context.store.get_meta(key) is None:
        raise StatusError(
            3120, f'Object "{definition.data_ext_name}" specified in the request cannot be found.'
        )
    value = m.DataExtRet(
        owner_id=owner_id,
        data_ext_name=definition.data_ext_name,
        data_ext_type=definition.data_ext_type,
        data_ext_value=str(attr(payload, "data_ext_value")),
    )
    context.store.set_meta(key, encode_element(value, "DataExtRet"))
    return value


def _set_value(context: RequestContext, payload: QbxmlObject, *, new: bool) -> m.DataExtRet:
    owner_id = str(attr(payload, "owner_id"))
    name = str(attr(payload, "data_ext_name"))
    with context.store.write():
        definition = _require(context, owner_id, name)
        if attr(payload, "other_data_ext_type") == "Company":
            if "Company" not in definition.assign_to_object:
                raise StatusError(
                    3250, f'The custom field "{name}" is not assigned to the Company object.'
                )
            return _set_company_value(context, definition, payload, new=new)
        kind_name, record = _target(context, payload)
        existing = [d for d in attr(record, "data_ext_ret") or () if not _same(d, owner_id, name)]
        if not new and len(existing) == len(attr(record, "data_ext_ret") or ()):
            raise StatusError(3120, f'Object "{name}" specified in the request cannot be found.')
        value = m.DataExtRet(
            owner_id=owner_id,
            data_ext_name=definition.data_ext_name,
            data_ext_type=definition.data_ext_type,
            data_ext_value=str(attr(payload, "data_ext_value")),
        )
        save(context, KINDS[kind_name], replace(record, data_ext_ret=(*existing, value)), new=False)
    return value


def _same(value: m.DataExtRet, owner_id: str, name: str) -> bool:
    return value.owner_id == owner_id and (value.data_ext_name or "").lower() == name.lower()


def _delete_value(context: RequestContext, payload: m.DataExtDel) -> m.DataExtDelRet:
    with context.store.write():
        if payload.other_data_ext_type == "Company":
            key = _company_key(payload.owner_id, payload.data_ext_name)
            if context.store.get_meta(key) is None:
                raise StatusError(
                    3120,
                    f'Object "{payload.data_ext_name}" specified in the request cannot be found.',
                )
            context.store.delete_meta(key)
            return m.DataExtDelRet(
                owner_id=payload.owner_id,
                data_ext_name=payload.data_ext_name,
                other_data_ext_type="Company",
                time_deleted=context.now(),
            )
        kind_name, record = _target(context, payload)
        values = attr(record, "data_ext_ret") or ()
        kept = tuple(d for d in values if not _same(d, payload.owner_id, payload.data_ext_name))
        if len(kept) == len(values):
            raise StatusError(
                3120, f'Object "{payload.data_ext_name}" specified in the request cannot be found.'
            )
        save(context, KINDS[kind_name], replace(record, data_ext_ret=kept), new=False)
    return m.DataExtDelRet(
        owner_id=payload.owner_id,
        data_ext_name=payload.data_ext_name,
        list_data_ext_type=payload.list_data_ext_type,
        list_obj_ref=payload.list_obj_ref,
        txn_data_ext_type=payload.txn_data_ext_type,
        txn_id=payload.txn_id,
        time_deleted=context.now(),
    )
