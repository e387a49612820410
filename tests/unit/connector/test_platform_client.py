"""The connector's platform client: retries through network faults, typed refusals."""

from __future__ import annotations

import httpx
import pytest

from qbdlink.connector.platform_client import (
    PlatformClient,
    PlatformRejectedError,
    PlatformUnreachableError,
    PlatformUserActionError,
)


def _receipt(request: httpx.Request) -> httpx.Response:
    seq = int(request.url.path.rsplit("/", 1)[1])
    return httpx.Response(
        200, json={"pullId": "p1", "seq": seq, "duplicate": False, "recordsReceived": 3}
    )


def test_network_faults_and_5xx_are_retried_with_backoff() -> None:
    calls: list[str] = []
    waits: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if len(calls) == 1:
            raise httpx.ConnectError("connection refused")
        if len(calls) == 2:
            return httpx.Response(503, json={"error": "busy"})
        if len(calls) == 3:
            raise httpx.ReadTimeout("slow")
        return _receipt(request)

    client = PlatformClient(
        "http://platform.test",
        credential="qbdc_x",
        transport=httpx.MockTransport(handler),
        sleep=waits.append,
    )
    receipt = client.upload_batch("p1", 4, b"[]")
    assert receipt.seq == 4
    assert calls == ["/connector/v1/pulls/p1/batches/4"] * 4
    assert waits == [1.0, 2.0, 4.0]
    client.close()


def test_giving_up_says_the_platform_is_unreachable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no route to host")

    client = PlatformClient(
        "http://platform.test",
        transport=httpx.MockTransport(handler),
        attempts=3,
        sleep=lambda _: None,
    )
    with pytest.raises(PlatformUnreachableError, match="Cannot reach the platform"):
        client.link_info("k", "us")
    client.close()


def test_refusals_are_typed_with_the_platforms_message_and_fix() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/link"):
            return httpx.Response(
                400,
                json={
                    "statusCode": 400,
                    "error": "This licence key belongs to the Canada region, not United States.",
                    "code": "link.wrong_region",
                    "fix": "Choose Canada as the region and link again.",
                },
            )
        return httpx.Response(400, json={"error": "Batch numbers start at 1.", "code": "x"})

    client = PlatformClient(
        "http://platform.test", transport=httpx.MockTransport(handler), sleep=lambda _: None
    )
    with pytest.raises(PlatformUserActionError) as raised:
        client.link_info("k", "us")
    assert raised.value.fix == "Choose Canada as the region and link again."
    with pytest.raises(PlatformRejectedError) as rejected:
        client.upload_batch("p1", 0, b"[]")
    assert rejected.value.status == 400
    client.close()


def test_the_credential_is_sent_as_a_bearer_token_and_bodies_as_json() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"queued": ["invoices"]})

    client = PlatformClient(
        "http://platform.test/", credential="qbdc_secret", transport=httpx.MockTransport(handler)
    )
    assert client.sync_now() == ["invoices"]
    assert seen[0].headers["Authorization"] == "Bearer qbdc_secret"
    assert str(seen[0].url) == "http://platform.test/connector/v1/sync-now"
    client.close()
