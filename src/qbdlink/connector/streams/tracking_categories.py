"""Tracking categories (data type ``trackingCategories``): QuickBooks' classes.

Classes are QuickBooks' one tracking dimension (lines and transactions carry a ClassRef), and
they nest: ``Region:East`` is a class whose parent is ``Region``. ClassQuery has no iterator and
no OwnerID (classes have no custom fields); the list is small and read whole.

- name: Name (the hierarchy is in parentId; FullName would repeat it).
- parentId: ParentRef's ListID.
- hasChildren: left out. ClassRet says nothing of a class's children, and a mapping sees one
  record at a time; a client finds them as the records whose parentId is this id.
- status: Active, or Archived when the class is inactive.
"""

from __future__ import annotations

from pydantic import BaseModel

from qbdlink.connector.streams.base import (
    MappingContext,
    QueryPart,
    QueryWindow,
    Stream,
    iso_datetime,
    not_deleted,
    record_status,
)
from qbdlink.model.accounting.tracking_category import TrackingCategory
from qbdlink.qbxml import QbxmlObject
from qbdlink.qbxml import messages as m

__all__ = ["STREAM", "map_class"]


def build_class_query(window: QueryWindow) -> QbxmlObject:
    return m.ClassQueryRq(
        active_status="All",
        from_modified_date=window.modified_from,
        to_modified_date=window.modified_to,
    )


def map_class(ret: m.ClassRet, ctx: MappingContext) -> BaseModel | None:
    return TrackingCategory(
        id=ret.list_id,
        name=ret.name,
        parent_id=ret.parent_ref.list_id if ret.parent_ref is not None else None,
        status=record_status(ret.is_active),
        modified_date=iso_datetime(ctx.synced_at),
        source_modified_date=iso_datetime(ret.time_modified),
        metadata=not_deleted(),
    )


STREAM = Stream(
    data_type="trackingCategories",
    parts=(QueryPart(name="classes", build=build_class_query, map=map_class, iterator=False),),
    list_del_types=("Class",),
)
