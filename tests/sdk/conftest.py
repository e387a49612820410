"""Codat's own Python SDKs as the clients of a live platform: shared setup and helpers.

Every module here gets one platform per database (SQLite and PostgreSQL), served by uvicorn
over real HTTP, as the ``live`` fixture does but module-scoped, so the SDK calls of a module
share one server. Tests that count companies or consumers use a tenant (client) of their own.

Accounting data comes in as a connector sends it: a company is linked through the connector API
with plain httpx and its initial pulls are answered with the QuickBooks Desktop example payloads
of Codat's Lending spec (read from ``../shared/conformance`` at test time, never copied).
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from codat_accounting import CodatAccounting
from codat_accounting.models import shared as accounting_shared
from codat_accounting.utils import RetryConfig as AccountingRetryConfig
from codat_lending import CodatLending
from codat_lending.models import shared as lending_shared
from codat_lending.utils import RetryConfig as LendingRetryConfig
from codat_platform import CodatPlatform
from codat_platform.models import shared as platform_shared
from codat_platform.utils import RetryConfig as PlatformRetryConfig
from codat_sync_for_expenses import CodatSyncExpenses
from codat_sync_for_expenses.models import shared as expenses_shared
from codat_sync_for_expenses.utils import RetryConfig as ExpensesRetryConfig

from qbdlink.model.datatypes import data_type
from tests.support.databases import database_url_for
from tests.support.platform import LivePlatform, Tenant, live_platform, new_tenant

# Generous: PostgreSQL on a busy CI machine, and the SDKs' default is 5 s.
TIMEOUT_MS = 30_000
CONNECTOR = "/connector/v1"

# The data types whose QuickBooks Desktop examples Codat's Lending spec gives at
# /companies/{companyId}/data/<key> and /companies/{companyId}/data/<key>/{id}.
EXAMPLE_TYPES = (
    "accounts",
    "customers",
    "suppliers",
    "invoices",
    "creditNotes",
    "payments",
    "bills",
    "billCreditNotes",
    "billPayments",
    "journalEntries",
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def sdk_live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LivePlatform]:
    """``live`` at module scope: a migrated platform on each database, over real HTTP."""
    home = tmp_path_factory.mktemp(f"sdk-{request.param}")
    with database_url_for(request.param, home) as url, live_platform(url, home) as live:
        yield live


def fresh_tenant(live: LivePlatform) -> Tenant:
    """A client of its own (with an API key), so lists hold only what the test made."""
    return new_tenant(live.platform, f"SDK client {uuid.uuid4().hex[:8]}")


# --- the SDKs, as their READMEs build them, without retries ----------------------------------


def platform_sdk(live: LivePlatform, auth_header: str) -> CodatPlatform:
    return CodatPlatform(
        server_url=live.base_url,
        security=platform_shared.Security(auth_header=auth_header),
        retry_config=PlatformRetryConfig("none"),
        timeout_ms=TIMEOUT_MS,
    )


def lending_sdk(live: LivePlatform, auth_header: str) -> CodatLending:
    return CodatLending(
        server_url=live.base_url,
        security=lending_shared.Security(auth_header=auth_header),
        retry_config=LendingRetryConfig("none"),
        timeout_ms=TIMEOUT_MS,
    )


def expenses_sdk(live: LivePlatform, auth_header: str) -> CodatSyncExpenses:
    return CodatSyncExpenses(
        server_url=live.base_url,
        security=expenses_shared.Security(auth_header=auth_header),
        retry_config=ExpensesRetryConfig("none"),
        timeout_ms=TIMEOUT_MS,
    )


def accounting_sdk(
    live: LivePlatform, auth_header: str, *, client: httpx.Client | None = None
) -> CodatAccounting:
    """The old Speakeasy SDK: no context manager, and its RetryConfig takes three arguments."""
    return CodatAccounting(
        server_url=live.base_url,
        security=accounting_shared.Security(auth_header=auth_header),
        retry_config=AccountingRetryConfig("none", None, False),
        timeout_ms=TIMEOUT_MS,
        client=client,
    )


def raises_error_message(error_type: type[Exception], status: int, call: Any, **kwargs: Any) -> Any:
    """Call an SDK method of the new generation; it must raise the typed ``ErrorMessage``."""
    with pytest.raises(error_type) as caught:
        call(**kwargs)
    error: Any = caught.value
    assert error.status_code == status, error
    assert error.data.status_code == status
    assert error.data.correlation_id
    assert error.data.error
    return error


# --- QuickBooks Desktop example records ------------------------------------------------------


def _qbd_example(spec: Mapping[str, Any], path: str) -> Any:
    content = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    return content["examples"]["QuickBooks Desktop"]["value"]


def _invoice_variants(base: Mapping[str, Any], customers: Sequence[Mapping[str, Any]]) -> list[Any]:
    """More invoices shaped like Codat's QuickBooks Desktop example, for paging and queries.

    The amounts straddle 100 (one is exactly 100) and the statuses cover the enum's common
    values; each one is billed to one of the example customers.
    """
    plan = [
        ("Submitted", "99.99", "99.99"),
        ("Void", "100", "0"),
        ("PartiallyPaid", "250.5", "125.25"),
        ("Draft", "50", "50"),
        ("Void", "1200.75", "0"),
    ]
    variants = []
    for number, (status, total, due) in enumerate(plan, start=1):
        invoice = copy.deepcopy(dict(base))
        customer = customers[number % len(customers)]
        amount = Decimal(total)
        invoice.update(
            {
                "id": f"{0x2460 + number:X}-1071526256",
                "invoiceNumber": str(975 + number),
                "customerRef": {"id": customer["id"], "companyName": customer["customerName"]},
                "issueDate": f"2023-0{number}-1{number}T00:00:00",
                "dueDate": f"2023-0{number + 1}-1{number}T00:00:00",
                "status": status,
                "subTotal": _number(amount),
                "totalTaxAmount": 0,
                "totalAmount": _number(amount),
                "amountDue": _number(Decimal(due)),
                "lineItems": [
                    {
                        "description": "Framing labour",
                        "unitAmount": _number(amount),
                        "quantity": 1,
                        "subTotal": _number(amount),
                        "taxAmount": 0,
                        "totalAmount": _number(amount),
                        "itemRef": {"id": "250000-933272658", "name": "Framing"},
                        "trackingCategoryRefs": [],
                        "isDirectIncome": False,
                    }
                ],
            }
        )
        invoice.pop("paidOnDate", None)
        invoice.pop("paymentAllocations", None)
        variants.append(invoice)
    return variants


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


ITEMS = [
    {
        "id": "250000-933272658",
        "name": "Framing",
        "code": "Framing",
        "itemStatus": "Active",
        "type": "Service",
        "isBillItem": False,
        "isInvoiceItem": True,
        "invoiceItem": {
            "description": "Framing labor",
            "unitPrice": 55,
            "accountRef": {"id": "1D0000-933270542", "name": "Construction Income:Labor Income"},
            "taxRateRef": {"id": "20000-999022286", "name": "Non-Taxable Sales"},
        },
        "modifiedDate": "2023-04-26T09:07:10Z",
        "sourceModifiedDate": "2023-12-16T05:06:40",
    },
    {
        "id": "1C0000-933272656",
        "name": "Lumber:Rough",
        "code": "Rough",
        "itemStatus": "Active",
        "type": "Inventory",
        "isBillItem": True,
        "isInvoiceItem": True,
        "billItem": {"description": "Rough lumber", "unitPrice": 24.5},
        "invoiceItem": {"description": "Rough lumber", "unitPrice": 48},
        "modifiedDate": "2023-04-26T09:07:10Z",
        "sourceModifiedDate": "2023-12-16T05:06:40",
    },
]

TAX_RATES = [
    {
        "id": "10000-999022286",
        "name": "Taxable Sales",
        "code": "Tax",
        "effectiveTaxRate": 7.75,
        "totalTaxRate": 7.75,
        "status": "Active",
        "modifiedDate": "2023-04-26T09:07:02Z",
    },
    {
        "id": "20000-999022286",
        "name": "Non-Taxable Sales",
        "code": "Non",
        "effectiveTaxRate": 0,
        "totalTaxRate": 0,
        "status": "Active",
        "modifiedDate": "2023-04-26T09:07:02Z",
    },
]

COMPANY_INFO = {
    "companyName": "Rock Castle Construction",
    "companyLegalName": "Rock Castle Construction LLC",
    "accountingPlatformRef": "f1",
    "baseCurrency": "USD",
    "financialYearStartDate": "2023-01-01T00:00:00",
    "addresses": [{"type": "Billing", "line1": "1735 County Road", "city": "Bayshore"}],
}


@pytest.fixture(scope="session")
def qbd_records(conformance_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """Records by read key: Codat's QuickBooks Desktop examples, plus a few of our own."""
    text = (conformance_dir / "codat-oas" / "Codat-Lending.yaml").read_text("utf-8")
    spec = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    records: dict[str, list[dict[str, Any]]] = {}
    for key in EXAMPLE_TYPES:
        prefix = f"/companies/{{companyId}}/data/{key}"
        found: dict[str, dict[str, Any]] = {}
        for record in _qbd_example(spec, prefix)["results"]:
            found[record["id"]] = record
        [get_path] = [p for p in spec["paths"] if p.startswith(prefix + "/{") and p.count("/") == 5]
        single = _qbd_example(spec, get_path)
        found.setdefault(single["id"], single)
        records[key] = list(found.values())
    records["invoices"] += _invoice_variants(records["invoices"][0], records["customers"])
    records["items"] = copy.deepcopy(ITEMS)
    records["taxRates"] = copy.deepcopy(TAX_RATES)
    records["company"] = [dict(COMPANY_INFO)]
    return records


# --- a linked company with data --------------------------------------------------------------


@dataclass
class SeededCompany:
    id: str
    connection_id: str
    records: Mapping[str, list[dict[str, Any]]]
    # Read keys whose upload the platform refused, with its answer (the tests expect none).
    refused: Mapping[str, str]

    def by_id(self, key: str, record_id: str) -> dict[str, Any]:
        return next(r for r in self.records[key] if r["id"] == record_id)


def create_company(http: httpx.Client, name: str) -> str:
    response = http.post("/companies", json={"name": name})
    response.raise_for_status()
    company_id: str = response.json()["id"]
    return company_id


def link_connector(http: httpx.Client, company_id: str) -> tuple[str, str]:
    """Create a pqsw connection and link it as the connector would: (connection id, credential)."""
    response = http.post(f"/companies/{company_id}/connections", json={"platformKey": "pqsw"})
    response.raise_for_status()
    linked = http.post(
        f"{CONNECTOR}/link",
        json={
            "licenceKey": company_id,
            "region": "us",
            "linkRequestId": str(uuid.uuid4()),
            "quickbooks": {"companyFileId": "f1", "edition": "US"},
        },
    )
    linked.raise_for_status()
    body = linked.json()
    return body["connectionId"], body["credential"]


def answer_pulls(
    http: httpx.Client,
    credential: str,
    records: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    skip: frozenset[str] = frozenset(),
) -> dict[str, str]:
    """Take the queued pulls and upload ``records`` for each; returns refused uploads.

    A pull whose data type (read key) is in ``skip`` is left running.
    """
    bearer = {"Authorization": f"Bearer {credential}"}
    work = http.get(f"{CONNECTOR}/work", headers=bearer)
    work.raise_for_status()
    refused: dict[str, str] = {}
    for pull in work.json()["pulls"]:
        key = data_type(pull["dataType"]).key
        if key in skip:
            continue
        batch = list(records.get(key, ()))
        if batch:
            uploaded = http.post(
                f"{CONNECTOR}/pulls/{pull['id']}/batches/1",
                content=json.dumps(batch),
                headers={**bearer, "Content-Type": "application/json"},
            )
            if uploaded.status_code != 200:
                refused[key] = uploaded.text
                batch = []
        done = http.post(
            f"{CONNECTOR}/pulls/{pull['id']}/complete",
            json={"recordCount": len(batch)},
            headers=bearer,
        )
        done.raise_for_status()
    return refused


def seed_company(
    live: LivePlatform,
    records: Mapping[str, list[dict[str, Any]]],
    *,
    name: str = "Rock Castle Construction",
    tenant: Tenant | None = None,
    skip: frozenset[str] = frozenset(),
) -> SeededCompany:
    with live.client(tenant) as http:
        company_id = create_company(http, name)
        connection_id, credential = link_connector(http, company_id)
        refused = answer_pulls(http, credential, records, skip=skip)
    return SeededCompany(
        id=company_id, connection_id=connection_id, records=records, refused=refused
    )


# --- comparing what an SDK parsed with what the connector sent -------------------------------


def sdk_json(model: Any) -> Any:
    """An SDK model as the JSON it stands for (camelCase, numbers as numbers)."""
    return json.loads(model.model_dump_json(by_alias=True, exclude_none=True))


def assert_same_record(sent: Any, received: Any, path: str = "$") -> None:
    """Every field sent comes back with the same value and JSON type (SDKs may add defaults)."""
    if isinstance(sent, Mapping):
        assert isinstance(received, Mapping), f"{path}: expected an object, got {received!r}"
        for key, value in sent.items():
            assert key in received, f"{path}.{key}: missing from the SDK's model"
            assert_same_record(value, received[key], f"{path}.{key}")
    elif isinstance(sent, list):
        assert isinstance(received, list), f"{path}: expected an array, got {received!r}"
        assert len(sent) == len(received), f"{path}: {len(received)} items, sent {len(sent)}"
        for index, (a, b) in enumerate(zip(sent, received, strict=True)):
            assert_same_record(a, b, f"{path}[{index}]")
    elif isinstance(sent, bool) or sent is None or isinstance(sent, str):
        assert received == sent, f"{path}: {received!r} != {sent!r}"
    else:
        assert isinstance(received, int | float) and not isinstance(received, bool), (
            f"{path}: {received!r} is not a number"
        )
        assert Decimal(str(received)) == Decimal(str(sent)), f"{path}: {received!r} != {sent!r}"
