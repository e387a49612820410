"""The simulator as its own process: QuickBooks reachable over a local TCP socket.

Theory of operation
-------------------
:class:`SimulatorServer` puts a :class:`~qbdlink.simulator.desktop.QuickBooksDesktop` on a TCP
socket that speaks the line protocol of :mod:`.wire`. Each client connection gets its own
:class:`~qbdlink.simulator.session.RequestProcessor`, as each process on a PC creates its own
COM object; closing the socket is ``CloseConnection`` (a session left open ends). The desktop
is shared, so several clients reach one QuickBooks as several applications do, and QuickBooks
takes one request at a time whatever the number of clients.

Threads, not asyncio: the desktop model blocks (``BeginSession`` waits for the authorisation
dialog, ``ProcessRequest`` waits for the request ahead of it), so each connection is served
by its own thread (``socketserver``), and the accept loop runs in a background thread started
by :meth:`SimulatorServer.start`.

The control operations (open/close the company, dialogs, the authorisation dialog, faults,
``status``) are served on the same socket, to any client: this is a local test tool with no
authentication. It therefore listens on the loopback interface only (127.0.0.1 by default);
another host is refused unless ``allow_remote=True`` is given explicitly.

:meth:`SimulatorServer.stop` stops accepting, shuts down every client socket (their threads
end their sessions and return) and waits a bounded time for them. A client blocked in
``BeginSession`` on an authorisation dialog keeps its thread until the dialog is answered or
withdrawn: call :meth:`QuickBooksDesktop.quit` first to withdraw it, as the CLI does.

Addresses are written ``HOST:PORT`` (``[::1]:PORT`` for IPv6) and the simulator's URL is
``simulator://HOST:PORT``, what the connector is configured with to reach the simulator.
"""

from __future__ import annotations

import contextlib
import io
import ipaddress
import logging
import os
import socket
import socketserver
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Generic, TypeVar

from qbdlink.errors import ConfigurationError, QbdlinkError
from qbdlink.qbxml.hresult import QuickBooksConnectionError

from .authorization import AuthChoice, Grant
from .desktop import CompanyFile, OpenMode, QuickBooksDesktop
from .session import RequestProcessor
from .wire import (
    CONTROL_OPS,
    MAX_LINE_BYTES,
    PROTOCOL_VERSION,
    UNEXPECTED_ERROR,
    ErrorKind,
    Request,
    WireError,
    decode_request,
    encode_failure,
    encode_success,
    is_blank,
)

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "URL_SCHEME",
    "CompanyFileCache",
    "ListenAddressError",
    "SimulatorServer",
    "format_address",
    "format_url",
    "is_loopback",
    "parse_listen",
    "parse_url",
]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
URL_SCHEME = "simulator"
STOP_TIMEOUT = 5.0  # seconds stop() waits for each thread

logger = logging.getLogger(__name__)


# ---- addresses and URLs ------------------------------------------------------------------------


class ListenAddressError(ConfigurationError):
    """An address to listen on or connect to that is malformed or not allowed."""

    default_code = "simulator.listen"


def parse_listen(text: str) -> tuple[str, int]:
    """``"HOST:PORT"`` (``"[::1]:PORT"`` for IPv6) as ``(host, port)``; port 0 = any free one."""
    value = text.strip()
    if value.startswith("["):
        end = value.find("]")
        if end < 0 or value[end + 1 : end + 2] != ":":
            raise _bad_address(text)
        host, port_text = value[1:end], value[end + 2 :]
    else:
        host, sep, port_text = value.rpartition(":")
        if not sep or ":" in host:
            raise _bad_address(text)
    if not host or not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise _bad_address(text)
    return host, int(port_text)


def _bad_address(text: str) -> ListenAddressError:
    return ListenAddressError(
        f"{text!r} is not an address of the form HOST:PORT",
        fix="Write it as 127.0.0.1:8765 (or [::1]:8765); the port is 0 to 65535.",
    )


def format_address(host: str, port: int) -> str:
    """``HOST:PORT``, the host in brackets when it is an IPv6 address."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def format_url(host: str, port: int) -> str:
    """``simulator://HOST:PORT``."""
    return f"{URL_SCHEME}://{format_address(host, port)}"


def parse_url(url: str) -> tuple[str, int]:
    """``(host, port)`` of a ``simulator://HOST:PORT`` URL (a trailing ``/`` is allowed)."""
    prefix = f"{URL_SCHEME}://"
    if not url.startswith(prefix):
        raise ListenAddressError(
            f"{url!r} is not a simulator URL",
            fix=f"Write it as {format_url(DEFAULT_HOST, DEFAULT_PORT)}.",
        )
    return parse_listen(url[len(prefix) :].rstrip("/"))


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine's loopback interface only."""
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# ---- company files by path ---------------------------------------------------------------------

F = TypeVar("F", bound=CompanyFile)


class CompanyFileCache(Generic[F]):
    """Each company file opened once, by path: two opens of one file would be two QuickBooks.

    ``opener`` opens a file given its path (the composition root passes
    ``StoredCompanyFile.open``). :meth:`open` is for the control interface's ``open_company``;
    :meth:`locate` is the desktop's ``locate_file`` (None when there is no file there).
    """

    def __init__(self, opener: Callable[[str], F]) -> None:
        self._opener = opener
        self._files: dict[str, F] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(path: str) -> str:
        return os.path.normcase(os.path.realpath(path))

    def add(self, file: F) -> F:
        with self._lock:
            return self._files.setdefault(self._key(file.path), file)

    def open(self, path: str) -> F:
        key = self._key(path)
        with self._lock:
            file = self._files.get(key)
            if file is None:
                file = self._files[key] = self._opener(path)
            return file

    def locate(self, path: str) -> F | None:
        if not Path(path).is_file():
            return None
        try:
            return self.open(path)
        except QbdlinkError as error:
            logger.warning("cannot open %s as a company file: %s", path, error)
            return None

    @property
    def files(self) -> list[F]:
        with self._lock:
            return list(self._files.values())


# ---- the server --------------------------------------------------------------------------------


@dataclass(eq=False)
class _Client:
    number: int
    peer: str
    sock: socket.socket
    thread: threading.Thread
    processor: RequestProcessor
    ticket: str | None = None  # the session begun on this connection


class _TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True  # stop() joins them itself, with a bound
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], owner: SimulatorServer) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.owner = owner
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        # Registered here, in the accept loop, so stop() sees every client it must end.
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name=f"simulator-client-{client_address}",
            daemon=True,
        )
        self.owner._register(request, client_address, thread)
        thread.start()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.owner._unregister(request)


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        server = self.server
        assert isinstance(server, _TCPServer)
        server.owner._serve(self.request, self.rfile, self.wfile)


class SimulatorServer:
    """QuickBooks on a local socket; see the module docstring.

    ``open_file`` opens a company file by path for the ``open_company`` control operation
    (without it, that operation is refused). ``port`` 0 picks a free port: read
    :attr:`address` after :meth:`start`.
    """

    def __init__(
        self,
        desktop: QuickBooksDesktop,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        *,
        open_file: Callable[[str], CompanyFile] | None = None,
        allow_remote: bool = False,
    ) -> None:
        if not allow_remote and not is_loopback(host):
            raise ListenAddressError(
                f"the simulator listens on this machine's loopback interface only, not {host!r}: "
                "its control interface has no authentication",
                fix="Listen on 127.0.0.1 (the default), ::1 or localhost.",
            )
        if not 0 <= port <= 65535:
            raise ListenAddressError(f"{port} is not a TCP port", fix="Use 0 to 65535.")
        self.desktop = desktop
        self._host = host
        self._port = port
        self._open_file = open_file
        self._server: _TCPServer | None = None
        self._thread: threading.Thread | None = None
        self._clients: dict[socket.socket, _Client] = {}
        self._lock = threading.Lock()
        self._numbers = 0

    # ---- lifecycle ---------------------------------------------------------------------------

    def start(self) -> SimulatorServer:
        """Bind and serve in a background thread; returns at once."""
        if self._server is not None:
            raise RuntimeError("the simulator server is already running")
        try:
            server = _TCPServer((self._host, self._port), self)
        except OSError as exc:
            raise ListenAddressError(
                f"cannot listen on {format_address(self._host, self._port)}: {exc.strerror or exc}",
                fix="Choose another port (0 picks a free one), or stop what uses this one.",
            ) from exc
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="simulator-server",
            daemon=True,
        )
        self._thread.start()
        logger.info("listening at %s", self.url)
        return self

    def stop(self) -> None:
        """Stop accepting, close every client connection, wait (bounded) for their threads."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.shutdown()
        server.server_close()
        thread.join(STOP_TIMEOUT)
        with self._lock:
            clients = list(self._clients.values())
        for client in clients:
            with contextlib.suppress(OSError):  # already gone
                client.sock.shutdown(socket.SHUT_RDWR)
        for client in clients:
            client.thread.join(STOP_TIMEOUT)
            if client.thread.is_alive():
                logger.warning("client %d (%s) did not finish", client.number, client.peer)
        self._server = self._thread = None
        logger.info("stopped")

    def __enter__(self) -> SimulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def address(self) -> tuple[str, int]:
        """``(host, port)`` bound (the real port when 0 was asked for)."""
        if self._server is None:
            raise RuntimeError("the simulator server is not running")
        bound = self._server.server_address
        return str(bound[0]), int(bound[1])

    @property
    def url(self) -> str:
        return format_url(*self.address)

    # ---- clients -----------------------------------------------------------------------------

    def _register(self, sock: socket.socket, address: Any, thread: threading.Thread) -> None:
        with self._lock:
            self._numbers += 1
            peer = format_address(str(address[0]), int(address[1]))
            client = _Client(self._numbers, peer, sock, thread, RequestProcessor(self.desktop))
            self._clients[sock] = client
        logger.info("client %d connected from %s", client.number, peer)

    def _unregister(self, sock: socket.socket) -> None:
        with self._lock:
            client = self._clients.pop(sock, None)
        if client is not None:
            logger.info("client %d (%s) disconnected", client.number, client.peer)

    def _serve(
        self, sock: socket.socket, rfile: io.BufferedIOBase, wfile: io.BufferedIOBase
    ) -> None:
        with self._lock:
            client = self._clients[sock]
        try:
            while True:
                line = rfile.readline(MAX_LINE_BYTES + 1)
                if not line:
                    break  # the client closed the connection (or stop() shut it down)
                if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                    _skip_rest_of_line(rfile)
                    response: bytes | None = _protocol_failure(
                        None, f"the line is longer than {MAX_LINE_BYTES} bytes"
                    )
                else:
                    response = self._answer(client, line)
                if response is not None:
                    wfile.write(response)
                    wfile.flush()
        except OSError as exc:
            logger.info("client %d (%s): %s", client.number, client.peer, exc)
        finally:
            # The COM object is released: CloseConnection ends a session left open.
            try:
                client.processor.close_connection()
            except Exception:
                logger.exception("client %d: CloseConnection failed", client.number)
            client.ticket = None

    def _answer(self, client: _Client, line: bytes) -> bytes | None:
        if is_blank(line):
            return None
        try:
            request = decode_request(line)
        except WireError as exc:
            return _protocol_failure(exc.request_id, exc.message)
        try:
            if request.op in CONTROL_OPS:
                result = self._control(request)
            else:
                result = self._session(client, request)
        except QuickBooksConnectionError as exc:
            return encode_failure(
                request.id, ErrorKind.HRESULT, exc.hresult, exc.detail or "", exc.message
            )
        except (RuntimeError, ValueError, QbdlinkError) as exc:
            if request.op not in CONTROL_OPS:
                return self._unexpected(client, request, exc)
            text = exc.user_text() if isinstance(exc, QbdlinkError) else str(exc)
            return encode_failure(
                request.id,
                ErrorKind.REFUSED,
                UNEXPECTED_ERROR,
                text,
                f"The simulator refused {request.op}: {text}",
            )
        except Exception as exc:
            return self._unexpected(client, request, exc)
        return encode_success(request.id, result)

    def _unexpected(self, client: _Client, request: Request, exc: Exception) -> bytes:
        # A bug in the simulator: the COM call would fail with "Unexpected error".
        logger.error("client %d: %s failed unexpectedly", client.number, request.op, exc_info=exc)
        detail = f"internal error in the simulator: {type(exc).__name__}: {exc}"
        return encode_failure(
            request.id,
            ErrorKind.HRESULT,
            UNEXPECTED_ERROR,
            detail,
            f"The QuickBooks request processor failed with HRESULT 0x80040402: {detail}",
        )

    # ---- operations --------------------------------------------------------------------------

    def _session(self, client: _Client, request: Request) -> Any:
        rp, args = client.processor, request.args
        match request.op:
            case "open_connection":
                rp.open_connection(args["app_id"], args["app_name"], elevated=args["elevated"])
                return None
            case "begin_session":
                ticket = rp.begin_session(
                    args["file_path"], OpenMode(args["mode"]), timeout=args["timeout"]
                )
                client.ticket = ticket
                return ticket
            case "get_current_company_file_name":
                return rp.get_current_company_file_name(args["ticket"])
            case "qbxml_versions_for_session":
                return rp.qbxml_versions_for_session(args["ticket"])
            case "process_request":
                return rp.process_request(args["ticket"], args["xml"])
            case "end_session":
                rp.end_session(args["ticket"])
                if client.ticket == args["ticket"]:
                    client.ticket = None
                return None
            case "close_connection":
                rp.close_connection()
                client.ticket = None
                return None
        raise AssertionError(f"no handler for {request.op}")  # wire.OPS and this disagree

    def _control(self, request: Request) -> Any:
        desktop, args = self.desktop, request.args
        match request.op:
            case "status":
                return self.status()
            case "start":
                desktop.start()
            case "quit":
                desktop.quit()
            case "crash":
                desktop.crash()
            case "open_company":
                if self._open_file is None:
                    raise RuntimeError("this simulator was started without a way to open files")
                file = self._open_file(args["path"])
                desktop.open_company(file, OpenMode(args["mode"]), args["user"])
            case "close_company":
                desktop.close_company()
            case "set_instances":
                desktop.instances = args["count"]
            case "show_dialog":
                desktop.show_dialog(args["text"])
            case "dismiss_dialog":
                desktop.dismiss_dialog()
            case "answer_authorization":
                desktop.answer_authorization(
                    AuthChoice(args["choice"]), args["login_as"], args["personal_data"]
                )
            case "confirm_access":
                desktop.confirm_access()
            case "set_grant":
                desktop.set_grant(
                    Grant(
                        args["app_name"],
                        args["app_id"],
                        AuthChoice(args["choice"]),
                        args["login_as"],
                        args["personal_data"],
                    )
                )
            case "remove_grant":
                desktop.remove_grant(args["app_name"])
            case "fault":
                self._fault(args)
            case _:
                raise AssertionError(f"no handler for {request.op}")
        return None

    def _fault(self, args: Any) -> None:
        plan = self.desktop.faults
        match args["kind"]:
            case "latency":
                plan.latency = args["seconds"]
            case "status":
                plan.status_on_next_requests(args["code"], args["count"])
            case "hresult" if args["on"] == "begin_session":
                plan.fail_begin_sessions(args["code"], args["count"])
            case "hresult":
                plan.hresult_on_next_requests(args["code"], args["count"])
            case "crash":
                plan.crash_on_next_request()
            case "expire_iterators":
                plan.expire_iterators()
            case "clear":
                plan.clear()

    def status(self) -> dict[str, Any]:
        """The ``status`` operation's result (keys: see :mod:`.wire`)."""
        desktop = self.desktop
        dialog = desktop.pending_authorization
        file = desktop.company_file
        mode = desktop.open_mode
        with self._lock:
            clients = sorted(self._clients.values(), key=lambda c: c.number)
        connections = []
        for client in clients:
            connection = client.processor.connection
            if connection is None:
                continue
            ticket = client.ticket
            connections.append(
                {
                    "client": client.number,
                    "peer": client.peer,
                    "app_id": connection.app_id,
                    "app_name": connection.app_name,
                    "elevated": connection.elevated,
                    "ticket": ticket if ticket is not None and desktop.is_live(ticket) else None,
                }
            )
        return {
            "protocol": PROTOCOL_VERSION,
            "edition": desktop.edition,
            "product_name": desktop.product_name,
            "running": desktop.running,
            "instances": desktop.instances,
            "attended": desktop.attended,
            "elevated": desktop.elevated,
            "company_file": file.path if file is not None else None,
            "mode": mode.value if mode is not None else None,
            "user": desktop.user,
            "modal_dialog": desktop.modal_dialog,
            "pending_authorization": None
            if dialog is None
            else {
                "app_name": dialog.app_name,
                "app_id": dialog.app_id,
                "company_file": dialog.company_file,
                "stage": dialog.stage.value,
                "first_access": dialog.first_access,
                "users": list(dialog.users),
            },
            "auto_authorize": (
                desktop.auto_authorize.value if desktop.auto_authorize is not None else None
            ),
            "waiting_requests": desktop.waiting_requests,
            "faults": {
                "latency": desktop.faults.latency,
                "queued_request_faults": desktop.faults.pending_request_faults,
            },
            "tickets": desktop.tickets,
            "clients": len(clients),
            "connections": connections,
        }


def _protocol_failure(request_id: int | None, problem: str) -> bytes:
    return encode_failure(
        request_id,
        ErrorKind.PROTOCOL,
        UNEXPECTED_ERROR,
        problem,
        f"Not a valid simulator request: {problem}",
    )


def _skip_rest_of_line(rfile: io.BufferedIOBase) -> None:
    while True:
        chunk = rfile.readline(1 << 20)
        if not chunk or chunk.endswith(b"\n"):
            return
