"""Prometheus metrics (``prometheus-client``): what the service and its workers count, and /metrics.

Counters and histograms live in the process that counts. With several processes on one host
(N ``tolk serve`` and ``tolk worker``), set ``PROMETHEUS_MULTIPROC_DIR`` to one empty directory
for all of them (cleared before they start): each process then writes its values there and
/metrics sums them (prometheus-client's multiprocess mode). Without it, each process answers its
own figures. The job gauges (queued, running, failed by kind) are read from the database when
scraped, so they are the fleet's, whichever process or machine runs the jobs.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from media_service.models import Job, JobState

REQUEST_SECONDS = Histogram(
    "tolk_request_duration_seconds",
    "Time from a request's arrival until its answer's last byte, by route template",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
JOB_SECONDS = Histogram(
    "tolk_job_duration_seconds",
    "Time a job ran in a worker, by kind and how it ended (done, failed, retried, interrupted)",
    ["kind", "outcome"],
    buckets=(0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 6 * 3600),
)
JOBS_FAILED = Counter("tolk_jobs_failed", "Jobs that failed for good (no attempt left), by kind", ["kind"])
UPLOADS = Counter("tolk_uploads", "Uploads received whole, by protocol (plain or tus)", ["protocol"])
UPLOAD_BYTES = Counter("tolk_upload_bytes", "Bytes of upload bodies written to disk", ["protocol"])
SERVED_BYTES = Counter("tolk_served_bytes", "Bytes of stored files sent (bodies, ranges included)")

UNMATCHED_ROUTE = "unmatched"

request_log = logging.getLogger("tolk.requests")


def route_template(scope: Scope) -> str:
    """The route's path template (``/api/media/{item_id}``), never the raw path, so that ids
    and file names make no new series; a mount (``/static``) is named by its prefix."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    root = scope.get("root_path", "")
    return root if root else UNMATCHED_ROUTE


class RequestMetrics:
    """ASGI middleware timing every HTTP request by method, route template and status."""

    def __init__(self, app: ASGIApp, *, log_requests: bool = False) -> None:
        self.app = app
        # uvicorn's access log says the same in text; JSON logs carry the route template too.
        self.log_requests = log_requests

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            seconds = time.perf_counter() - started
            route = route_template(scope)
            REQUEST_SECONDS.labels(scope["method"], route, str(status)).observe(seconds)
            if self.log_requests:
                client = scope.get("client")
                request_log.info(
                    "%s %s %s",
                    scope["method"],
                    scope.get("path", ""),
                    status,
                    extra={
                        "method": scope["method"],
                        "path": scope.get("path", ""),
                        "route": route,
                        "status": status,
                        "duration_ms": round(seconds * 1000, 2),
                        "client": client[0] if client else None,
                    },
                )


class JobsInDatabase(Collector):
    """Jobs by state and kind as the database has them now (the whole fleet's)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "tolk_jobs", "Jobs by state and kind, from the database", labels=["state", "kind"]
        )
        with self.sessions() as session:
            rows = session.execute(
                select(Job.state, Job.kind, func.count()).group_by(Job.state, Job.kind)
            ).all()
        counts: dict[tuple[str, str], int] = {
            (JobState(state).value, kind): count for state, kind, count in rows
        }
        kinds = sorted({kind for _state, kind in counts})
        for state in (JobState.QUEUED, JobState.RUNNING, JobState.FAILED):
            for kind in kinds:
                family.add_metric([state.value, kind], counts.get((state.value, kind), 0))
        yield family


def multiprocess_dir() -> str | None:
    """``PROMETHEUS_MULTIPROC_DIR`` when set: the processes of this host share their figures."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def exposition(sessions: sessionmaker[Session]) -> tuple[bytes, str]:
    """The text /metrics answers and its content type."""
    counted: CollectorRegistry = REGISTRY
    if multiprocess_dir():
        counted = CollectorRegistry()
        MultiProcessCollector(counted)
    from_database = CollectorRegistry(auto_describe=True)
    from_database.register(JobsInDatabase(sessions))
    return generate_latest(counted) + generate_latest(from_database), CONTENT_TYPE_LATEST


def serve_worker_metrics(port: int) -> None:
    """``tolk worker``'s own figures (job durations, failures) at http://127.0.0.1:``port``/metrics,
    from a thread; on this host only, since the worker has no access rules of its own."""
    counted: CollectorRegistry = REGISTRY
    if multiprocess_dir():
        counted = CollectorRegistry()
        MultiProcessCollector(counted)
    start_http_server(port, addr="127.0.0.1", registry=counted)
