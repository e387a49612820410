"""Pausing: stored in the state, and a paused cycle only says so in its heartbeat."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest

from qbdlink.connector.platform_client import PlatformClient
from qbdlink.connector.quickbooks.session import QuickBooksSession
from qbdlink.connector.runner import (
    Connector,
    pause_syncing,
    paused_until,
    resume_syncing,
)
from qbdlink.connector.sync.state import StateStore
from qbdlink.errors import ConfigurationError
from qbdlink.model import wire

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@dataclass
class FakeClient:
    beats: list[wire.Heartbeat] = field(default_factory=list)
    asked_for_work: int = 0

    def heartbeat(self, report: wire.Heartbeat) -> wire.HeartbeatResponse:
        self.beats.append(report)
        return wire.HeartbeatResponse(connection_status="Linked", mode="ongoing")

    def work(self, wait: float = 0) -> None:
        self.asked_for_work += 1


@dataclass
class FakeSession:
    company: Any = None
    closed: int = 0
    opened: int = 0

    def close(self) -> None:
        self.closed += 1

    @property
    def is_open(self) -> bool:
        return False

    def open(self) -> None:
        self.opened += 1
        raise AssertionError("a paused connector must not open QuickBooks")


def test_pause_and_resume() -> None:
    state = StateStore(":memory:")
    assert paused_until(state, NOW) is None
    until = pause_syncing(state, now=NOW, hours=24)
    assert until == NOW + timedelta(hours=24)
    assert paused_until(state, NOW + timedelta(hours=23)) == until
    assert paused_until(state, NOW + timedelta(hours=24)) is None  # over by itself
    resume_syncing(state)
    assert paused_until(state, NOW) is None


@pytest.mark.parametrize("hours", [0, -1, 24 * 7 + 1])
def test_a_pause_must_be_sensible(hours: float) -> None:
    with pytest.raises(ConfigurationError) as caught:
        pause_syncing(StateStore(":memory:"), now=NOW, hours=hours)
    assert caught.value.code == "connector.pause_hours" and caught.value.fix


def test_a_paused_cycle_only_heartbeats_paused() -> None:
    state = StateStore(":memory:")
    state.put(file_id="f", company_name="Bakery")
    until = pause_syncing(state, now=NOW, hours=2)
    client, session = FakeClient(), FakeSession()
    connector = Connector(
        state=state,
        client=cast(PlatformClient, client),
        session=cast(QuickBooksSession, session),
        streams={},
        clock=lambda: NOW + timedelta(hours=1),
    )
    report = connector.run_cycle(wait=0)
    assert report.paused_until == until and report.ok and report.pulls == []
    assert [beat.state for beat in client.beats] == ["paused"]
    assert client.beats[0].paused_until == until.isoformat()
    assert client.asked_for_work == 0 and session.opened == 0 and session.closed == 1
