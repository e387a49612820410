"""The fault plan on its own (its effect on sessions: test_desktop.py)."""

from __future__ import annotations

import pytest

from qbdlink.simulator.faults import Fault, FaultKind, FaultPlan


def test_request_faults_come_out_in_order_then_none() -> None:
    plan = FaultPlan()
    plan.status_on_next_requests(3175, count=2)
    plan.hresult_on_next_requests(0x80040414)
    plan.crash_on_next_request()
    assert plan.pending_request_faults == 4
    taken = [plan.take_request_fault() for _ in range(5)]
    assert taken == [
        Fault.status(3175),
        Fault.status(3175),
        Fault(FaultKind.HRESULT, 0x80040414),
        Fault.crash(),
        None,
    ]


def test_begin_session_faults_default_to_the_lock_error() -> None:
    plan = FaultPlan()
    plan.fail_begin_sessions(count=2)
    assert [plan.take_begin_session_fault() for _ in range(3)] == [0x8004041B, 0x8004041B, None]


def test_latency_and_clear() -> None:
    plan = FaultPlan()
    plan.latency = 2.5
    plan.hresult_on_next_requests()
    plan.fail_begin_sessions()
    plan.expire_iterators()
    plan.clear()
    assert plan.latency == 0.0
    assert plan.take_request_fault() is None
    assert plan.take_begin_session_fault() is None
    assert plan.iterator_generation == 1


def test_bad_arguments() -> None:
    plan = FaultPlan()
    with pytest.raises(ValueError):
        plan.latency = -1
    with pytest.raises(ValueError):
        plan.fail_requests(Fault.crash(), -1)
    with pytest.raises(ValueError):
        plan.fail_begin_sessions(count=-1)
