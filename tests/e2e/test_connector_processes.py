"""Platform, simulator and connector as separate processes, as they run in production.

The kill test stops the connector with SIGKILL at random moments of a first link (and of the
runs that resume it), ten times, then lets it finish: the platform must hold exactly the
simulator's records, each once.
"""

from __future__ import annotations

import random
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from qbdlink.connector.quickbooks.session import QuickBooksSession, RetryPolicy
from qbdlink.connector.quickbooks.simulator import SimulatorTransport
from qbdlink.connector.streams.base import MappingContext, QueryWindow
from qbdlink.connector.streams.registry import STREAMS
from qbdlink.model.datatypes import DATA_TYPES
from qbdlink.qbxml import Edition
from qbdlink.qbxml import messages as m
from qbdlink.simulator.client import SimulatorClient
from qbdlink.simulator.samples import generate_company
from tests.support.processes import System, running_system

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def company_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("company") / "bakery.qbw"
    generate_company(path, edition=Edition.US, size=400, seed=11, company_name="Bakery").close()
    return path


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory, company_file: Path) -> Iterator[System]:
    """One platform and one QuickBooks for the module: each test links its own company, with
    its own connector folder, so tests do not see each other's state."""
    root = tmp_path_factory.mktemp("system")
    copy = root / "bakery.qbw"
    copy.write_bytes(company_file.read_bytes())
    with running_system(root, copy) as running:
        yield running


def _company(system: System, name: str = "Bakery") -> str:
    with system.platform.api() as api:
        company_id: str = api.post("/companies", json={"name": name}).json()["id"]
        assert (
            api.post(
                f"/companies/{company_id}/connections", json={"platformKey": "pqsw"}
            ).status_code
            == 200
        )
    return company_id


def _expected(system: System) -> dict[str, set[str]]:
    """Every record id the connector's streams find in the simulated company, by data type."""
    session = QuickBooksSession(
        lambda: SimulatorTransport(system.simulator.url),
        app_name="test reader",
        retry=RetryPolicy(attempts=1),
    )
    found: dict[str, set[str]] = {}
    with session:
        company = session.open()
        context = MappingContext(edition=company.edition, synced_at=company_time())
        for key, stream in STREAMS.items():
            ids: set[str] = set()
            for part in stream.parts:
                request = part.build(QueryWindow(modified_from=None, modified_to=None))
                for page in session.query(request, iterator=part.iterator, page_size=500):
                    for record in page:
                        mapped = part.map(record, context)
                        if mapped is not None:
                            ids.add(str(getattr(mapped, "id", None) or "info"))
            found[key] = ids
    return found


def company_time() -> object:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def _stored(system: System, company_id: str) -> dict[str, list[str]]:
    stored: dict[str, list[str]] = {}
    with system.platform.api() as api:
        for info in DATA_TYPES.values():
            path = f"/companies/{company_id}/data/{info.read_path}"
            if info.key == "company":
                response = api.get(path)
                stored[info.key] = ["info"] if response.status_code == 200 else []
                continue
            page = api.get(path, params={"pageSize": 5000})
            assert page.status_code == 200, (info.key, page.text)
            stored[info.key] = [record["id"] for record in page.json()["results"]]
    return stored


def _statuses(system: System, company_id: str) -> dict[str, str]:
    with system.platform.api() as api:
        status = api.get(f"/companies/{company_id}/dataStatus").json()
    return {key: entry["currentStatus"] for key, entry in status.items()}


def test_killing_the_connector_during_a_first_link_loses_and_duplicates_nothing(
    system: System,
) -> None:
    company_id = _company(system)
    # Slow QuickBooks down so that the kills land inside the first link.
    assert system.control("fault", "latency", "0.1").returncode == 0
    rng = random.Random(20261126)
    link_args = ("link", "--licence-key", company_id, "--region", "us", "--yes")
    kills = 0
    finished_early = 0
    while kills < 10:
        # Running `link` again after a crash resumes the first link where it stopped.
        process = system.spawn_connector(*link_args)
        time.sleep(rng.uniform(0.5, 3.5))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait(30)
            kills += 1
        else:
            output = process.stdout.read() if process.stdout else ""
            assert process.returncode == 0, output
            # The first link is done: queue every data type again, for the next kills.
            finished_early += 1
            assert finished_early < 10, "the link ends too fast for the kills to land"
            with system.platform.api() as api:
                assert api.post(f"/companies/{company_id}/data/all").status_code == 204
    assert system.control("fault", "clear").returncode == 0
    finished = system.connector(*link_args)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    statuses = _statuses(system, company_id)
    assert set(statuses) == {info.codat_data_type for info in DATA_TYPES.values()}
    assert set(statuses.values()) == {"Complete"}
    stored = _stored(system, company_id)
    expected = _expected(system)
    for key, ids in expected.items():
        assert len(stored[key]) == len(set(stored[key])), f"{key}: a record twice"
        assert set(stored[key]) == ids, f"{key}: lost or extra records"


def test_killing_the_connector_during_pushes_writes_each_record_exactly_once(
    system: System,
) -> None:
    company_id = _company(system)
    linked = system.connector("link", "--licence-key", company_id, "--yes", name="pushes")
    assert linked.returncode == 0, linked.stdout + linked.stderr
    with system.platform.api() as api:
        connection_id = api.get(f"/companies/{company_id}/connections").json()["results"][0]["id"]
    rng = random.Random(6)
    names = [f"Kill test {n:02d}" for n in range(20)]
    keys = []
    with SimulatorClient.from_url(system.simulator.url, timeout=30) as person:
        person.fault_latency(0.05)
        for name in names:
            with system.platform.api() as api:
                pushed = api.post(
                    f"/companies/{company_id}/connections/{connection_id}/push/customers",
                    json={"customerName": name, "status": "Active"},
                )
            assert pushed.status_code == 200, pushed.text
            keys.append(pushed.json()["pushOperationKey"])
            process = system.spawn_connector("run", "--once", name="pushes")
            time.sleep(rng.uniform(1.0, 2.2))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
            process.wait(60)
        person.call("fault", kind="clear")
    for _ in range(3):
        done = system.connector("run", "--once", name="pushes")
        assert done.returncode == 0, done.stdout + done.stderr
        with system.platform.api() as api:
            statuses = [
                api.get(f"/companies/{company_id}/push/{key}").json()["status"] for key in keys
            ]
        if set(statuses) == {"Success"}:
            break
    assert statuses == ["Success"] * len(keys)
    written = [name for name in _customer_names(system) if name.startswith("Kill test")]
    assert sorted(written) == names  # each exactly once


def _customer_names(system: System) -> list[str]:
    session = QuickBooksSession(
        lambda: SimulatorTransport(system.simulator.url),
        app_name="test reader",
        retry=RetryPolicy(attempts=1),
    )
    with session:
        session.open()
        pages = session.query(m.CustomerQueryRq(active_status="All"), iterator=True, page_size=500)
        return [c.name for page in pages for c in page if isinstance(c, m.CustomerRet)]


def test_ongoing_mode_picks_up_a_refresh_queued_through_codat_platform(system: System) -> None:
    from codat_platform import CodatPlatform
    from codat_platform.models import shared
    from codat_platform.utils import RetryConfig

    company_id = _company(system)
    linked = system.connector("link", "--licence-key", company_id, "--yes", name="ongoing")
    assert linked.returncode == 0, linked.stdout + linked.stderr
    assert "Your data has been synchronised" in linked.stdout
    autostart = system.root / "ongoing" / "home" / ".config" / "autostart"
    entries = list(autostart.glob("*.desktop"))
    assert len(entries) == 1 and "connector run" in entries[0].read_text()
    runner = system.spawn_connector("run", name="ongoing")
    auth = shared.Security(auth_header=system.platform.api().headers["Authorization"])
    with CodatPlatform(
        server_url=system.platform.url, security=auth, retry_config=RetryConfig("none")
    ) as codat:
        pull = codat.refresh_data.by_data_type(
            request={"company_id": company_id, "data_type": "invoices"}
        )
        deadline = time.monotonic() + 60
        while True:
            got = codat.refresh_data.get_pull_operation(
                request={"company_id": company_id, "dataset_id": pull.id}
            )
            if got.is_completed or time.monotonic() > deadline:
                break
            time.sleep(0.3)
    assert got.status == "Complete", got
    runner.send_signal(signal.SIGTERM)
    runner.wait(30)


def test_one_time_mode_deauthorizes_and_removes_the_state(system: System) -> None:
    company_id = _company(system)
    with system.platform.api() as api:
        api.put(f"/companies/{company_id}/connectorSettings", json={"mode": "one-time"})
    linked = system.connector("link", "--licence-key", company_id, "--yes", name="one-time")
    assert linked.returncode == 0, linked.stdout + linked.stderr
    assert "removes itself" in linked.stdout
    with system.platform.api() as api:
        connection = api.get(f"/companies/{company_id}/connections").json()["results"][0]
    assert connection["status"] == "Deauthorized"
    state = system.root / "one-time"
    assert not (state / "connector.credential").exists()
    assert not (state / "state.sqlite3").exists()
    status = system.connector("status", name="one-time")
    assert "Not linked" in status.stdout
    assert not (state / "state.sqlite3").exists()


def test_a_licence_key_of_another_region_says_which_region(system: System) -> None:
    from qbdlink.model.licence import new_company_id

    result = system.connector(
        "link",
        "--licence-key",
        new_company_id("ca"),
        "--region",
        "us",
        "--yes",
        "--platform-url",
        system.platform.url,
    )
    assert result.returncode != 0
    assert "Canada" in result.stderr


def test_quickbooks_closed_mid_sync_then_another_file_open(system: System) -> None:
    company_id = _company(system)
    with SimulatorClient.from_url(system.simulator.url, timeout=30) as person:
        person.fault_latency(0.3)
        process = system.spawn_connector("link", "--licence-key", company_id, "--yes", name="mid")
        deadline = time.monotonic() + 60
        while _connection_status(system, company_id) != "Linked":
            assert time.monotonic() < deadline, "the connector did not link"
            time.sleep(0.1)
        time.sleep(0.5)  # into the first link's pulls
        person.quit()
    output, _ = process.communicate(timeout=120)
    assert process.returncode != 0
    assert "QuickBooks" in output
    assert system.control("fault", "clear").returncode == 0
    assert system.control("start").returncode == 0
    bakery = str(system.root / "bakery.qbw")
    assert system.control("open-company", bakery).returncode == 0
    resumed = system.connector("link", "--licence-key", company_id, "--yes", name="mid")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert set(_statuses(system, company_id).values()) == {"Complete"}

    other = system.root / "other.qbw"
    generate_company(other, edition=Edition.US, size=5, seed=2, company_name="Other").close()
    assert system.control("open-company", str(other)).returncode == 0
    with system.platform.api() as api:
        api.post(f"/companies/{company_id}/data/queue/customers")
    wrong = system.connector("run", "--once", name="mid")
    assert wrong.returncode != 0
    assert "Incorrect company file open" in wrong.stderr
    with system.platform.api() as api:
        waiting = api.get(
            f"/companies/{company_id}/data/history",
            params={"query": "dataType=customers&&isCompleted=false"},
        ).json()["results"]
    assert "Incorrect company file open" in waiting[0]["statusDescription"]
    assert system.control("open-company", bakery).returncode == 0
    done = system.connector("run", "--once", name="mid")
    assert done.returncode == 0, done.stdout + done.stderr
    assert _statuses(system, company_id)["customers"] == "Complete"


def _connection_status(system: System, company_id: str) -> str:
    with system.platform.api() as api:
        found = api.get(f"/companies/{company_id}/connections").json()["results"]
    return str(found[0]["status"]) if found else "none"


def test_zz_quickbooks_closed_then_access_denied(system: System, company_file: Path) -> None:
    """Last in the module: it closes QuickBooks and takes its grants away."""
    company_id = _company(system)
    assert system.control("quit").returncode == 0
    closed = system.connector("link", "--licence-key", company_id, "--yes", name="closed")
    assert closed.returncode != 0
    assert "QuickBooks" in closed.stderr
    with system.platform.api() as api:
        connection = api.get(f"/companies/{company_id}/connections").json()["results"][0]
    assert connection["status"] == "PendingAuth"
    assert system.control("start").returncode == 0
    assert system.control("open-company", str(system.root / "bakery.qbw")).returncode == 0
    # In Integrated Applications, the administrator set this connector to "No".
    assert system.control("grant", "qbdlink QuickBooks connector", "no").returncode == 0
    denied = system.connector("link", "--licence-key", company_id, "--yes", name="closed")
    assert denied.returncode != 0
    assert "Integrated Applications" in denied.stderr or "access" in denied.stderr.lower()
    with system.platform.api() as api:
        connection = api.get(f"/companies/{company_id}/connections").json()["results"][0]
    assert connection["status"] == "PendingAuth"
