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
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated

import typer

import qbdlink
from qbdlink.errors import QbdlinkError
from qbdlink.qbxml import xsd

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
    name: Annotated[
        str | None, typer.Option("--name", help="Company name (default: generated).")
    ] = None,
) -> None:
    """Create an empty company file for the given edition of QuickBooks."""
    from qbdlink.qbxml.versions import Edition
    from qbdlink.simulator.company import create_company

    code = _EDITIONS.get(edition.lower())
    if code is None:
        typer.echo(f"qbdlink: --edition {edition!r}: use us, ca or uk.", err=True)
        raise typer.Exit(EXIT_CONFIG)
    try:
        store = create_company(path, company_name=name or "Sample Company", edition=Edition(code))
    except QbdlinkError as error:
        raise _fail_config(error) from error
    store.close()
    typer.echo(f"created {path} ({code} edition)")


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
