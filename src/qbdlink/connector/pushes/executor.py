"""Carrying out a push exactly once, and explaining a conflict instead of overwriting it.

For each push, in order, one at a time:

1. The journal (local state) records the push *before* any request leaves. A push found in the
   journal was sent before and its answer may be lost: the executor first looks for the record
   in QuickBooks (by the push key, stored as the record's ExternalGUID; accounts by name).
2. The write goes out with QuickBooks' own error recovery: ``newMessageSetID`` = the push key,
   and, when resuming, ``oldMessageSetID`` too, so QuickBooks answers a set it already ran from
   its memory instead of running it twice.
3. Updates carry the EditSequence just read. On a stale one (status 3200) the record is read
   again: if none of the fields the push sets changed in between, the change is applied to
   the new version; otherwise the push fails and says which fields changed.
4. The result (the written record mapped back, or QuickBooks' status and message) goes to the
   platform; only then is the journal entry removed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pydantic import BaseModel

from qbdlink.connector.platform_client import PlatformClient
from qbdlink.connector.pushes.base import (
    CREATE,
    DELETE,
    UPDATE,
    PushContext,
    PushRejectedError,
    Writer,
)
from qbdlink.connector.quickbooks.session import QuickBooksSession
from qbdlink.connector.streams.base import MappingContext, QueryWindow, Stream
from qbdlink.connector.sync.state import StateStore
from qbdlink.model import wire
from qbdlink.model.datatypes import data_type as model_data_type
from qbdlink.model.errors import InvalidRecordError
from qbdlink.model.push_fields import values_at
from qbdlink.model.records import dump_record, parse_record
from qbdlink.qbxml import QbxmlObject, decode_response_set
from qbdlink.qbxml import messages as m
from qbdlink.qbxml.decode import ResponseStatus
from qbdlink.qbxml.errors import InvalidFieldError

log = logging.getLogger("qbdlink.connector.push")

STALE_EDIT_SEQUENCE = 3200
NOT_FOUND = 3120
# How far before the first attempt to look for a record the push may have created.
LOOKUP_MARGIN = timedelta(minutes=5)


_REFERENCE_PATHS = (
    ("customerRef.id", "customer"),
    ("supplierRef.id", "supplier"),
    ("lineItems.itemRef.id", "item"),
    ("lineItems.accountRef.id", "account"),
    ("accountRef.id", "account"),
    ("journalLines.accountRef.id", "account"),
)
_REFERENCE_QUERIES: Mapping[str, Callable[[tuple[str, ...]], QbxmlObject]] = {
    "customer": lambda ids: m.CustomerQueryRq(list_id=ids),
    "supplier": lambda ids: m.VendorQueryRq(list_id=ids),
    "item": lambda ids: m.ItemQueryRq(list_id=ids),
    "account": lambda ids: m.AccountQueryRq(list_id=ids),
}


def message_set_id(push_key: str) -> str:
    """The push key as a message set id: QuickBooks keeps at most 23 characters there."""
    return uuid.UUID(push_key).hex[:23]


@dataclass(frozen=True)
class Outcome:
    status: str  # Success or Failed
    status_code: int
    record: dict[str, Any] | None = None
    error_message: str | None = None


@dataclass
class PushExecutor:
    session: QuickBooksSession
    client: PlatformClient
    state: StateStore
    writers: Mapping[str, Writer]
    streams: Mapping[str, Stream]
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def run(self, push: wire.PushWork) -> Outcome:
        outcome = self.carry_out(push)
        self.client.push_result(
            push.key,
            wire.PushResult(
                status=outcome.status,  # type: ignore[arg-type]
                status_code=outcome.status_code,
                error_message=outcome.error_message,
                record=outcome.record,
            ),
        )
        self.state.push_reported(push.key)
        log.info("push %s (%s %s): %s", push.key, push.operation, push.data_type, outcome.status)
        return outcome

    # ---- the write ------------------------------------------------------------------------

    def carry_out(self, push: wire.PushWork) -> Outcome:
        key = model_data_type(push.data_type).key
        writer = self.writers.get(key)
        if writer is None:
            return Outcome("Failed", 400, error_message=f"This connector cannot write {key}.")
        company = self.session.company
        assert company is not None, "open the QuickBooks session first"
        ctx = PushContext(edition=company.edition, now=self.clock(), idempotency_key=push.key)
        started = self.state.push_started(push.key)
        resuming = started is not None
        if not resuming:
            self.state.journal_push(push.key, push.data_type, push.operation, self.clock())
        try:
            record = self._record(key, push)
            if record is not None:
                self._check_open_period(key, record)
                self._check_references(record)
            if resuming:
                found = self._already_done(writer, ctx, push, record, started)
                if found is not None:
                    return found
            if push.operation == CREATE:
                return self._create(writer, ctx, key, record, resuming)
            if push.operation == UPDATE:
                return self._update(writer, ctx, key, push, record, resuming)
            if push.operation == DELETE:
                return self._delete(writer, ctx, key, push, resuming)
            return Outcome("Failed", 400, error_message=f"Unknown operation {push.operation}.")
        except PushRejectedError as error:
            problems = "; ".join(f"{path}: {why}" for path, why in error.problems.items())
            message = f"{error.message} {problems}".strip()
            return Outcome("Failed", 400, error_message=f"{message} {error.fix}".strip())
        except InvalidFieldError as error:
            return Outcome("Failed", 400, error_message=error.user_text())

    def _closing_date(self) -> date | None:
        """QuickBooks' closing date (Preferences > Accounting): nothing on or before it."""
        status, records = self._send_plain(m.PreferencesQueryRq())
        if status.is_failure or not records:
            return None
        accounting = getattr(records[0], "accounting_preferences", None)
        closing = getattr(accounting, "closing_date", None)
        return closing if isinstance(closing, date) else None

    def _check_open_period(self, key: str, record: BaseModel) -> None:
        path = model_data_type(key).date_path
        if path is None:
            return
        text = dump_record(record).get(path)
        closing = self._closing_date() if text else None
        if closing is None or not isinstance(text, str):
            return
        dated = date.fromisoformat(text[:10])
        if dated <= closing:
            raise PushRejectedError(
                f"The books are closed in QuickBooks up to {closing.isoformat()}; this {key} "
                f"record is dated {dated.isoformat()}.",
                problems={path: f"On or before the closing date {closing.isoformat()}."},
                fix="Date it after the closing date, or ask the accountant to move the closing "
                "date in QuickBooks (Edit > Preferences > Accounting > Company Preferences).",
            )

    def _check_references(self, record: BaseModel) -> None:
        """Every customer, supplier, item and account the record names exists in QuickBooks."""
        document = dump_record(record)
        wanted: dict[str, dict[str, str]] = {}
        for path, kind in _REFERENCE_PATHS:
            for where, value in values_at(document, path):
                if isinstance(value, str) and value:
                    wanted.setdefault(kind, {})[where] = value
        problems: dict[str, str] = {}
        for kind, refs in wanted.items():
            ids = tuple(sorted(set(refs.values())))
            _status, found = self._send_plain(_REFERENCE_QUERIES[kind](ids))
            present = {getattr(ret, "list_id", None) for ret in found}
            for where, value in refs.items():
                if value not in present:
                    problems[where] = f"No {kind} with id {value!r} in QuickBooks."
        if problems:
            raise PushRejectedError(
                "The record names records QuickBooks does not have.",
                problems=problems,
                fix="Use ids from the platform's reads of this company (they are QuickBooks' "
                "ListIDs), or create the missing records first.",
            )

    def _record(self, key: str, push: wire.PushWork) -> BaseModel | None:
        if push.body is None:
            return None
        try:
            return parse_record(key, push.body)
        except InvalidRecordError as error:
            raise PushRejectedError(
                f"The {key} record is not valid.",
                problems={p.partition(": ")[0]: p.partition(": ")[2] for p in error.problems},
            ) from error

    def _send(
        self, request: QbxmlObject, ctx: PushContext, *, resuming: bool
    ) -> tuple[ResponseStatus, list[QbxmlObject]]:
        set_id = message_set_id(ctx.idempotency_key)
        options: dict[str, str | None] = {"new_message_set_id": set_id}
        if resuming:
            options["old_message_set_id"] = set_id
        answer = decode_response_set(self.session.process([request], **options))
        response = answer.responses[0]
        return response.status, list(response.records)

    def _read(self, writer: Writer, record_id: str) -> Any | None:
        assert writer.query_by_id is not None
        queries = (writer.query_by_id(record_id), *writer.more_queries_by_id(record_id))
        for query in queries:
            status, records = self._send_plain(query)
            if records:
                return records[0]
            if status.is_failure and status.code != NOT_FOUND:
                status.raise_for_status()
        return None

    def _send_plain(self, request: QbxmlObject) -> tuple[ResponseStatus, list[QbxmlObject]]:
        response = decode_response_set(self.session.process([request])).responses[0]
        return response.status, list(response.records)

    def _mapped(self, key: str, ret: Any) -> dict[str, Any] | None:
        stream = self.streams[key]
        company = self.session.company
        assert company is not None
        context = MappingContext(edition=company.edition, synced_at=self.clock())
        wanted = type(ret).__name__
        for part in stream.parts:
            name = type(part.build(QueryWindow(modified_from=None, modified_to=None))).__name__
            if name.replace("QueryRq", "Ret") == wanted or len(stream.parts) == 1:
                mapped = part.map(ret, context)
                return dump_record(mapped) if mapped is not None else None
        return None

    def _success(self, key: str, ret: Any, code: int = 200) -> Outcome:
        return Outcome("Success", code, record=self._mapped(key, ret))

    @staticmethod
    def _failure(status: ResponseStatus, what: str) -> Outcome:
        return Outcome(
            "Failed",
            409 if status.code == STALE_EDIT_SEQUENCE else 400,
            error_message=f"QuickBooks refused to {what} (status {status.code}): {status.message}",
        )

    def _already_done(
        self,
        writer: Writer,
        ctx: PushContext,
        push: wire.PushWork,
        record: BaseModel | None,
        started: str | None,
    ) -> Outcome | None:
        """After a crash or a lost answer: is the push's record already in QuickBooks?"""
        key = model_data_type(push.data_type).key
        if push.operation == CREATE and writer.query_by_key is not None:
            since = datetime.fromisoformat(started or ctx.now.isoformat()) - LOOKUP_MARGIN
            queries = (writer.query_by_key(ctx, since), *writer.more_queries_by_key(ctx, since))
            for query in queries:
                _status, records = self._send_plain(query)
                for ret in records:
                    if writer.matches_key(ret, ctx, record):
                        log.info("push %s was already written: %s", push.key, type(ret).__name__)
                        return self._success(key, ret)
        deleting = push.operation == DELETE and push.record_id and writer.query_by_id
        if deleting and push.record_id and self._read(writer, push.record_id) is None:
            return Outcome("Success", 200, record=None)
        return None

    def _create(
        self, writer: Writer, ctx: PushContext, key: str, record: BaseModel | None, resuming: bool
    ) -> Outcome:
        if writer.add is None or record is None:
            return Outcome("Failed", 400, error_message=f"QuickBooks cannot create {key}.")
        status, records = self._send(writer.add(record, ctx), ctx, resuming=resuming)
        if status.is_failure:
            return self._failure(status, f"create this {key} record")
        return self._success(key, records[0])

    def _update(
        self,
        writer: Writer,
        ctx: PushContext,
        key: str,
        push: wire.PushWork,
        record: BaseModel | None,
        resuming: bool,
    ) -> Outcome:
        if writer.mod is None or record is None or not push.record_id:
            return Outcome("Failed", 400, error_message=f"QuickBooks cannot update {key}.")
        current = self._read(writer, push.record_id)
        if current is None:
            return Outcome("Failed", 404, error_message=f"No {key} record {push.record_id}.")
        status, records = self._send(writer.mod(record, current, ctx), ctx, resuming=resuming)
        if status.code != STALE_EDIT_SEQUENCE:
            if status.is_failure:
                return self._failure(status, f"update this {key} record")
            return self._success(key, records[0])
        return self._retry_stale(writer, ctx, key, push, record, current)

    def _retry_stale(
        self,
        writer: Writer,
        ctx: PushContext,
        key: str,
        push: wire.PushWork,
        record: BaseModel,
        before: Any,
    ) -> Outcome:
        """The record changed since it was read: re-apply only if the push's fields did not."""
        assert push.record_id is not None and writer.mod is not None
        now = self._read(writer, push.record_id)
        if now is None:
            return Outcome("Failed", 404, error_message=f"{key} {push.record_id} was deleted.")
        old, new = self._mapped(key, before) or {}, self._mapped(key, now) or {}
        touched = writer.touched(record) - {"id", "modifiedDate", "sourceModifiedDate"}
        changed = sorted(name for name in touched if old.get(name) != new.get(name))
        wanted = dump_record(record)
        if changed and any(new.get(name) != wanted.get(name) for name in changed):
            return Outcome(
                "Failed",
                409,
                error_message=f"Conflict: someone changed this {key} record in QuickBooks while "
                f"the push waited ({', '.join(changed)}); nothing was overwritten. Read the "
                "record again and push the change on top of it.",
            )
        status, records = self._send_plain(writer.mod(record, now, ctx))
        if status.is_failure:
            return self._failure(status, f"update this {key} record")
        return self._success(key, records[0])

    def _delete(
        self, writer: Writer, ctx: PushContext, key: str, push: wire.PushWork, resuming: bool
    ) -> Outcome:
        if writer.delete is None or not push.record_id:
            return Outcome("Failed", 400, error_message=f"QuickBooks cannot delete {key}.")
        current = self._read(writer, push.record_id)
        if current is None:
            return Outcome("Failed", 404, error_message=f"No {key} record {push.record_id}.")
        status, _records = self._send(
            writer.delete(push.record_id, current, ctx), ctx, resuming=resuming
        )
        if status.is_failure:
            return self._failure(status, f"delete this {key} record")
        # The record as it now reads (a void keeps it, with zero amounts).
        after = self._read(writer, push.record_id)
        if after is not None:
            return self._success(key, after)
        mapped = self._mapped(key, current) or {"id": push.record_id}
        mapped["metadata"] = {**(mapped.get("metadata") or {}), "isDeleted": True}
        return Outcome("Success", 200, record=mapped)
