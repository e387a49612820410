"""Writing a sample company's records through the simulator's generic writes.

Every record goes through ``writes.add`` / ``writes.mod`` / ``writes.delete``, so a sample
company holds exactly what a client's requests would have stored (identity, totals, balances,
applied payments: the business rules run for each write). Writes are grouped into store
transactions of ``batch_size`` records. With ``check`` set, every payload is first encoded as
the request a client would send (``InvoiceAddRq`` ...) for that edition and version, so a
payload QuickBooks would refuse fails loudly (tests use it).

A faster path that resolved references from memory and wrote records without ``writes.add``
was measured and dropped: the business rules (balances kept after every write) are most of the
cost, and a copy of ``writes.add`` drifts from it (bench/README.md, "Generating sample
companies").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from ...qbxml import messages as m
from ...qbxml.encode import EncodeTarget, encode_request_set
from ...qbxml.schema import QbxmlObject
from .. import writes
from ..context import RequestContext
from ..kinds import KINDS
from ..records import attr

__all__ = ["SampleWriter"]


class SampleWriter:
    def __init__(
        self,
        context: RequestContext,
        *,
        check: EncodeTarget | None = None,
        batch_size: int = 5000,
        before_list_write: Callable[[], None] | None = None,
    ) -> None:
        self.context = context
        self.check = check
        self.before_list_write = before_list_write
        self.batch_size = batch_size
        self.written = 0
        self._open: AbstractContextManager[None] | None = None

    # ---- store transactions -------------------------------------------------------------
    @contextmanager
    def batches(self) -> Iterator[None]:
        """Everything written inside commits in store transactions of ``batch_size`` writes."""
        self._open = self.context.store.write()
        self._open.__enter__()
        try:
            yield
        except BaseException as exc:
            self._close(exc)
            raise
        self._close(None)

    def _close(self, exc: BaseException | None) -> None:
        current, self._open = self._open, None
        if current is not None:
            current.__exit__(type(exc) if exc else None, exc, exc.__traceback__ if exc else None)

    def _tick(self) -> None:
        self.written += 1
        if self._open is not None and self.written % self.batch_size == 0:
            self._open.__exit__(None, None, None)
            self._open = self.context.store.write()
            self._open.__enter__()

    # ---- writes -------------------------------------------------------------------------
    def add(self, kind_name: str, payload: QbxmlObject) -> QbxmlObject:
        kind = KINDS[kind_name]
        if self.check is not None:
            self._check(kind_name, "Add", payload)
        if kind.is_list and self.before_list_write is not None:
            self.before_list_write()
        record = writes.add(self.context, kind, payload)
        self._tick()
        return record

    def mod(self, kind_name: str, list_id: str, **changes: Any) -> QbxmlObject:
        """Modify a list record (its current EditSequence is read from the store)."""
        kind = KINDS[kind_name]
        if kind.mod is None:
            raise ValueError(f"{kind_name} has no Mod request")
        current = writes.load(self.context, list_id, (kind_name,))
        mod_class: Any = kind.mod
        payload: QbxmlObject = mod_class(
            list_id=list_id, edit_sequence=attr(current, "edit_sequence"), **changes
        )
        if self.check is not None:
            self._check(kind_name, "Mod", payload)
        if self.before_list_write is not None:
            self.before_list_write()
        record = writes.mod(self.context, kind, payload)
        self._tick()
        return record

    def delete(self, kind_name: str, record_id: str) -> None:
        if self.before_list_write is not None:
            self.before_list_write()
        writes.delete(self.context, (kind_name,), record_id)
        self._tick()

    # ---- checking payloads as requests ----------------------------------------------------
    def _check(self, kind_name: str, verb: str, payload: QbxmlObject) -> None:
        assert self.check is not None
        request_class: type[QbxmlObject] = getattr(m, f"{kind_name}{verb}Rq")
        field = next(
            spec
            for spec in request_class._spec.fields
            if spec.classes and spec.classes[0][1] is type(payload)
        )
        encode_request_set([request_class(**{field.attr: payload})], target=self.check)
