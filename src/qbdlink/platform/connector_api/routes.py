"""The connector API: link, heartbeat, work (long poll), pull uploads and results."""

from __future__ import annotations

import asyncio
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from pydantic import Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from qbdlink.model import wire
from qbdlink.platform.api.deps import ContextDep
from qbdlink.platform.api.rendering import json_response, no_content
from qbdlink.platform.services import connector
from qbdlink.platform.services.connector import Acting
from qbdlink.platform.services.context import Context

router = APIRouter(prefix=wire.CONNECTOR_API_PREFIX, tags=["Connector API"])
# How often a waiting work request looks for new work.
POLL_INTERVAL_SECONDS = 0.5
MAX_WAIT_SECONDS = 60.0


def acting(
    request: Request,
    authorization: Annotated[
        str | None, Header(description="Bearer <connector credential>")
    ] = None,
) -> Acting:
    ctx: Context = request.app.state.context
    return connector.authenticate(ctx, authorization)


ActingDep = Annotated[Acting, Depends(acting)]


def _model(message: wire.WireModel, status: int = 200) -> Response:
    return json_response(message.model_dump(by_alias=True, mode="json"), status)


@router.get("/link", summary="What a licence key names, before linking")
def link_info(
    ctx: ContextDep,
    licence_key: Annotated[str, Query(alias="licenceKey", min_length=1, max_length=100)],
    region: Annotated[str, Query(pattern="^(us|uk|ca)$")],
) -> Response:
    return _model(connector.link_info(ctx, licence_key, region))


@router.post("/link", summary="Link: exchange a licence key for a connector credential")
def link(ctx: ContextDep, body: wire.LinkRequest) -> Response:
    return _model(connector.link(ctx, body))


@router.post("/heartbeat", summary="Report the connector's and QuickBooks' health")
def heartbeat(ctx: ContextDep, who: ActingDep, body: wire.Heartbeat) -> Response:
    return _model(connector.heartbeat(ctx, who, body))


@router.get("/work", summary="Queued pulls and pushes; waits up to `wait` seconds for some")
async def work(
    request: Request,
    who: ActingDep,
    wait: Annotated[float, Query(ge=0, le=MAX_WAIT_SECONDS)] = 0,
) -> Response:
    ctx: Context = request.app.state.context
    deadline = time.monotonic() + min(wait, ctx_wait_limit(request))
    while True:
        found = await run_in_threadpool(connector.take_work, ctx, who)
        if found.pulls or found.pushes or time.monotonic() >= deadline:
            return _model(found)
        if await request.is_disconnected():
            return no_content(204)
        await asyncio.sleep(POLL_INTERVAL_SECONDS)


def ctx_wait_limit(request: Request) -> float:
    limit: float = getattr(request.app.state, "work_wait_seconds", MAX_WAIT_SECONDS)
    return limit


@router.get("/pulls/{pullId}", summary="A pull's state, to resume an upload")
def pull_state(ctx: ContextDep, who: ActingDep, pullId: str) -> Response:  # noqa: N803
    return _model(connector.pull_state(ctx, who, pullId))


@router.post(
    "/pulls/{pullId}/batches/{seq}",
    summary="Upload one batch of records (a JSON array); idempotent by batch number",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "array", "items": {"type": "object"}}}
            },
        }
    },
)
async def upload_batch(
    request: Request,
    who: ActingDep,
    pullId: str,  # noqa: N803
    seq: int,
    expected: Annotated[int | None, Query(ge=0, description="Records expected in all")] = None,
) -> Response:
    ctx: Context = request.app.state.context
    body = await request.body()
    receipt = await run_in_threadpool(
        connector.upload_batch, ctx, who, pullId, seq, body, expected_total=expected
    )
    return _model(receipt)


@router.post(
    "/pulls/{pullId}/deletions/{seq}",
    summary="Ids of records deleted in QuickBooks (a JSON array); idempotent by batch number",
)
def upload_deletions(
    ctx: ContextDep,
    who: ActingDep,
    pullId: str,  # noqa: N803
    seq: int,
    body: list[Annotated[str, Field(min_length=1, max_length=100)]],
) -> Response:
    return _model(connector.upload_deletions(ctx, who, pullId, seq, body))


@router.post("/pulls/{pullId}/complete", summary="The pull has uploaded everything")
def complete_pull(
    ctx: ContextDep,
    who: ActingDep,
    pullId: str,  # noqa: N803
    body: wire.PullComplete,
) -> Response:
    return _model(connector.complete_pull(ctx, who, pullId, body))


@router.post("/pulls/{pullId}/failed", summary="The pull failed, with the reason and its fix")
def fail_pull(
    ctx: ContextDep,
    who: ActingDep,
    pullId: str,  # noqa: N803
    body: wire.PullFailed,
) -> Response:
    return _model(connector.fail_pull(ctx, who, pullId, body))


@router.post(
    "/pushes/{pushOperationKey}/result", summary="What QuickBooks did with a push", status_code=204
)
def push_result(
    ctx: ContextDep,
    who: ActingDep,
    pushOperationKey: str,  # noqa: N803
    body: wire.PushResult,
) -> Response:
    connector.push_result(ctx, who, pushOperationKey, body)
    return no_content(204)


@router.post("/sync-now", summary="Queue every data type set to fetch (the user's Sync now)")
def sync_now(ctx: ContextDep, who: ActingDep) -> Response:
    return json_response({"queued": connector.request_sync(ctx, who)})


@router.post("/disconnect", summary="One-time mode completed, or the connector was uninstalled")
def disconnect(ctx: ContextDep, who: ActingDep, body: wire.Disconnect) -> Response:
    connector.disconnect(ctx, who, body)
    return no_content(204)
