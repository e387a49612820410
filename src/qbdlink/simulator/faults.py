"""Faults on demand: what the control interface asks the simulated QuickBooks to get wrong.

Theory of operation
-------------------
A :class:`FaultPlan` is a queue of one-shot faults plus a standing latency. The desktop
model consults it at two points:

* ``BeginSession``: :meth:`FaultPlan.take_begin_session_fault` gives an HRESULT to raise
  (e.g. 0x8004041B "unable to lock", 0x80040414 "modal dialog") for the next N calls.
* ``ProcessRequest``: :meth:`FaultPlan.take_request_fault` gives the next :class:`Fault`:

  - ``HRESULT``: the call raises that HRESULT's typed error and the handler is not called;
  - ``STATUS``: QuickBooks *answers*, but with a qbXML statusCode (3170, 3175, 3176, 3180,
    3200, ...). Status codes live inside the response, which the handler renders, so the
    fault reaches it as ``SessionContext.injected_status``: the handler must answer every
    request of that message set with that statusCode (and its standard message) instead of
    doing the work;
  - ``CRASH``: QuickBooks stops as if it crashed: the in-flight call raises 0x80040401 (COM
    loses the server), every ticket dies, later calls get 0x8004040D.

  Then :attr:`FaultPlan.latency` seconds pass (through the desktop's injectable ``sleep``)
  before the handler runs.
* Iterator expiry: :meth:`FaultPlan.expire_iterators` bumps a generation counter; each
  session remembers the generation it last saw, so the *next request of every live
  session* carries ``SessionContext.iterators_expired = True``. Contract for the handler:
  when it is True, forget every iterator belonging to ``context.ticket`` before handling
  the request, so a ``Continue`` of an old iterator fails as a stale one does (status 3391
  style, reference/qbxml.md pitfall 2).

The plan has its own small lock (a leaf: it never calls out), so a test thread can arm
faults while sessions run.
"""

from __future__ import annotations

import enum
import threading
from collections import deque
from dataclasses import dataclass

__all__ = ["Fault", "FaultKind", "FaultPlan"]

CANNOT_LOCK_FILE = 0x8004041B
MODAL_DIALOG_OPEN = 0x80040414


class FaultKind(enum.Enum):
    STATUS = "status"  # the handler renders statusCode ``code``
    HRESULT = "hresult"  # the call raises HRESULT ``code``
    CRASH = "crash"  # QuickBooks stops mid-session


@dataclass(frozen=True)
class Fault:
    """One injected fault; build with :meth:`status`, :meth:`hresult` or :meth:`crash`."""

    kind: FaultKind
    code: int = 0

    @classmethod
    def status(cls, code: int) -> Fault:
        return cls(FaultKind.STATUS, code)

    @classmethod
    def hresult(cls, hresult: int) -> Fault:
        return cls(FaultKind.HRESULT, hresult)

    @classmethod
    def crash(cls) -> Fault:
        return cls(FaultKind.CRASH)


class FaultPlan:
    """The faults to inject, consumed one call at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._latency = 0.0
        self._request_faults: deque[Fault] = deque()
        self._begin_faults: deque[int] = deque()
        self._iterator_generation = 0

    # ---- arming (control interface) --------------------------------------------------------

    @property
    def latency(self) -> float:
        """Seconds every ``ProcessRequest`` takes before the handler runs."""
        with self._lock:
            return self._latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("latency cannot be negative")
        with self._lock:
            self._latency = seconds

    def fail_requests(self, fault: Fault, count: int = 1) -> None:
        """The next ``count`` requests (after those already queued) get ``fault``."""
        if count < 0:
            raise ValueError("count cannot be negative")
        with self._lock:
            self._request_faults.extend([fault] * count)

    def status_on_next_requests(self, status_code: int, count: int = 1) -> None:
        """The next ``count`` requests are answered with ``status_code`` (3170, 3175...)."""
        self.fail_requests(Fault.status(status_code), count)

    def hresult_on_next_requests(self, hresult: int = CANNOT_LOCK_FILE, count: int = 1) -> None:
        """The next ``count`` requests raise ``hresult`` (0x8004041B lock, 0x80040414)."""
        self.fail_requests(Fault.hresult(hresult), count)

    def crash_on_next_request(self) -> None:
        """QuickBooks crashes while handling the next request."""
        self.fail_requests(Fault.crash())

    def fail_begin_sessions(self, hresult: int = CANNOT_LOCK_FILE, count: int = 1) -> None:
        """The next ``count`` ``BeginSession`` calls raise ``hresult``."""
        if count < 0:
            raise ValueError("count cannot be negative")
        with self._lock:
            self._begin_faults.extend([hresult] * count)

    def expire_iterators(self) -> None:
        """Every live session's next request is told its iterators expired."""
        with self._lock:
            self._iterator_generation += 1

    def clear(self) -> None:
        """No latency, no queued faults (iterator generations are kept: they are history)."""
        with self._lock:
            self._latency = 0.0
            self._request_faults.clear()
            self._begin_faults.clear()

    # ---- consuming (desktop model) ---------------------------------------------------------

    @property
    def pending_request_faults(self) -> int:
        with self._lock:
            return len(self._request_faults)

    @property
    def iterator_generation(self) -> int:
        with self._lock:
            return self._iterator_generation

    def take_request_fault(self) -> Fault | None:
        with self._lock:
            return self._request_faults.popleft() if self._request_faults else None

    def take_begin_session_fault(self) -> int | None:
        with self._lock:
            return self._begin_faults.popleft() if self._begin_faults else None
