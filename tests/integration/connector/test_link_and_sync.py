"""The connector end to end in one process: platform over HTTP, QuickBooks simulated on a socket.

First link (every data type), an incremental pull picking up a change and a deletion, the wrong
company file, and one-time mode.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from qbdlink.connector.app import ConnectorApp, build_connector_app
from qbdlink.connector.link import finish_one_time, link_company
from qbdlink.connector.quickbooks.session import RetryPolicy, WrongCompanyFileError
from qbdlink.connector.settings import load_connector_settings
from qbdlink.connector.sync.engine import PullProgress
from qbdlink.model import wire
from qbdlink.model.datatypes import DATA_TYPES
from qbdlink.qbxml import Edition, decode_response_set, encode_request_set
from qbdlink.qbxml import messages as m
from qbdlink.qbxml.xsd import QbxmlSchema
from qbdlink.simulator.company import create_company
from qbdlink.simulator.samples import generate_company
from tests.support.platform import LivePlatform
from tests.support.simulated_quickbooks import SimulatedQuickBooks, simulated_quickbooks

pytestmark = pytest.mark.integration


@dataclass
class Observer:
    seen: list[str] = field(default_factory=list)
    done: dict[str, int] = field(default_factory=dict)

    def company_found(self, info: wire.LinkInfo) -> bool:
        self.seen.append(f"Link with {info.company_name}")
        return True

    def waiting_for_quickbooks(self, instructions: str) -> None:
        self.seen.append(instructions)

    def linked(self, answer: wire.LinkResponse) -> None:
        self.seen.append(f"linked {answer.mode}")

    def progress(self, progress: PullProgress) -> None:
        if progress.done:
            self.done[progress.data_type] = progress.records


@pytest.fixture
def quickbooks(
    tmp_path: Path, qbxml_schemas: dict[str, QbxmlSchema]
) -> Iterator[SimulatedQuickBooks]:
    company = tmp_path / "bakery.qbw"
    generate_company(company, edition=Edition.US, size=40, seed=7, company_name="Bakery").close()
    with simulated_quickbooks(company, qbxml_schemas.__getitem__) as qb:
        yield qb


def _connector(tmp_path: Path, quickbooks: SimulatedQuickBooks) -> ConnectorApp:
    settings = load_connector_settings(
        {"QBDLINK_HOME": str(tmp_path / "connector")}, quickbooks=quickbooks.url
    )
    return build_connector_app(settings, retry=RetryPolicy(attempts=1))


def _new_company(live: LivePlatform, name: str = "Bakery") -> str:
    with live.client() as api:
        company_id: str = api.post("/companies", json={"name": name}).json()["id"]
        api.post(f"/companies/{company_id}/connections", json={"platformKey": "pqsw"})
    return company_id


def _simulator_ids(quickbooks: SimulatedQuickBooks, request: m.QbxmlObject) -> set[str]:
    with quickbooks.control() as control:
        control.open_connection("", "test reader")
        ticket = control.begin_session("", 2)
        try:
            answer = decode_response_set(
                control.process_request(ticket, encode_request_set([request]))
            )
        finally:
            control.end_session(ticket)
    return {
        getattr(record, "list_id", None) or getattr(record, "txn_id", None)
        for response in answer.responses
        for record in response.records
    } - {None}


def test_first_link_fetches_every_data_type(
    live: LivePlatform, tmp_path: Path, quickbooks: SimulatedQuickBooks
) -> None:
    company_id = _new_company(live)
    app = _connector(tmp_path, quickbooks)
    observer = Observer()
    try:
        outcome = link_company(
            app, licence_key=company_id, region="us", platform_url=live.base_url, observer=observer
        )
    finally:
        app.close()
    assert observer.seen[0] == "Link with Bakery"
    assert "Yes, always" in observer.seen[1]
    assert set(outcome.records) == set(DATA_TYPES)
    with live.client() as api:
        status = api.get(f"/companies/{company_id}/dataStatus").json()
        assert {entry["currentStatus"] for entry in status.values()} == {"Complete"}
        customers = api.get(
            f"/companies/{company_id}/data/customers", params={"pageSize": 5000}
        ).json()
        invoices = api.get(
            f"/companies/{company_id}/data/invoices", params={"pageSize": 5000}
        ).json()
    expected_customers = _simulator_ids(quickbooks, m.CustomerQueryRq(active_status="All"))
    assert {c["id"] for c in customers["results"]} == expected_customers
    expected_invoices = _simulator_ids(quickbooks, m.InvoiceQueryRq())
    assert {i["id"] for i in invoices["results"]} == expected_invoices
    assert outcome.records["invoices"] == len(expected_invoices)


def test_an_incremental_pull_brings_changes_and_deletions(
    live: LivePlatform, tmp_path: Path, quickbooks: SimulatedQuickBooks
) -> None:
    company_id = _new_company(live)
    app = _connector(tmp_path, quickbooks)
    try:
        link_company(
            app,
            licence_key=company_id,
            region="us",
            platform_url=live.base_url,
            observer=Observer(),
        )
        with quickbooks.control() as control:
            control.open_connection("", "bookkeeper")
            ticket = control.begin_session("", 2)
            customers = (
                decode_response_set(
                    control.process_request(
                        ticket, encode_request_set([m.CustomerQueryRq(max_returned=2)])
                    )
                )
                .responses[0]
                .records
            )
            first, second = customers[0], customers[1]
            assert isinstance(first, m.CustomerRet) and isinstance(second, m.CustomerRet)
            changed = m.CustomerModRq(
                customer_mod=m.CustomerMod(
                    list_id=first.list_id,
                    edit_sequence=first.edit_sequence,
                    email="renamed@example.com",
                )
            )
            deleted = m.ListDelRq(list_del_type="Customer", list_id=second.list_id)
            answer = decode_response_set(
                control.process_request(ticket, encode_request_set([changed, deleted]))
            )
            control.end_session(ticket)
        assert [r.status.code for r in answer.responses] == [0, 0], answer
        with live.client() as api:
            assert api.post(f"/companies/{company_id}/data/queue/customers").status_code == 200
        with app.client() as client:
            report = app.connector(client).run_cycle(wait=0)
        assert report.pulls == ["customers"]
        with live.client() as api:
            renamed = api.get(f"/companies/{company_id}/data/customers/{first.list_id}").json()
            gone = api.get(f"/companies/{company_id}/data/customers/{second.list_id}").json()
        assert renamed["emailAddress"] == "renamed@example.com"
        assert gone["metadata"]["isDeleted"] is True
    finally:
        app.close()


def test_the_wrong_company_file_is_never_synced(
    live: LivePlatform, tmp_path: Path, quickbooks: SimulatedQuickBooks
) -> None:
    company_id = _new_company(live)
    app = _connector(tmp_path, quickbooks)
    try:
        link_company(
            app,
            licence_key=company_id,
            region="us",
            platform_url=live.base_url,
            observer=Observer(),
        )
        app.session.close()
        other = tmp_path / "other.qbw"
        create_company(other, company_name="Other", edition=Edition.US).close()
        quickbooks.open_file(other)
        with live.client() as api:
            api.post(f"/companies/{company_id}/data/queue/customers")
        with app.client() as client:
            report = app.connector(client).run_cycle(wait=0)
        assert isinstance(report.problem, WrongCompanyFileError)
        with live.client() as api:
            history = api.get(
                f"/companies/{company_id}/data/history", params={"query": "dataType=customers"}
            ).json()["results"]
        waiting = [p for p in history if not p["isCompleted"]]
        assert waiting and "Incorrect company file open" in waiting[0]["statusDescription"]
    finally:
        app.close()


def test_one_time_mode_ends_deauthorized(
    live: LivePlatform, tmp_path: Path, quickbooks: SimulatedQuickBooks
) -> None:
    with live.client() as api:
        api.put("/profile/connectorSettings", json={"mode": "one-time"})
    company_id = _new_company(live)
    app = _connector(tmp_path, quickbooks)
    try:
        outcome = link_company(
            app,
            licence_key=company_id,
            region="us",
            platform_url=live.base_url,
            observer=Observer(),
        )
        assert outcome.mode == "one-time"
        finish_one_time(app)
        assert app.credentials.load() is None
    finally:
        app.close()
    with live.client() as api:
        connection = api.get(f"/companies/{company_id}/connections").json()["results"][0]
    assert connection["status"] == "Deauthorized"
