"""Putting a simulator together from a company file and the schema folder.

The composition root (``qbdlink.cli``) finds the files; this module only wires the parts:
the company store, a request context (one per session), the envelope processor validating
against Intuit's schemas, and the business rules.
"""

from __future__ import annotations

from pathlib import Path

from ..qbxml.versions import NEWEST
from ..qbxml.xsd import load_schema
from . import rules  # noqa: F401  (importing the package registers the business rules)
from .company import edition_of
from .context import RequestContext
from .processor import Processor
from .store import CompanyStore

__all__ = ["open_processor"]


def open_processor(
    company: Path, xsd_dir: Path | None, *, app_name: str = "qbdlink", session_id: str = "cli"
) -> Processor:
    """A processor for ``company``, validating requests when ``xsd_dir`` is given."""
    store = CompanyStore.open(company)
    context = RequestContext(
        store=store,
        edition=edition_of(store),
        version=NEWEST,
        app_name=app_name,
        session_id=session_id,
    )
    schemas = (lambda version: load_schema(xsd_dir, version)) if xsd_dir is not None else None
    return Processor(context, schemas)
