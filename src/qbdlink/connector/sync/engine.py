"""One pull, from QuickBooks to the platform, page by page, with checkpoints.

For a pull: the window is [bookmark - lookback, now] (everything on the first pull); each
query part pages through QuickBooks with an iterator; every page is mapped (pure), cut into
batches, each batch staged in the outbox, sent, and struck off when the platform has it.
Deletions come from the deleted-object queries. The bookmark moves only when the platform
confirmed the whole pull.

After a kill: staged batches are sent again (the platform keeps each batch number once), and
the unfinished part is read again from its start (records are stored by id, so a record read
twice is stored once). Nothing is lost, nothing is duplicated.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel

from qbdlink.connector.platform_client import PlatformClient
from qbdlink.connector.quickbooks.session import QuickBooksSession
from qbdlink.connector.streams.base import MappingContext, QueryWindow, Stream
from qbdlink.connector.sync.state import OutboxBatch, PullCheckpoint, StateStore
from qbdlink.errors import PermanentError
from qbdlink.model import wire
from qbdlink.model.datatypes import data_type as model_data_type
from qbdlink.model.records import dump_record_json
from qbdlink.qbxml import QbxmlObject
from qbdlink.qbxml import messages as m

log = logging.getLogger("qbdlink.connector.sync")

RECORDS = "records"
DELETIONS = "deletions"


class NoStreamError(PermanentError):
    default_code = "connector.no_stream"


@dataclass(frozen=True)
class PullProgress:
    data_type: str
    records: int
    pages: int
    done: bool


ProgressSink = Callable[[PullProgress], None]


def _parse_moment(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


@dataclass
class SyncEngine:
    session: QuickBooksSession
    client: PlatformClient
    state: StateStore
    streams: Mapping[str, Stream]
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    page_size: int = 500
    batch_size: int = 500
    # Records changed just before a bookmark may carry an older TimeModified (clock skew,
    # long transactions): read a little before it again; storing by id makes it harmless.
    lookback: timedelta = timedelta(minutes=10)
    progress: ProgressSink = field(default=lambda _: None)

    def stream_for(self, data_type: str) -> Stream:
        key = model_data_type(data_type).key
        stream = self.streams.get(key)
        if stream is None:
            raise NoStreamError(f"This connector cannot read {data_type} from QuickBooks.")
        return stream

    def run_pull(self, work: wire.PullWork) -> int:
        """Carry out one pull; returns how many records were sent."""
        stream = self.stream_for(work.data_type)
        checkpoint = self.state.checkpoint(work.id) or self._start(work, stream)
        self._send_staged(work.id)
        checkpoint = self._catch_up_numbering(checkpoint)
        window = QueryWindow(
            modified_from=_parse_moment(checkpoint.modified_from),
            modified_to=_parse_moment(checkpoint.modified_to),
        )
        company = self.session.company
        assert company is not None, "open the QuickBooks session first"
        context = MappingContext(edition=company.edition, synced_at=self.clock())
        records, pages, seq = checkpoint.records, checkpoint.pages, checkpoint.next_seq
        for index, part in enumerate(stream.parts):
            if index < checkpoint.part_index:
                continue
            batch: list[BaseModel] = []
            request = part.build(window)
            for page in self.session.query(
                request, iterator=part.iterator, page_size=self.page_size
            ):
                pages += 1
                batch.extend(self._mapped(part.map, page, context))
                while len(batch) >= self.batch_size:
                    seq = self._send_records(work.id, seq, batch[: self.batch_size])
                    records += self.batch_size
                    batch = batch[self.batch_size :]
                self.state.advance(work.id, next_seq=seq, pages=pages, records=records)
                self.progress(PullProgress(stream.data_type, records + len(batch), pages, False))
            if batch:
                seq = self._send_records(work.id, seq, batch)
                records += len(batch)
            self.state.part_done(work.id, index + 1)
        if window.modified_from is not None:
            seq = self._send_deletions(work.id, seq, stream, window)
        self.state.advance(work.id, next_seq=seq, pages=pages, records=records)
        self.client.complete(work.id, records)
        self.state.finish_pull(
            work.id, stream.data_type, checkpoint.modified_to, records, self.clock()
        )
        self.progress(PullProgress(stream.data_type, records, pages, True))
        log.info("pull %s of %s: %d records in %d pages", work.id, work.data_type, records, pages)
        return records

    def _start(self, work: wire.PullWork, stream: Stream) -> PullCheckpoint:
        now = self.clock()
        bookmark = _parse_moment(self.state.bookmark(stream.data_type))
        start = bookmark - self.lookback if bookmark else _parse_moment(work.sync_from_utc)
        return self.state.start_pull(
            work.id,
            stream.data_type,
            _text(start) if start else None,
            _text(now),
            now,
        )

    def _catch_up_numbering(self, checkpoint: PullCheckpoint) -> PullCheckpoint:
        """Number new batches after every batch the platform already has (either side crashed)."""
        received = self.client.pull_state(checkpoint.pull_id).received_batches
        highest = max(received, default=0)
        if highest >= checkpoint.next_seq:
            self.state.advance(
                checkpoint.pull_id,
                next_seq=highest + 1,
                pages=checkpoint.pages,
                records=checkpoint.records,
            )
            found = self.state.checkpoint(checkpoint.pull_id)
            assert found is not None
            return found
        return checkpoint

    @staticmethod
    def _mapped(
        mapper: Callable[[QbxmlObject, MappingContext], BaseModel | None],
        page: Iterable[QbxmlObject],
        context: MappingContext,
    ) -> list[BaseModel]:
        found = []
        for record in page:
            mapped = mapper(record, context)
            if mapped is not None:
                found.append(mapped)
        return found

    def _send_staged(self, pull_id: str) -> None:
        for batch in self.state.staged(pull_id):
            self._send(batch)

    def _send(self, batch: OutboxBatch) -> None:
        if batch.kind == RECORDS:
            self.client.upload_batch(batch.pull_id, batch.seq, batch.body)
        else:
            ids = [part for part in batch.body.decode("utf-8").split("\n") if part]
            self.client.upload_deletions(batch.pull_id, batch.seq, ids)
        self.state.sent(batch.pull_id, batch.seq)

    def _send_records(self, pull_id: str, seq: int, records: list[BaseModel]) -> int:
        body = b"[" + b",".join(dump_record_json(record) for record in records) + b"]"
        self._stage_and_send(OutboxBatch(pull_id=pull_id, seq=seq, kind=RECORDS, body=body))
        return seq + 1

    def _stage_and_send(self, batch: OutboxBatch) -> None:
        self.state.stage(batch)
        self._send(batch)

    def _send_deletions(self, pull_id: str, seq: int, stream: Stream, window: QueryWindow) -> int:
        deleted = self._deleted_ids(stream, window)
        for start in range(0, len(deleted), self.batch_size):
            chunk = deleted[start : start + self.batch_size]
            body = "\n".join(chunk).encode("utf-8")
            self._stage_and_send(OutboxBatch(pull_id=pull_id, seq=seq, kind=DELETIONS, body=body))
            seq += 1
        return seq

    def _deleted_ids(self, stream: Stream, window: QueryWindow) -> list[str]:
        dates = m.DeletedDateRangeFilter(
            from_deleted_date=window.modified_from, to_deleted_date=window.modified_to
        )
        ids: list[str] = []
        if stream.list_del_types:
            request: QbxmlObject = m.ListDeletedQueryRq(
                list_del_type=stream.list_del_types, deleted_date_range_filter=dates
            )
        elif stream.txn_del_types:
            request = m.TxnDeletedQueryRq(
                txn_del_type=stream.txn_del_types, deleted_date_range_filter=dates
            )
        else:
            return ids
        for page in self.session.query(request, iterator=False, page_size=self.page_size):
            for record in page:
                if isinstance(record, m.ListDeletedRet) and record.list_id:
                    ids.append(record.list_id)
                elif isinstance(record, m.TxnDeletedRet) and record.txn_id:
                    ids.append(record.txn_id)
        return ids
