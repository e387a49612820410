"""The ``qbdlink`` command.

This module is the composition root: the only place that looks for files on disk (such as
Intuit's qbXML schemas) and hands them to the parts, which never look for anything themselves.
Nothing in the project imports it.

Exit codes: 0 success; 1 a checked input is invalid or unreadable; 2 usage or configuration
error (bad options, qbXML schemas not found).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

import qbdlink
from qbdlink.connector import cli as connector_cli
from qbdlink.errors import QbdlinkError
from qbdlink.platform import cli as platform_cli
from qbdlink.qbxml import Edition, xsd
from qbdlink.simulator.authorization import AuthChoice

XSD_DIR_ENV = "QBDLINK_QBXML_XSD_DIR"
# Where a development checkout keeps the conformance material: ../shared/ beside the project root.
_SHARED_XSD_DIR = Path("shared", "conformance", "qbxml-xsd")

EXIT_INVALID = 1
EXIT_CONFIG = 2

app = typer.Typer(
    name="qbdlink",
    help="qbdlink: link a QuickBooks Desktop company file to a cloud platform.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=False,
)
qbxml_app = typer.Typer(
    help="qbXML documents: check them against Intuit's schemas.",
    no_args_is_help=True,
)
app.add_typer(qbxml_app, name="qbxml")
simulator_app = typer.Typer(
    help="The QuickBooks Desktop simulator: company files, requests, a local QuickBooks.",
    no_args_is_help=True,
)
app.add_typer(simulator_app, name="simulator")
app.command("serve")(platform_cli.serve)
app.add_typer(platform_cli.admin_app, name="admin")
app.add_typer(connector_cli.connector_app, name="connector")


@app.command("demo")
def demo(
    exit_after_link: Annotated[
        bool, typer.Option("--exit", help="Stop after the first link instead of serving.")
    ] = False,
    size: Annotated[int, typer.Option(help="Transactions in the generated company.")] = 2000,
    edition: Annotated[str, typer.Option(help="us, uk or ca.")] = "us",
    port: Annotated[int, typer.Option(help="The platform's port (0: any free one).")] = 8000,
    home: Annotated[
        Path | None,
        typer.Option(help="Data folder (default: a new temporary folder).", show_default=False),
    ] = None,
) -> None:
    """The whole system on this machine: platform, simulated QuickBooks, connector, first link."""
    from qbdlink.demo import run_demo

    code = _EDITIONS.get(edition.lower())
    if code is None:
        typer.echo(f"qbdlink: --edition {edition!r}: use us, uk or ca.", err=True)
        raise typer.Exit(EXIT_CONFIG)
    try:
        run_demo(
            home=home,
            size=size,
            edition=Edition(code),
            host="127.0.0.1",
            port=port,
            exit_after_link=exit_after_link,
            echo=typer.echo,
            wait_for_stop=_wait_for_stop_signal,
        )
    except QbdlinkError as error:
        typer.echo(f"qbdlink: {error.user_text()}", err=True)
        raise typer.Exit(EXIT_INVALID) from error


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"qbdlink {qbdlink.__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the version and exit.",
            callback=_version_callback,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """qbdlink: link a QuickBooks Desktop company file to a cloud platform."""


# --- locating the qbXML schemas -----------------------------------------------------------------


def _search_starts() -> list[Path]:
    """Where to start looking for ``shared/conformance/qbxml-xsd``: the current directory and
    the installed package (a development checkout has ``../shared/`` beside the project root)."""
    return [Path.cwd(), Path(qbdlink.__file__).resolve().parent]


def _candidates(starts: Iterable[Path]) -> Iterator[Path]:
    for start in starts:
        for directory in (start, *start.parents):
            yield directory / _SHARED_XSD_DIR


def _missing_schemas(xsd_dir: Path) -> list[Path]:
    paths = [xsd.schema_path(xsd_dir, version) for version in xsd.SCHEMA_VERSIONS]
    return [path for path in paths if not path.is_file()]


def _checked(xsd_dir: Path, source: str) -> Path:
    missing = _missing_schemas(xsd_dir)
    if missing:
        raise xsd.SchemaNotFoundError(
            f"The qbXML schema folder {xsd_dir} ({source}) lacks "
            + ", ".join(str(path) for path in missing)
            + "."
        )
    return xsd_dir


def find_xsd_dir(explicit: Path | None, starts: Iterable[Path] | None = None) -> Path:
    """The folder holding ``13.0/qbxmlops130.xsd`` and ``16.0/qbxmlops160.xsd``.

    In order: ``explicit`` (``--xsd-dir``), the environment variable ``QBDLINK_QBXML_XSD_DIR``,
    then ``shared/conformance/qbxml-xsd`` in the parent directories of the current directory
    and of the installed package. Raises :class:`~qbdlink.qbxml.xsd.SchemaNotFoundError`.
    """
    if explicit is not None:
        return _checked(explicit, "given with --xsd-dir")
    from_env = os.environ.get(XSD_DIR_ENV)
    if from_env:
        return _checked(Path(from_env), f"from {XSD_DIR_ENV}")
    searched = list(starts) if starts is not None else _search_starts()
    for candidate in _candidates(searched):
        if not _missing_schemas(candidate):
            return candidate
    raise xsd.SchemaNotFoundError(
        f"The qbXML schemas were not found: no --xsd-dir, no {XSD_DIR_ENV}, and no "
        f"{_SHARED_XSD_DIR} above " + " or ".join(str(start) for start in searched) + "."
    )


def _fail_config(error: QbdlinkError) -> typer.Exit:
    typer.echo(f"qbdlink: {error.user_text()}", err=True)
    return typer.Exit(EXIT_CONFIG)


# --- qbdlink qbxml ... ----------------------------------------------------------------------------


@qbxml_app.command("validate")
def qbxml_validate(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE",
            help="qbXML documents to check.",
            show_default=False,
        ),
    ],
    xsd_dir: Annotated[
        Path | None,
        typer.Option(
            "--xsd-dir",
            metavar="DIR",
            help=(
                "Folder with Intuit's schemas as 13.0/qbxmlops130.xsd and 16.0/qbxmlops160.xsd "
                f"(default: ${XSD_DIR_ENV}, else ../shared/conformance/qbxml-xsd of a checkout)."
            ),
            show_default=False,
        ),
    ] = None,
    qbxml_version: Annotated[
        str | None,
        typer.Option(
            "--qbxml-version",
            metavar="VERSION",
            help=(
                "Version for documents without a <?qbxml version?> instruction, such as "
                "QuickBooks' own responses (e.g. 13.0)."
            ),
            show_default=False,
        ),
    ] = None,
) -> None:
    """Validate each FILE against the XSD of the qbXML version it declares.

    Versions up to 13.x (including pre-6.0 regional ones such as CA3.0) use the 13.0 schema,
    later ones the 16.0 schema. Prints each problem as FILE:LINE: message. Exits 1 when any
    file is invalid or unreadable, 2 when the schemas cannot be found.
    """
    try:
        schemas = find_xsd_dir(xsd_dir)
    except QbdlinkError as error:
        raise _fail_config(error) from error

    all_valid = True
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            typer.echo(f"{path}: cannot read: {exc.strerror or exc}")
            all_valid = False
            continue
        try:
            result = xsd.validate_document(data, schemas, default_version=qbxml_version)
        except QbdlinkError as error:
            raise _fail_config(error) from error
        if result.valid:
            typer.echo(
                f"{path}: valid (qbXML {result.qbxml_version}, schema {result.schema_version})"
            )
            continue
        all_valid = False
        for problem in result.problems:
            typer.echo(f"{path}:{problem.line}: {problem.message}")
    if not all_valid:
        raise typer.Exit(EXIT_INVALID)


# --- qbdlink simulator ... ------------------------------------------------------------------------

_EDITIONS = {"us": "US", "ca": "CA", "uk": "UK"}


@simulator_app.command("create-company")
def simulator_create_company(
    path: Annotated[Path, typer.Argument(help="The company file to create.", show_default=False)],
    edition: Annotated[
        str, typer.Option("--edition", help="us, ca or uk.", case_sensitive=False)
    ] = "us",
    size: Annotated[
        int,
        typer.Option("--size", min=0, help="Transactions to generate (0: an empty company file)."),
    ] = 300,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same company.")] = 1,
    name: Annotated[
        str | None, typer.Option("--name", help="Company name (default: generated).")
    ] = None,
) -> None:
    """Create a company file: a generated sample company of --size transactions.

    The same --edition, --size and --seed always make the same company: lists, several
    years of transactions, payments applied fully and in part, inactive and deleted records.
    """
    from qbdlink.qbxml.versions import Edition
    from qbdlink.simulator.company import create_company
    from qbdlink.simulator.samples import generate_company

    code = _EDITIONS.get(edition.lower())
    if code is None:
        typer.echo(f"qbdlink: --edition {edition!r}: use us, ca or uk.", err=True)
        raise typer.Exit(EXIT_CONFIG)
    if path.exists():
        typer.echo(f"qbdlink: {path} already exists; choose a new path.", err=True)
        raise typer.Exit(EXIT_CONFIG)

    def progress(phase: str, done: int, total: int) -> None:
        # A line per finished phase, and every 10,000 transactions on big companies.
        if done == total or (phase == "transactions" and done % 10_000 == 0):
            typer.echo(f"  {phase}: {done:,}/{total:,}", err=True)

    started = time.monotonic()
    try:
        if size == 0:
            store = create_company(
                path, company_name=name or "Sample Company", edition=Edition(code)
            )
        else:
            store = generate_company(
                path,
                edition=Edition(code),
                size=size,
                seed=seed,
                company_name=name,
                progress=progress,
            )
    except QbdlinkError as error:
        raise _fail_config(error) from error
    company_name = store.get_meta("company_name")
    store.close()
    took = time.monotonic() - started
    typer.echo(
        f"created {path}: {company_name}, {code} edition, {size:,} transactions ({took:.1f} s)"
    )


@simulator_app.command("process")
def simulator_process(
    request: Annotated[
        str,
        typer.Argument(metavar="REQUEST_FILE", help="qbXML request document, or - for stdin."),
    ] = "-",
    company: Annotated[
        Path, typer.Option("--company", help="The company file.", show_default=False)
    ] = Path("company.qbw.sqlite"),
    xsd_dir: Annotated[
        Path | None,
        typer.Option("--xsd-dir", metavar="DIR", help="Intuit's schemas (see qbxml validate)."),
    ] = None,
) -> None:
    """Run one request document against a company file, as an authorised application.

    Prints QuickBooks' response document. A document QuickBooks refuses as a whole (parse
    error, unsupported version) prints the HRESULT and its fix, and exits 1.
    """
    from qbdlink.simulator.bootstrap import open_processor

    try:
        schemas = find_xsd_dir(xsd_dir)
        processor = open_processor(company, schemas, app_name="qbdlink simulator process")
    except QbdlinkError as error:
        raise _fail_config(error) from error
    try:
        text = sys.stdin.read() if request == "-" else Path(request).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        typer.echo(f"{request}: cannot read: {exc}", err=True)
        raise typer.Exit(EXIT_INVALID) from exc
    try:
        typer.echo(processor.process(text), nl=False)
    except QbdlinkError as error:
        typer.echo(f"qbdlink: {error.code}: {error.user_text()}", err=True)
        raise typer.Exit(EXIT_INVALID) from error


# --- qbdlink simulator serve / control ------------------------------------------------------------

_LISTEN_DEFAULT = "127.0.0.1:8765"
_CONTROL_TIMEOUT = 30.0  # seconds a control command waits for the simulator's answer


@simulator_app.command("serve")
def simulator_serve(
    company: Annotated[
        Path, typer.Option("--company", help="The company file to open.", show_default=False)
    ],
    listen: Annotated[
        str,
        typer.Option(
            "--listen",
            metavar="HOST:PORT",
            help="Where to listen (loopback only; port 0 picks a free one).",
        ),
    ] = _LISTEN_DEFAULT,
    auto_authorize: Annotated[
        AuthChoice | None,
        typer.Option(
            "--auto-authorize",
            help="Answer QuickBooks' authorisation dialog with this choice (default: wait for "
            "`control authorize`).",
            show_default=False,
        ),
    ] = None,
    edition: Annotated[
        str | None,
        typer.Option(
            "--edition", help="us, ca or uk (default: the company file's).", show_default=False
        ),
    ] = None,
    xsd_dir: Annotated[
        Path | None,
        typer.Option("--xsd-dir", metavar="DIR", help="Intuit's schemas (see qbxml validate)."),
    ] = None,
    user: Annotated[str, typer.Option("--user", help="The QuickBooks user logged in.")] = "Admin",
    multi_user: Annotated[
        bool, typer.Option("--multi-user", help="Open the file in multi-user mode.")
    ] = False,
) -> None:
    """Run QuickBooks with the company file open, reachable at simulator://HOST:PORT.

    Prints the address on its first line, then serves until Ctrl-C or SIGTERM. Act on it with
    `qbdlink simulator control`. Exits 2 when the file, the schemas or the address are wrong.
    """
    from qbdlink.qbxml.xsd import load_schema
    from qbdlink.simulator.company import edition_of
    from qbdlink.simulator.desktop import OpenMode, QuickBooksDesktop
    from qbdlink.simulator.host import CompanyFileHandler, StoredCompanyFile
    from qbdlink.simulator.server import CompanyFileCache, SimulatorServer, parse_listen

    try:
        schemas = find_xsd_dir(xsd_dir)
        host, port = parse_listen(listen)
        file = StoredCompanyFile.open(company)
    except QbdlinkError as error:
        raise _fail_config(error) from error
    files = CompanyFileCache(StoredCompanyFile.open)
    files.add(file)
    try:
        code = _EDITIONS.get(edition.lower()) if edition else edition_of(file.store).value
        if code is None:
            typer.echo(f"qbdlink: --edition {edition!r}: use us, ca or uk.", err=True)
            raise typer.Exit(EXIT_CONFIG)
        handler = CompanyFileHandler(schemas=lambda version: load_schema(schemas, version))
        desktop = QuickBooksDesktop(
            handler,
            edition=code,
            locate_file=files.locate,
            auto_authorize=auto_authorize,
            on_session_end=handler.end_session,
        )
        try:
            mode = OpenMode.MULTI_USER if multi_user else OpenMode.SINGLE_USER
            desktop.open_company(file, mode, user)
            server = SimulatorServer(desktop, host, port, open_file=files.open).start()
        except ValueError as exc:
            typer.echo(f"qbdlink: {exc}", err=True)
            raise typer.Exit(EXIT_CONFIG) from exc
        except QbdlinkError as error:
            raise _fail_config(error) from error
        _log_to_stderr("qbdlink.simulator.server")
        address = server.url.removeprefix("simulator://")
        typer.echo(
            f"QuickBooks simulator running at {server.url} with {file.path} open "
            f"({desktop.product_name}, {code} edition)"
        )
        typer.echo(f"Control it with: qbdlink simulator control --connect {address} status")
        try:
            _wait_for_stop_signal()
        finally:
            desktop.quit()  # withdraws a waiting authorisation dialog, ends every session
            server.stop()
    finally:
        for opened in files.files:
            opened.store.close()
    typer.echo("QuickBooks simulator stopped.")


def _log_to_stderr(logger_name: str) -> None:
    import logging

    logger = logging.getLogger(logger_name)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("simulator: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def _wait_for_stop_signal() -> None:
    """Block until Ctrl-C (SIGINT) or SIGTERM."""
    import signal
    import threading

    stop = threading.Event()
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, lambda _sig, _frame: stop.set()) for sig in signals}
    try:
        while not stop.wait(0.5):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


control_app = typer.Typer(
    help="Act on a running simulator as the person at the PC: files, dialogs, faults, status.",
    no_args_is_help=True,
)
simulator_app.add_typer(control_app, name="control")
fault_app = typer.Typer(help="Make the simulated QuickBooks fail on demand.", no_args_is_help=True)
control_app.add_typer(fault_app, name="fault")


@control_app.callback()
def simulator_control(
    ctx: typer.Context,
    connect: Annotated[
        str,
        typer.Option(
            "--connect",
            metavar="HOST:PORT",
            help="The simulator's address (or its simulator://HOST:PORT URL).",
        ),
    ] = _LISTEN_DEFAULT,
) -> None:
    """Send one command to a simulator started with `qbdlink simulator serve`.

    Exits 1 when the simulator refuses the command or cannot be reached.
    """
    ctx.obj = connect


def _control(ctx: typer.Context, op: str, done: str | None, **args: Any) -> Any:
    """Run one control operation on the simulator at ``--connect``; prints ``done`` after."""
    from qbdlink.simulator.client import SimulatorClient
    from qbdlink.simulator.server import parse_listen, parse_url

    target = str(ctx.obj)
    try:
        host, port = parse_url(target) if "://" in target else parse_listen(target)
    except QbdlinkError as error:
        raise _fail_config(error) from error
    try:
        with SimulatorClient(host, port, timeout=_CONTROL_TIMEOUT) as client:
            result = client.call(op, **args)
    except ValueError as exc:  # an argument the protocol refuses, before sending
        typer.echo(f"qbdlink: {exc}", err=True)
        raise typer.Exit(EXIT_CONFIG) from exc
    except QbdlinkError as error:
        typer.echo(f"qbdlink: {error.code}: {error.user_text()}", err=True)
        raise typer.Exit(EXIT_INVALID) from error
    if done is not None:
        typer.echo(done)
    return result


@control_app.command("status")
def control_status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the raw JSON.")] = False,
) -> None:
    """Show QuickBooks' state: file, mode, dialogs, faults and who is connected."""
    import json

    from qbdlink.simulator.client import format_status

    status = _control(ctx, "status", None)
    typer.echo(json.dumps(status, indent=2) if as_json else format_status(status))


@control_app.command("start")
def control_start(ctx: typer.Context) -> None:
    """Start QuickBooks with no company file (or bring it to the front)."""
    _control(ctx, "start", "QuickBooks is running.")


@control_app.command("quit")
def control_quit(ctx: typer.Context) -> None:
    """Close QuickBooks: the file closes and every session ends."""
    _control(ctx, "quit", "QuickBooks closed.")


@control_app.command("crash")
def control_crash(ctx: typer.Context) -> None:
    """Make QuickBooks stop abruptly."""
    _control(ctx, "crash", "QuickBooks crashed.")


@control_app.command("open-company")
def control_open_company(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="The company file.", show_default=False)],
    user: Annotated[str, typer.Option("--user", help="The QuickBooks user.")] = "Admin",
    multi_user: Annotated[bool, typer.Option("--multi-user", help="Multi-user mode.")] = False,
) -> None:
    """File > Open Company (the file open before closes; its sessions end)."""
    resolved = str(path.resolve())
    _control(
        ctx, "open_company", f"Opened {resolved}.", path=resolved, mode=int(multi_user), user=user
    )


@control_app.command("close-company")
def control_close_company(ctx: typer.Context) -> None:
    """File > Close Company; QuickBooks stays open."""
    _control(ctx, "close_company", "Company file closed.")


@control_app.command("instances")
def control_instances(
    ctx: typer.Context,
    count: Annotated[int, typer.Argument(help="How many QuickBooks run (0 quits).", min=0)],
) -> None:
    """Set how many QuickBooks instances run (2 or more: the SDK cannot tell which to use)."""
    _control(ctx, "set_instances", f"{count} QuickBooks instance(s) running.", count=count)


@control_app.command("dialog")
def control_dialog(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="The dialog's text.")] = "A QuickBooks window is open",
) -> None:
    """Show a modal dialog in QuickBooks (requests then fail with 0x80040414)."""
    _control(ctx, "show_dialog", "Modal dialog showing.", text=text)


@control_app.command("dismiss-dialog")
def control_dismiss_dialog(ctx: typer.Context) -> None:
    """Close the modal dialog."""
    _control(ctx, "dismiss_dialog", "Modal dialog closed.")


@control_app.command("authorize")
def control_authorize(
    ctx: typer.Context,
    choice: Annotated[AuthChoice, typer.Argument(help="The answer.", show_default=False)],
    login_as: Annotated[
        str | None, typer.Option("--login-as", help="The user of a 'Yes, always' grant.")
    ] = None,
    personal_data: Annotated[
        bool, typer.Option("--personal-data", help="Allow access to personal data.")
    ] = False,
) -> None:
    """Answer the authorisation dialog (then `confirm`, after a Yes)."""
    _control(
        ctx,
        "answer_authorization",
        f"Answered {choice.value!r}" + ("." if choice is AuthChoice.NO else "; now `confirm`."),
        choice=choice.value,
        login_as=login_as,
        personal_data=personal_data,
    )


@control_app.command("confirm")
def control_confirm(ctx: typer.Context) -> None:
    """Dismiss the Access Confirmation screen: access is granted."""
    _control(ctx, "confirm_access", "Access confirmed.")


@control_app.command("grant")
def control_grant(
    ctx: typer.Context,
    app_name: Annotated[str, typer.Argument(metavar="APP", help="The application's name.")],
    choice: Annotated[AuthChoice, typer.Argument(help="What it may do.", show_default=False)],
    app_id: Annotated[str, typer.Option("--app-id", help="The application's id.")] = "",
    login_as: Annotated[str | None, typer.Option("--login-as", help="Its user.")] = None,
    personal_data: Annotated[
        bool, typer.Option("--personal-data", help="Allow access to personal data.")
    ] = False,
) -> None:
    """Edit > Preferences > Integrated Applications: set an application's grant."""
    _control(
        ctx,
        "set_grant",
        f"{app_name!r} may access the file: {choice.value}.",
        app_name=app_name,
        app_id=app_id,
        choice=choice.value,
        login_as=login_as,
        personal_data=personal_data,
    )


@control_app.command("remove-grant")
def control_remove_grant(
    ctx: typer.Context,
    app_name: Annotated[str, typer.Argument(metavar="APP", help="The application's name.")],
) -> None:
    """Remove an application from Integrated Applications (it must ask again)."""
    _control(ctx, "remove_grant", f"{app_name!r} removed.", app_name=app_name)


@fault_app.command("latency")
def fault_latency(
    ctx: typer.Context,
    seconds: Annotated[float, typer.Argument(help="Seconds every request takes.", min=0)],
) -> None:
    """Every request takes SECONDS before QuickBooks answers (0: none)."""
    _control(ctx, "fault", f"Latency {seconds:g} s.", kind="latency", seconds=seconds)


@fault_app.command("status")
def fault_status(
    ctx: typer.Context,
    code: Annotated[int, typer.Argument(help="A qbXML statusCode (3175, 3170...).")],
    count: Annotated[int, typer.Option("--count", help="How many requests.", min=0)] = 1,
) -> None:
    """The next requests are answered with that statusCode."""
    done = f"The next {count} request(s) get status {code}."
    _control(ctx, "fault", done, kind="status", code=code, count=count)


@fault_app.command("hresult")
def fault_hresult(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="An HRESULT such as 0x8004041B.")],
    count: Annotated[int, typer.Option("--count", help="How many calls.", min=0)] = 1,
    begin_session: Annotated[
        bool, typer.Option("--begin-session", help="Fail BeginSession instead of requests.")
    ] = False,
) -> None:
    """The next requests (or BeginSession calls) fail with that HRESULT."""
    try:
        value = int(code, 0)
    except ValueError as exc:
        typer.echo(f"qbdlink: {code!r} is not a number (write 0x8004041B).", err=True)
        raise typer.Exit(EXIT_CONFIG) from exc
    on = "begin_session" if begin_session else "request"
    done = f"The next {count} {on.replace('_', ' ')}(s) fail with {code}."
    _control(ctx, "fault", done, kind="hresult", code=value, count=count, on=on)


@fault_app.command("crash")
def fault_crash(ctx: typer.Context) -> None:
    """QuickBooks crashes during the next request."""
    _control(ctx, "fault", "QuickBooks crashes during the next request.", kind="crash")


@fault_app.command("expire-iterators")
def fault_expire_iterators(ctx: typer.Context) -> None:
    """Every session's iterators expire before its next request."""
    _control(ctx, "fault", "Iterators expired.", kind="expire_iterators")


@fault_app.command("clear")
def fault_clear(ctx: typer.Context) -> None:
    """No latency, no queued faults."""
    _control(ctx, "fault", "Faults cleared.", kind="clear")
