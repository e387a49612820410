"""Linking: licence key → region → "Link with <company>" → QuickBooks' authorisation → first link.

The steps report to a :class:`LinkObserver` (the CLI prints, the setup wizard draws), so no
user-interface code lives here and both interfaces behave the same.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Protocol

from qbdlink.connector.app import ConnectorApp
from qbdlink.connector.platform_client import PlatformClient
from qbdlink.connector.runner import VERSION
from qbdlink.connector.sync.engine import PullProgress
from qbdlink.errors import UserActionError
from qbdlink.model import wire

AUTHORISATION_STEPS = (
    'In QuickBooks\' "Application Certificate" window choose "Yes, always; allow access even '
    'if QuickBooks is not running", then Continue, then Done.'
)


class LinkRefusedError(UserActionError):
    default_code = "link.refused"


class LinkObserver(Protocol):
    def company_found(self, info: wire.LinkInfo) -> bool:
        """Show "Link with <company name>"; False stops the link."""
        ...

    def waiting_for_quickbooks(self, instructions: str) -> None: ...

    def linked(self, answer: wire.LinkResponse) -> None: ...

    def progress(self, progress: PullProgress) -> None: ...


@dataclass
class LinkOutcome:
    company_name: str
    client_name: str
    mode: str
    records: dict[str, int] = field(default_factory=dict)


def link_company(
    app: ConnectorApp,
    *,
    licence_key: str,
    region: str,
    platform_url: str,
    observer: LinkObserver,
) -> LinkOutcome:
    if app.state.get("company_id") == licence_key.strip() and app.credentials.load():
        # Linked already (an earlier run stopped during the first link): carry on with it.
        return _resume_first_link(app, observer)
    client = PlatformClient(platform_url)
    try:
        info = client.link_info(licence_key.strip(), region)
        # A link whose answer was lost may be repeated (same attempt id): the platform decides.
        if not info.can_link and not app.state.get("link_request_id"):
            raise LinkRefusedError(
                f"{info.company_name} cannot be linked now: {info.reason}",
                fix="Ask for a new Link URL if you need to link again.",
            )
        if not observer.company_found(info):
            raise LinkRefusedError("Linking was cancelled.", fix="Run the link again when ready.")
        observer.waiting_for_quickbooks(AUTHORISATION_STEPS)
        company = app.session.open()
        file_id = company.file_id or uuid.uuid4().hex
        attempt = app.state.get("link_request_id") or str(uuid.uuid4())
        app.state.put(link_request_id=attempt)
        answer = client.link(
            licence_key.strip(),
            region,
            wire.QuickBooksIdentity(
                company_file_id=file_id,
                company_file_name=company.path[-400:] or None,
                company_name=company.company_name[:400] or None,
                product=company.product[:200],
                edition=company.edition.value,
                qbxml_version=str(company.version),
            ),
            connector_version=VERSION,
            link_request_id=attempt,
        )
        app.session.stamp_file_id(file_id)
        app.credentials.store(answer.credential)
        app.state.put(
            licence_key=licence_key.strip(),
            company_id=answer.company_id,
            company_name=answer.company_name,
            client_name=answer.client_name,
            connection_id=answer.connection_id,
            region=answer.region,
            platform_url=platform_url,
            mode=answer.mode,
            file_id=file_id,
            link_request_id=None,
        )
        observer.linked(answer)
    finally:
        client.close()
    return _resume_first_link(app, observer)


def _resume_first_link(app: ConnectorApp, observer: LinkObserver) -> LinkOutcome:
    """The first link's pulls (all of them, or those an interrupted run left)."""
    outcome = LinkOutcome(
        company_name=str(app.state.get("company_name")),
        client_name=str(app.state.get("client_name")),
        mode=str(app.state.get("mode")),
    )

    def count(progress: PullProgress) -> None:
        if progress.done:
            outcome.records[progress.data_type] = progress.records
        observer.progress(progress)

    with app.client() as client:
        report = app.connector(client, count).run_cycle(wait=0)
    if report.problem is not None:
        raise report.problem
    if report.mode is not None:
        outcome.mode = report.mode
    return outcome


def finish_one_time(app: ConnectorApp) -> None:
    """One-time mode: tell the platform (the connection becomes Deauthorized)."""
    with app.client() as client:
        client.disconnect("one-time-complete")
    app.credentials.delete()
