"""What a writer is: how a Codat-shaped record becomes a qbXML Add, Mod or delete request.

Pure: no QuickBooks session. The executor (``executor.py``) reads the current record, asks the
writer for the request, sends it with QuickBooks' error recovery, and maps the answer back with
the data type's stream.

Exactly once: every Add carries the push's idempotency key as ``ExternalGUID`` (stored by
QuickBooks with the record, in the same write), so after a crash the executor finds the record
by that key instead of writing it again. Accounts have no ExternalGUID; their names are unique,
so the executor finds an account by name.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from qbdlink.errors import RecordSkippedError
from qbdlink.qbxml import Edition, QbxmlObject

CREATE = "Create"
UPDATE = "Update"
DELETE = "Delete"


class PushRejectedError(RecordSkippedError):
    """The record cannot be written as it is; ``problems`` name each field and why."""

    default_code = "push.rejected"

    def __init__(
        self, message: str, *, problems: Mapping[str, str] | None = None, fix: str = ""
    ) -> None:
        super().__init__(message, fix=fix or "Correct the record and push it again.")
        self.problems = dict(problems or {})


def external_guid(idempotency_key: str) -> str:
    """The push key in QuickBooks' GUID form: ``{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}``."""
    return "{" + str(uuid.UUID(idempotency_key)).upper() + "}"


@dataclass(frozen=True, kw_only=True)
class PushContext:
    edition: Edition
    now: datetime
    idempotency_key: str
    # Transliterate characters QuickBooks cannot store (outside Latin-1), or refuse them.
    transliterate: bool = True


@dataclass(frozen=True, kw_only=True)
class Writer:
    """A data type's writes. ``data_type`` is the model's key (``qbdlink.model.datatypes``).

    - ``add(record, ctx)``: the ``XxxAddRq`` (with ``external_guid`` set from the key where
      the Add has it); raises :class:`PushRejectedError` naming each bad field.
    - ``mod(record, current, ctx)``: the ``XxxModRq`` applying the record's fields onto
      ``current`` (the ``XxxRet`` just read: its ListID/TxnID and EditSequence).
    - ``delete(record_id, current, ctx)``: ``ListDelRq``/``TxnDelRq``, or ``TxnVoidRq`` where
      QuickBooks voids rather than deletes.
    - ``query_by_id(record_id)``: the query that reads one record (for Mod and delete).
    - ``query_by_key(ctx, since)``: the query that finds a record this push may already have
      created (records modified since ``since``; the executor checks ExternalGUID or name).
    - ``matches_key(ret, ctx, record)``: whether ``ret`` is the record this push created.
    - ``touched(record)``: the top-level model fields an update sets (camelCase); the
      executor compares them between two reads of the record on a stale EditSequence.
    - ``more_queries_by_id(record_id)`` / ``more_queries_by_key(ctx, since)``: further queries
      to run when the first finds nothing, for a data type QuickBooks keeps as several kinds
      that no single query reads (bill payments: by cheque, then by credit card). Empty for
      every other data type.
    """

    data_type: str
    add: Callable[[BaseModel, PushContext], QbxmlObject] | None = None
    mod: Callable[[BaseModel, Any, PushContext], QbxmlObject] | None = None
    delete: Callable[[str, Any, PushContext], QbxmlObject] | None = None
    query_by_id: Callable[[str], QbxmlObject] | None = None
    query_by_key: Callable[[PushContext, datetime], QbxmlObject] | None = None
    matches_key: Callable[[Any, PushContext, BaseModel | None], bool] = field(
        default=lambda ret, ctx, record: (
            getattr(ret, "external_guid", None) == external_guid(ctx.idempotency_key)
        )
    )
    touched: Callable[[BaseModel], frozenset[str]] = field(
        default=lambda record: frozenset(record.model_dump(by_alias=True, exclude_unset=True))
    )
    more_queries_by_id: Callable[[str], tuple[QbxmlObject, ...]] = field(
        default=lambda record_id: ()
    )
    more_queries_by_key: Callable[[PushContext, datetime], tuple[QbxmlObject, ...]] = field(
        default=lambda ctx, since: ()
    )
