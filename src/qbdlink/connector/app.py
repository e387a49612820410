"""The connector's composition root: settings → state, credential, platform client, QuickBooks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from qbdlink.connector.install.credentials import CredentialStore, credential_store_for
from qbdlink.connector.platform_client import PlatformClient
from qbdlink.connector.pushes.registry import WRITERS
from qbdlink.connector.quickbooks.com import ComTransport
from qbdlink.connector.quickbooks.session import QuickBooksSession, RetryPolicy
from qbdlink.connector.quickbooks.simulator import SimulatorTransport
from qbdlink.connector.quickbooks.transport import Transport
from qbdlink.connector.runner import Connector
from qbdlink.connector.settings import ConnectorSettings
from qbdlink.connector.streams.registry import STREAMS
from qbdlink.connector.sync.engine import ProgressSink
from qbdlink.connector.sync.state import StateStore
from qbdlink.errors import ConfigurationError


def transport_factory(target: str) -> Callable[[], Transport]:
    if target == "com":
        return ComTransport
    if target.startswith("simulator://"):
        return lambda: SimulatorTransport(target)
    raise ConfigurationError(
        f"Unknown QuickBooks target {target!r}.",
        code="connector.quickbooks_target",
        fix="Use com (QuickBooks on this PC) or simulator://HOST:PORT.",
    )


@dataclass
class ConnectorApp:
    settings: ConnectorSettings
    state: StateStore
    credentials: CredentialStore
    session: QuickBooksSession

    def client(self, base_url: str | None = None) -> PlatformClient:
        url = base_url or self.state.get("platform_url")
        if not url:
            raise ConfigurationError(
                "This connector is not linked yet.",
                code="connector.not_linked",
                fix="Run `qbdlink connector link` first.",
            )
        return PlatformClient(str(url), credential=self.credentials.load())

    def connector(self, client: PlatformClient, progress: ProgressSink | None = None) -> Connector:
        return Connector(
            state=self.state,
            client=client,
            session=self.session,
            streams=STREAMS,
            progress=progress or (lambda _: None),
            writers=WRITERS,
        )

    def close(self) -> None:
        self.session.close()
        self.state.close()


def build_connector_app(
    settings: ConnectorSettings, *, retry: RetryPolicy | None = None
) -> ConnectorApp:
    Path(settings.state_dir).mkdir(parents=True, exist_ok=True)
    state = StateStore(Path(settings.layout.state_db_path))
    session = QuickBooksSession(
        transport_factory(settings.quickbooks),
        app_name=settings.app_name,
        retry=retry,
    )
    return ConnectorApp(
        settings=settings,
        state=state,
        credentials=credential_store_for(settings.layout),
        session=session,
    )


__all__ = ["ConnectorApp", "build_connector_app"]
