"""Tracking categories (data type ``trackingCategories``): Codat's ``TrackingCategory``.

Codat gives tracking categories no ``supplementalData``.
"""

from __future__ import annotations

from qbdlink.model.base import AccountingRecord, RecordStatus

__all__ = ["TrackingCategory"]


class TrackingCategory(AccountingRecord):
    name: str | None = None
    status: RecordStatus | None = None
    parent_id: str | None = None
    has_children: bool | None = None
