"""Helpers for the background jobs' tests: a platform on a test clock, linked companies."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from qbdlink.platform.app import Platform
from qbdlink.platform.domain import LINKED, Company, Connection
from qbdlink.platform.services import companies, connections
from qbdlink.platform.services.context import Context, Tenant
from qbdlink.platform.storage import connections as connection_store
from tests.support.platform import FakeClock


@dataclass
class JobsPlatform:
    platform: Platform
    clock: FakeClock
    tenant: Tenant

    @property
    def ctx(self) -> Context:
        return self.platform.context

    def company(
        self, name: str = "Acme Ltd", *, status: str = LINKED
    ) -> tuple[Company, Connection]:
        """A company with one QuickBooks Desktop connection in ``status`` (Linked by default)."""
        company = companies.create_company(self.ctx, self.tenant, name=name)
        connection = connections.create_connection(self.ctx, self.tenant, company.id, "pqsw")
        with self.ctx.database.write() as db:
            connection_store.update_connection(db, connection.id, {"status": status})
            updated = connection_store.get_connection(db, company.id, connection.id)
        assert updated is not None
        return company, updated


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes


class HookServer:
    """A webhook consumer's endpoint on loopback: records each request, answers as scripted.

    ``statuses`` are the answers to the first requests, in order; after them, ``then``.
    """

    def __init__(self, statuses: Sequence[int] = (), then: int = 200) -> None:
        self.received: list[Received] = []
        self._statuses = list(statuses)
        self._then = then
        self._lock = threading.Lock()
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with hook._lock:
                    hook.received.append(
                        Received(
                            path=self.path,
                            headers={k.lower(): v for k, v in self.headers.items()},
                            body=body,
                        )
                    )
                    status = hook._statuses.pop(0) if hook._statuses else hook._then
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep test output clean

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # A short poll, so that shutdown() returns at once rather than after half a second.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/hooks"

    def __enter__(self) -> HookServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
