"""What operators and load balancers ask: /healthz (alive), /readyz (dependencies), /metrics."""

from __future__ import annotations

import ipaddress
import secrets

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from media_service.errors import worded
from media_service.i18n import answer_language
from media_service.metrics import exposition
from media_service.openapi import errors
from media_service.services import health

router = APIRouter(tags=["operations"])

DEPENDENCY_NAMES = {
    "database": {"sv": "databasen", "en": "the database"},
    "queue": {"sv": "jobbkön", "en": "the job queue"},
    "storage": {"sv": "lagringen", "en": "the storage"},
}


class Alive(BaseModel):
    status: str = Field(description="Always `alive`: the process answers")


class Ready(BaseModel):
    status: str = Field(description="`ready`")
    checks: dict[str, str] = Field(description="Each dependency (database, queue, storage): `ok`")


@router.get("/healthz", summary="The process is alive (checks nothing else)")
def healthz() -> Alive:
    return Alive(status="alive")


@router.get(
    "/readyz",
    summary="The database, the job queue and the storage answer",
    response_model=Ready,
    responses=errors(503, descriptions={503: "Not ready: `problems` names each dependency that failed"}),
)
async def readyz(request: Request) -> Response:
    state = request.app.state
    checks = await run_in_threadpool(
        health.readiness, state.settings, state.engine, state.job_queue, state.storage
    )
    failed = [check for check in checks if not check.ok]
    if not failed:
        ready = Ready(status="ready", checks={check.name: "ok" for check in checks})
        return JSONResponse(ready.model_dump(), headers={"cache-control": "no-store"})
    language = answer_language(request)
    names = ", ".join(DEPENDENCY_NAMES[check.name][language] for check in failed)
    message = worded("api_not_ready", language, {"failed": names})
    problems = [{"field": check.name, "message": check.detail} for check in failed]
    body = {"error": {"code": "not_ready", "message": message, "problems": problems}}
    return JSONResponse(body, status_code=503, headers={"retry-after": "5", "cache-control": "no-store"})


def _from_loopback_directly(request: Request) -> bool:
    """A client on this host that no proxy relayed (a proxy on this host relays from 127.0.0.1
    too, and says so with X-Forwarded-For or Forwarded)."""
    if request.client is None or "x-forwarded-for" in request.headers or "forwarded" in request.headers:
        return False
    try:
        return ipaddress.ip_address(request.client.host).is_loopback
    except ValueError:
        return False


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    """Prometheus' text format, to whom ``TOLK_METRICS`` allows (see docs/deployment.md)."""
    settings = request.app.state.settings
    if settings.metrics == "off":
        raise HTTPException(status_code=404)  # as if there were no such route
    if settings.metrics == "token":
        sent = request.headers.get("authorization", "")
        expected = f"Bearer {settings.metrics_token}"
        allowed = bool(settings.metrics_token) and secrets.compare_digest(sent.encode(), expected.encode())
    else:
        allowed = _from_loopback_directly(request)
    if not allowed:
        message = worded("api_metrics_refused", answer_language(request), {})
        status = 401 if settings.metrics == "token" else 403
        headers = {"www-authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"error": {"code": "forbidden", "message": message}}, status, headers=headers)
    text, content_type = await run_in_threadpool(exposition, request.app.state.sessions)
    return Response(text, media_type=content_type, headers={"cache-control": "no-store"})
