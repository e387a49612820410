"""What a push of each data type may contain, for the company's QuickBooks edition (Codat's
push options): every field with its type and whether it is required, and the text limits of
the edition."""

from __future__ import annotations

import types
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

from qbdlink.model.datatypes import data_type as model_data_type
from qbdlink.model.push_fields import PUSH_FIELD_LIMITS
from qbdlink.model.types import DATETIME_MARKER
from qbdlink.platform.services.companies import load_company
from qbdlink.platform.services.connections import load_connection
from qbdlink.platform.services.context import Context, Tenant
from qbdlink.platform.services.errors import NotFoundError
from qbdlink.platform.services.push_requests import OPERATIONS

_MAX_DEPTH = 4


def _label(name: str) -> str:
    spaced = "".join(f" {ch.lower()}" if ch.isupper() else ch for ch in name)
    return spaced[:1].upper() + spaced[1:]


def _unwrap(annotation: Any) -> tuple[Any, tuple[Any, ...]]:
    metadata: tuple[Any, ...] = ()
    while True:
        origin = get_origin(annotation)
        if origin is not None and getattr(annotation, "__metadata__", None) is not None:
            metadata += tuple(annotation.__metadata__)
            annotation = get_args(annotation)[0]
            continue
        if origin in (Union, types.UnionType):
            options = [a for a in get_args(annotation) if a is not type(None)]
            if len(options) == 1:
                annotation = options[0]
                continue
        return annotation, metadata


def _option(name: str, annotation: Any, required: bool, depth: int) -> dict[str, Any]:
    inner, metadata = _unwrap(annotation)
    origin = get_origin(inner)
    shape: dict[str, Any] = {
        "displayName": _label(name),
        "description": f"{_label(name)}.",
        "required": required,
    }
    if origin in (list, tuple):
        item = get_args(inner)[0] if get_args(inner) else Any
        shape["type"] = "Array"
        item_type, _ = _unwrap(item)
        if isinstance(item_type, type) and issubclass(item_type, BaseModel) and depth < _MAX_DEPTH:
            shape["properties"] = _properties(item_type, depth + 1)
        return shape
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        shape["type"] = "Object"
        if depth < _MAX_DEPTH:
            shape["properties"] = _properties(inner, depth + 1)
        return shape
    if DATETIME_MARKER in metadata:
        shape["type"] = "DateTime"
    elif inner is bool:
        shape["type"] = "Boolean"
    elif isinstance(inner, type) and inner.__name__ in ("Decimal", "int", "float"):
        shape["type"] = "Number"
    else:
        shape["type"] = "String"
        choices = get_args(inner) if get_origin(inner) is not None else ()
        if choices and all(isinstance(c, str) for c in choices):
            shape["options"] = [
                {"value": c, "displayName": c, "required": False, "type": "String"} for c in choices
            ]
    return shape


def _properties(model: type[BaseModel], depth: int) -> dict[str, Any]:
    found = {}
    for name, info in model.model_fields.items():
        alias = info.alias or name
        if alias in ("modifiedDate", "sourceModifiedDate", "metadata", "id"):
            continue
        found[alias] = _option(alias, info.annotation, info.is_required(), depth)
    return found


def push_options(
    ctx: Context, tenant: Tenant, company_id: str, connection_id: str, data_type: str
) -> dict[str, Any]:
    path = "accounts" if data_type == "chartOfAccounts" else data_type
    if path not in OPERATIONS:
        raise NotFoundError(
            f"QuickBooks Desktop does not take pushes of {data_type!r}.",
            code="push.data_type_unsupported",
        )
    with ctx.database.read() as db:
        load_company(db, tenant, company_id)
        connection = load_connection(db, company_id, connection_id)
    edition = connection.quickbooks.get("edition")
    info = model_data_type(path)
    properties = _properties(info.model, 1)
    for limit in PUSH_FIELD_LIMITS.get(path, ()):
        head, _, rest = limit.path.partition(".")
        target = properties.get(head)
        if target is not None and rest:
            target = (target.get("properties") or {}).get(rest)
        if target is None:
            continue
        most = limit.limit_for(edition)
        target.setdefault("validation", {"warnings": [], "information": []})["information"].append(
            {
                "field": limit.path,
                "details": f"At most {most} characters in QuickBooks Desktop "
                f"({edition or 'every edition'}).",
            }
        )
    return {
        "type": "Object",
        "displayName": info.display_name,
        "description": f"{info.display_name} as QuickBooks Desktop "
        f"({edition or 'edition not known yet'}) takes them.",
        "required": True,
        "properties": properties,
    }
