"""The simulator's wire protocol: how a client reaches the simulated QuickBooks over a socket.

Pure (no sockets): requests and responses to bytes and back, and the table of operations with
their arguments. :mod:`.server` speaks it on a TCP socket; the connector's simulator transport
(a later issue) and :mod:`.client` speak it from the other side.

Framing
-------
A TCP stream of UTF-8 lines. Each line is one JSON object ending in ``\\n`` (JSON escapes the
newlines inside strings, so a qbXML document fits on one line). The client sends a request
line and reads exactly one response line; requests on one connection are answered in order,
one at a time. A line with only white space is ignored (no response). A line longer than
:data:`MAX_LINE_BYTES` is refused with an error response and skipped. A malformed line never
closes the connection: it gets an error response (with ``"id": null`` when no id could be
read) and the next line is read as usual. NaN and Infinity are not JSON and are refused.

Request::

    {"id": 7, "op": "process_request", "args": {"ticket": "{...}", "xml": "<?xml ..."}}

``id`` is an integer chosen by the client and echoed in the response; ``op`` names an
operation below; ``args`` is an object (may be omitted when the operation has no required
arguments). Unknown operations, unknown argument names and arguments of the wrong type are
refused, so a typo never passes silently.

Response, success / failure::

    {"id": 7, "ok": true, "result": "<?xml ..."}
    {"id": 7, "ok": false, "error": "hresult", "hresult": 2147746836,
     "detail": "A QuickBooks window is open", "message": "The QuickBooks request processor ..."}

``error`` says what failed:

* ``"hresult"``: QuickBooks (the request processor) refused the call, as the COM call would
  fail: ``hresult`` is the unsigned 32-bit HRESULT (0x80040414 = 2147746836), ``detail`` the
  text COM would carry (``QuickBooksConnectionError.detail``), ``message`` the full sentence
  for a person. A client rebuilds the typed error with
  ``qbdlink.qbxml.hresult.error_for_hresult(hresult, detail)``.
* ``"protocol"``: the line was not a valid request (bad JSON, unknown op, bad arguments).
  ``hresult`` is 0x80040402 "Unexpected error", which is how QBXMLRP2 reports misuse.
* ``"refused"``: a control operation that the simulated QuickBooks cannot do in its present
  state (confirming an authorisation dialog that is not showing, opening a file that does not
  exist, a user the file does not have). ``hresult`` is 0x80040402 as well; ``message`` says
  why.

Operations
----------
The session API, one :class:`~qbdlink.simulator.session.RequestProcessor` per connection (as
each process gets its own COM object); closing the socket is ``close_connection``:

=============================  =================================================  ==========
op                             args                                               result
=============================  =================================================  ==========
open_connection                app_id: str = "", app_name: str,                   null
                               elevated: bool = false (runs as administrator)
begin_session                  file_path: str ("" = the file open now),           ticket: str
                               mode: 0 single-user | 1 multi-user | 2 do not
                               care (QBFC ``ENOpenMode``), timeout: number|null
                               (seconds to wait for the authorisation dialog;
                               null: the simulator's default)
get_current_company_file_name  ticket: str                                        str
qbxml_versions_for_session     ticket: str                                        [str]
process_request                ticket: str, xml: str                              xml: str
end_session                    ticket: str                                        null
close_connection               (none)                                             null
=============================  =================================================  ==========

Control (the person at the PC and the test's levers; any client may send them: this is a local
test tool, and the server listens on the loopback interface only). Results are null except for
``status``:

=====================  ============================================================
op                     args
=====================  ============================================================
status                 (none); result: the object described below
start                  (none): start QuickBooks with no file (or bring it forward)
quit                   (none): close QuickBooks; every ticket dies
crash                  (none): QuickBooks stops abruptly (to clients, as quit)
open_company           path: str, mode: 0 | 1 = 0, user: str = "Admin"
close_company          (none)
set_instances          count: int >= 0 (2: "more than one QuickBooks is running")
show_dialog            text: str (a modal window shows)
dismiss_dialog         (none)
answer_authorization   choice: "no" | "prompt" | "whenever-open" | "always",
                       login_as: str|null = null, personal_data: bool = false
confirm_access         (none): dismiss the Access Confirmation screen
set_grant              app_name: str, app_id: str = "", choice (as above),
                       login_as: str|null = null, personal_data: bool = false
remove_grant           app_name: str
fault                  kind, then by kind:
                       "latency": seconds: number >= 0 (every request takes that long);
                       "status": code: int, count: int = 1 (requests answered with
                       that qbXML statusCode); "hresult": code: int (signed or
                       unsigned), count: int = 1, on: "request" | "begin_session" =
                       "request"; "crash" (during the next request);
                       "expire_iterators"; "clear" (no latency, no queued faults)
=====================  ============================================================

``status`` result (every key always present)::

    {"protocol": 1, "edition": "US", "product_name": "QuickBooks Pro 2023",
     "running": true, "instances": 1, "attended": true, "elevated": false,
     "company_file": "/tmp/acme.qbw" | null, "mode": 0 | 1 | null, "user": "Admin" | null,
     "modal_dialog": "text" | null,
     "pending_authorization": null | {"app_name": str, "app_id": str, "company_file": str,
                                      "stage": "choose" | "confirm", "first_access": bool,
                                      "users": [str]},
     "auto_authorize": "always" | ... | null,
     "waiting_requests": 0, "faults": {"latency": 0.0, "queued_request_faults": 0},
     "tickets": [str],
     "clients": 2,
     "connections": [{"client": 1, "peer": "127.0.0.1:50112", "app_id": str,
                      "app_name": str, "elevated": false, "ticket": str | null}]}

``connections`` lists the clients that called ``open_connection`` (``ticket``: their live
session, if any); ``clients`` counts every open socket, control-only clients included.
"""

from __future__ import annotations

import enum
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from qbdlink.errors import PermanentError
from qbdlink.qbxml.hresult import normalize_hresult

from .authorization import AuthChoice

__all__ = [
    "AUTH_CHOICES",
    "CONTROL_OPS",
    "FAULT_ARGS",
    "FAULT_KINDS",
    "FAULT_TARGETS",
    "MAX_LINE_BYTES",
    "MODE_DO_NOT_CARE",
    "MODE_MULTI_USER",
    "MODE_SINGLE_USER",
    "OPS",
    "PROTOCOL_VERSION",
    "SESSION_OPS",
    "UNEXPECTED_ERROR",
    "Arg",
    "ErrorKind",
    "Failure",
    "Request",
    "Response",
    "Success",
    "WireError",
    "check_args",
    "decode_request",
    "decode_response",
    "encode_failure",
    "encode_request",
    "encode_success",
    "is_blank",
]

PROTOCOL_VERSION = 1
MAX_LINE_BYTES = 64 * 1024 * 1024
"""The longest line accepted (64 MiB: room for a large qbXML response or request)."""

UNEXPECTED_ERROR = 0x80040402  # the HRESULT of "protocol" and "refused" errors

MODE_SINGLE_USER = 0
MODE_MULTI_USER = 1
MODE_DO_NOT_CARE = 2

AUTH_CHOICES: tuple[str, ...] = tuple(choice.value for choice in AuthChoice)
FAULT_KINDS = ("latency", "status", "hresult", "crash", "expire_iterators", "clear")
FAULT_TARGETS = ("request", "begin_session")


class WireError(PermanentError):
    """A line that is not a valid request or response of this protocol.

    ``request_id`` is the request's id when it could be read (the error response echoes it).
    """

    default_code = "simulator.wire"

    def __init__(self, message: str, *, request_id: int | None = None) -> None:
        super().__init__(message)
        self.request_id = request_id


class ErrorKind(enum.Enum):
    """The ``error`` field of a failure response (see the module docstring)."""

    HRESULT = "hresult"
    PROTOCOL = "protocol"
    REFUSED = "refused"


# ---- the operations --------------------------------------------------------------------------


def _hresult(value: Any) -> int:
    try:
        return normalize_hresult(value)
    except ValueError:
        raise ValueError(f"{value} is not a 32-bit HRESULT") from None


@dataclass(frozen=True)
class Arg:
    """One argument of an operation: its JSON type and whether it may be left out."""

    name: str
    type: type  # str, int, float or bool; float also accepts integers
    required: bool = True
    default: Any = None
    nullable: bool = False
    choices: tuple[Any, ...] | None = None
    minimum: float | None = None
    convert: Callable[[Any], Any] | None = None  # a further check; raises ValueError

    def check(self, op: str, value: Any) -> Any:
        where = f"{op}: argument {self.name!r}"
        if value is None:
            if self.nullable:
                return None
            raise ValueError(f"{where} may not be null")
        if self.type is float:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            value = float(value) if ok else value
        elif self.type is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        else:
            ok = isinstance(value, self.type)
        if not ok:
            raise ValueError(f"{where} must be {_TYPE_NAMES[self.type]}, not {_json_type(value)}")
        if self.type is float and not math.isfinite(value):
            raise ValueError(f"{where} must be a finite number")
        if self.choices is not None and value not in self.choices:
            shown = " | ".join(json.dumps(choice) for choice in self.choices)
            raise ValueError(f"{where} must be one of {shown}, not {json.dumps(value)}")
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"{where} must be at least {self.minimum:g}")
        if self.convert is not None:
            try:
                value = self.convert(value)
            except ValueError as exc:
                raise ValueError(f"{where}: {exc}") from None
        return value


_TYPE_NAMES: Mapping[type, str] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "true or false",
}


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


_TICKET = Arg("ticket", str)
_CHOICE = Arg("choice", str, choices=AUTH_CHOICES)
_LOGIN_AS = Arg("login_as", str, required=False, nullable=True)
_PERSONAL = Arg("personal_data", bool, required=False, default=False)

SESSION_OPS: Mapping[str, tuple[Arg, ...]] = {
    "open_connection": (
        Arg("app_id", str, required=False, default=""),
        Arg("app_name", str),
        Arg("elevated", bool, required=False, default=False),
    ),
    "begin_session": (
        Arg("file_path", str),
        Arg("mode", int, choices=(MODE_SINGLE_USER, MODE_MULTI_USER, MODE_DO_NOT_CARE)),
        Arg("timeout", float, required=False, nullable=True, minimum=0),
    ),
    "get_current_company_file_name": (_TICKET,),
    "qbxml_versions_for_session": (_TICKET,),
    "process_request": (_TICKET, Arg("xml", str)),
    "end_session": (_TICKET,),
    "close_connection": (),
}

CONTROL_OPS: Mapping[str, tuple[Arg, ...]] = {
    "status": (),
    "start": (),
    "quit": (),
    "crash": (),
    "open_company": (
        Arg("path", str),
        Arg("mode", int, required=False, default=MODE_SINGLE_USER, choices=(0, 1)),
        Arg("user", str, required=False, default="Admin"),
    ),
    "close_company": (),
    "set_instances": (Arg("count", int, minimum=0),),
    "show_dialog": (Arg("text", str),),
    "dismiss_dialog": (),
    "answer_authorization": (_CHOICE, _LOGIN_AS, _PERSONAL),
    "confirm_access": (),
    "set_grant": (
        Arg("app_name", str),
        Arg("app_id", str, required=False, default=""),
        _CHOICE,
        _LOGIN_AS,
        _PERSONAL,
    ),
    "remove_grant": (Arg("app_name", str),),
    "fault": (Arg("kind", str, choices=FAULT_KINDS),),  # further args by kind: FAULT_ARGS
}

FAULT_ARGS: Mapping[str, tuple[Arg, ...]] = {
    "latency": (Arg("seconds", float, minimum=0),),
    "status": (
        Arg("code", int, minimum=0),
        Arg("count", int, required=False, default=1, minimum=0),
    ),
    "hresult": (
        Arg("code", int, convert=_hresult),
        Arg("count", int, required=False, default=1, minimum=0),
        Arg("on", str, required=False, default="request", choices=FAULT_TARGETS),
    ),
    "crash": (),
    "expire_iterators": (),
    "clear": (),
}

OPS: Mapping[str, tuple[Arg, ...]] = {**SESSION_OPS, **CONTROL_OPS}


def check_args(op: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """``args`` checked against ``op``'s table, defaults filled in; raises ValueError."""
    spec = OPS.get(op)
    if spec is None:
        raise ValueError(f"unknown op {op!r}; the ops are: {', '.join(OPS)}")
    if op == "fault":
        kind = spec[0].check(op, args.get("kind"))
        spec = (spec[0], *FAULT_ARGS[kind])
    known = {arg.name for arg in spec}
    unknown = sorted(set(args) - known)
    if unknown:
        expected = ", ".join(sorted(known)) or "no arguments"
        raise ValueError(f"{op}: unknown argument(s) {', '.join(unknown)} (expected {expected})")
    checked: dict[str, Any] = {}
    for arg in spec:
        if arg.name in args:
            checked[arg.name] = arg.check(op, args[arg.name])
        elif arg.required:
            raise ValueError(f"{op}: argument {arg.name!r} is required")
        else:
            checked[arg.name] = arg.default
    return checked


# ---- messages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    id: int
    op: str
    args: Mapping[str, Any]  # checked, with every default filled in


@dataclass(frozen=True)
class Success:
    id: int | None
    result: Any


@dataclass(frozen=True)
class Failure:
    id: int | None
    error: ErrorKind
    hresult: int
    detail: str
    message: str


Response = Success | Failure


def _dump(obj: Mapping[str, Any]) -> bytes:
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8") + b"\n"


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _load(line: bytes, what: str) -> dict[str, Any]:
    if len(line) > MAX_LINE_BYTES + 1:
        raise WireError(f"the {what} line is longer than {MAX_LINE_BYTES} bytes")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WireError(
            f"the {what} line is not UTF-8 ({exc.reason} at byte {exc.start})"
        ) from None
    try:
        obj = json.loads(text, parse_constant=_refuse_constant)
    except ValueError as exc:
        raise WireError(f"the {what} line is not JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise WireError(f"the {what} line is {_json_type(obj)}, not a JSON object")
    return obj


def is_blank(line: bytes) -> bool:
    """A line of white space only: ignored by the server."""
    return not line.strip()


def encode_request(request_id: int, op: str, args: Mapping[str, Any] | None = None) -> bytes:
    """The request line; ``args`` are checked first (ValueError names the problem)."""
    check_args(op, args or {})
    return _dump({"id": request_id, "op": op, "args": dict(args or {})})


def decode_request(line: bytes) -> Request:
    """One request line read from a client; :class:`WireError` says what is wrong with it."""
    obj = _load(line, "request")
    request_id = obj.get("id")
    if not isinstance(request_id, int) or isinstance(request_id, bool):
        raise WireError('the request has no integer "id"')
    unknown = sorted(set(obj) - {"id", "op", "args"})
    if unknown:
        raise WireError(
            f"the request has unknown member(s) {', '.join(unknown)} (expected id, op, args)",
            request_id=request_id,
        )
    op = obj.get("op")
    if not isinstance(op, str):
        raise WireError('the request has no string "op"', request_id=request_id)
    args = obj.get("args", {})
    if not isinstance(args, dict):
        raise WireError(f'"args" must be an object, not {_json_type(args)}', request_id=request_id)
    try:
        checked = check_args(op, args)
    except ValueError as exc:
        raise WireError(str(exc), request_id=request_id) from None
    return Request(request_id, op, checked)


def encode_success(request_id: int | None, result: Any) -> bytes:
    return _dump({"id": request_id, "ok": True, "result": result})


def encode_failure(
    request_id: int | None, error: ErrorKind, hresult: int, detail: str, message: str
) -> bytes:
    return _dump(
        {
            "id": request_id,
            "ok": False,
            "error": error.value,
            "hresult": normalize_hresult(hresult),
            "detail": detail,
            "message": message,
        }
    )


def decode_response(line: bytes) -> Response:
    """One response line read from the server; :class:`WireError` if it is not one."""
    obj = _load(line, "response")
    request_id = obj.get("id")
    if request_id is not None and (not isinstance(request_id, int) or isinstance(request_id, bool)):
        raise WireError('the response "id" is neither an integer nor null')
    ok = obj.get("ok")
    if ok is True:
        if "result" not in obj:
            raise WireError('a successful response has no "result"', request_id=request_id)
        return Success(request_id, obj["result"])
    if ok is not False:
        raise WireError('the response has no boolean "ok"', request_id=request_id)
    try:
        error = ErrorKind(obj.get("error"))
    except ValueError:
        raise WireError(
            f'the failure response\'s "error" is {obj.get("error")!r}, not one of '
            + ", ".join(kind.value for kind in ErrorKind),
            request_id=request_id,
        ) from None
    hresult = obj.get("hresult")
    detail = obj.get("detail")
    message = obj.get("message")
    if not isinstance(hresult, int) or isinstance(hresult, bool):
        raise WireError('the failure response has no integer "hresult"', request_id=request_id)
    if not isinstance(detail, str) or not isinstance(message, str):
        raise WireError(
            'the failure response needs string "detail" and "message"', request_id=request_id
        )
    try:
        hresult = normalize_hresult(hresult)
    except ValueError:
        raise WireError(f"{hresult} is not a 32-bit HRESULT", request_id=request_id) from None
    return Failure(request_id, error, hresult, detail, message)
