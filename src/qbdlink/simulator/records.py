"""Turning request payloads into records, and records into store rows. Pure functions.

An ``InvoiceAdd`` becomes an ``InvoiceRet`` by copying what both have, element by element:
the payload's ``InvoiceLineAdd`` becomes the record's ``InvoiceLineRet``, ``...Mod`` likewise,
and every reference passes through a resolver that checks it exists (status 3140) and fills
in both its ListID and its FullName, as QuickBooks returns them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

from ..qbxml.schema import Kind as FieldKind
from ..qbxml.schema import QbxmlObject

__all__ = ["RefResolver", "account_ids", "attr", "convert", "replace", "ret_tag_for", "walk"]

RefResolver = Callable[[str, QbxmlObject], QbxmlObject]


# Payload elements whose record counterpart has another name: a deposit line names the
# payment it deposits with PaymentTxnID, and the record shows it as the line's TxnID.
_RENAMED = {"PaymentTxnID": "TxnID", "OverrideMemo": "Memo", "OverrideCheckNumber": "CheckNumber"}


def ret_tag_for(tag: str) -> str:
    for suffix in ("Add", "Mod"):
        if tag.endswith(suffix):
            return tag[: -len(suffix)] + "Ret"
    return tag


def convert(
    payload: QbxmlObject,
    target: type[QbxmlObject],
    resolve: RefResolver,
    base: dict[str, Any] | None = None,
) -> QbxmlObject:
    """``target`` built from ``payload``'s elements (over ``base`` values, if given)."""
    values: dict[str, Any] = dict(base or {})
    by_tag = target._spec.by_tag
    for spec in payload._spec.fields:
        if spec.is_attribute:
            continue
        value = getattr(payload, spec.attr)
        if value is None or value == ():
            continue
        if spec.kind is not FieldKind.OBJECT:
            destination = by_tag.get(spec.tag) or by_tag.get(_RENAMED.get(spec.tag, ""))
            if destination is not None and destination.kind is spec.kind:
                values[destination.attr] = value
            continue
        tags = dict((cls, tag) for tag, cls in spec.classes)
        converted: dict[str, list[QbxmlObject]] = {}
        for item in value if spec.repeated else (value,):
            item_tag = ret_tag_for(tags[type(item)])
            destination = by_tag.get(item_tag)
            if destination is None:
                continue
            item_class = dict(destination.classes)[item_tag]
            if item_tag.endswith("Ref"):
                new_item = resolve(item_tag, item)
            else:
                new_item = convert(item, item_class, resolve)
            converted.setdefault(destination.attr, []).append(new_item)
        for attr, items in converted.items():
            destination = target._spec.by_attr[attr]
            values[attr] = tuple(items) if destination.repeated else items[0]
    return target(**values)


def walk(record: QbxmlObject) -> Iterator[tuple[str, QbxmlObject]]:
    """Every nested object of ``record`` with its element name, depth first."""
    for spec in record._spec.fields:
        if spec.kind is not FieldKind.OBJECT:
            continue
        value = getattr(record, spec.attr)
        if value is None or value == ():
            continue
        tags = {cls: tag for tag, cls in spec.classes}
        for item in value if spec.repeated else (value,):
            yield tags[type(item)], item
            yield from walk(item)


def account_ids(record: QbxmlObject) -> str:
    """The ListIDs of every account the record touches, ``|``-delimited for a LIKE-free match."""
    ids = sorted(
        {
            str(attr(item, "list_id"))
            for tag, item in walk(record)
            if tag.endswith("AccountRef") and getattr(item, "list_id", None)
        }
    )
    return "|" + "|".join(ids) + "|" if ids else ""


def attr(record: QbxmlObject, name: str) -> Any:
    """A field of a record whose class is only known at run time (None if it has none)."""
    return getattr(record, name, None)


def replace(record: QbxmlObject, **changes: Any) -> QbxmlObject:
    return dataclasses.replace(record, **changes)  # type: ignore[type-var]
