"""The FastAPI application: wiring of settings, database, storage, routes and error pages."""

from __future__ import annotations

import errno
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import configure_mappers
from starlette.exceptions import HTTPException as StarletteHTTPException

from media_service.api import accessibility as accessibility_api
from media_service.api import accounts as accounts_api
from media_service.api import captions as captions_api
from media_service.api import catalogue as catalogue_api
from media_service.api import description_recordings as description_recordings_api
from media_service.api import documents as documents_api
from media_service.api import health as health_api
from media_service.api import interpreters as interpreters_api
from media_service.api import jobs as jobs_api
from media_service.api import media as media_api
from media_service.api import speech as speech_api
from media_service.api import uploads as uploads_api
from media_service.api import variants as variants_api
from media_service.config import PROJECT_ROOT, Settings, get_settings
from media_service.db import make_engine, make_session_factory, migrate
from media_service.deps import forget_actor
from media_service.errors import InsufficientStorage, Invalid, ServiceError, http_error_body
from media_service.i18n import answer_language, choose_language
from media_service.jobs.context import Handlers
from media_service.jobs.queue import JobQueue
from media_service.jobs.worker import JobRunner, WorkerPool
from media_service.methods import MethodRules
from media_service.metrics import RequestMetrics
from media_service.openapi import install as install_openapi
from media_service.security_headers import SecurityHeaders
from media_service.services import (
    ladder_jobs,
    ladders,
    signer_windows,
    speech,
    speech_jobs,
    speech_spans,
    variant_jobs,
    variants,
)
from media_service.services.accounts import LoginThrottle
from media_service.services.embed import frame_ancestors_directive
from media_service.services.housekeeping import Housekeeping
from media_service.services.housekeeping import stop as stop_housekeeping
from media_service.storage import open_storage
from media_service.upload_slots import UploadSlots
from media_service.web import editor as editor_routes
from media_service.web import embed as embed_routes
from media_service.web import files as files_routes
from media_service.web import opendata as opendata_routes
from media_service.web import pages
from media_service.web.static_files import StaticAssets
from media_service.web.templating import compile_templates, render

log = logging.getLogger("tolk")


def job_handlers() -> Handlers:
    """Which service function runs the jobs of each kind: the table every worker pool is given."""
    handlers = {
        variants.JOB_KIND: variant_jobs.run_variants_job,
        ladders.JOB_KIND: ladder_jobs.run_ladder_job,
        signer_windows.JOB_KIND: signer_windows.run_window_job,
        speech_spans.JOB_KIND: speech_spans.run_find_speech_job,
    }
    # Captions from speech: the job imports faster-whisper only when it runs (tolk[asr]).
    handlers.update({kind: speech_jobs.run_speech_job for kind in speech.JOB_KINDS.values()})
    return handlers


def _wants_html(request: Request) -> bool:
    path = request.url.path
    return not path.startswith(
        ("/api/", "/files/", "/captions/", "/hls/")
    ) and "text/html" in request.headers.get("accept", "")


def _language(request: Request) -> str:
    """An error's language: the page's for a browser, else what the client asked (English)."""
    return choose_language(request) if _wants_html(request) else answer_language(request)


def _error_response(
    request: Request,
    status_code: int,
    body: Mapping[str, Mapping[str, object]],
    headers: Mapping[str, str] | None = None,
) -> Response:
    """JSON for API clients, an error page for browsers."""
    if _wants_html(request):
        forget_actor(request)
        message = str(body["error"]["message"])
        return render(
            request, "error.html", {"status_code": status_code, "message": message}, status_code=status_code
        )
    return JSONResponse(body, status_code=status_code, headers=headers)


BUSY_RETRY_SECONDS = 5
# anyio's default is 40; the database pool (db.POOL_SIZE + db.POOL_OVERFLOW) has 50 connections.
THREADS = 80


def _is_busy(error: OperationalError) -> bool:
    """SQLite's "database is locked", or PostgreSQL giving up on a lock or a statement."""
    text = str(error.orig).lower()
    return "database is locked" in text or "lock timeout" in text or "statement timeout" in text


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def service_error(request: Request, error: ServiceError) -> Response:
        language = _language(request)
        return _error_response(request, error.status_code, error.to_dict(language), headers=error.headers)

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def out_of_range(request: Request, error: Exception) -> Response:
        # An id or page number too large for the database's integers (SQLite raises
        # OverflowError, PostgreSQL DataError): the request's fault, never a server error.
        return _error_response(
            request, 422, Invalid.told("api_number_out_of_range").to_dict(_language(request))
        )

    @app.exception_handler(PoolTimeout)
    @app.exception_handler(OperationalError)
    async def database_busy(request: Request, error: Exception) -> Response:
        # Every connection in use, or SQLite's write lock held for longer than a request waits:
        # the service is busy, not broken. Tell the client when to try again.
        if isinstance(error, OperationalError) and not _is_busy(error):
            raise error
        log.warning("database busy: %s", error)
        body = ServiceError.told("api_busy").to_dict(answer_language(request))
        body["error"]["code"] = "busy"
        return _error_response(request, 503, body, headers={"retry-after": str(BUSY_RETRY_SECONDS)})

    @app.exception_handler(OSError)
    async def disk_full(request: Request, error: OSError) -> Response:
        # A full disk is no fault of the request, but no server error either: the request's
        # partial files are already removed (they are written in context managers).
        if error.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise error
        body = InsufficientStorage.told("api_disk_full").to_dict(_language(request))
        return _error_response(request, 507, body)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        body = http_error_body(error.status_code, str(error.detail), _language(request))
        return _error_response(request, error.status_code, body, headers=error.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        problems = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in error.errors()
        ]
        summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        language = _language(request)
        if language != "en":  # the fields named in the asker's language; pydantic speaks English
            fields = ", ".join(dict.fromkeys(p["field"] for p in problems))
            summary = Invalid.told("api_invalid_fields", fields=fields).message_in(language)
        body = {"error": {"code": "invalid", "message": summary, "problems": problems}}
        return _error_response(request, 422, body)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service for ``settings`` (default: from the environment)."""
    settings = settings or get_settings()
    # Read once, so a bad TOLK_FRAME_ANCESTORS stops the start with a message naming it.
    embed_framing = frame_ancestors_directive(settings.frame_ancestors)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        # Threads for plain routes and blocking work: uploads being probed and writers waiting
        # their turn at the database hold one each, and must not leave page reads none.
        anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
        migrate(settings.resolved_database_url)
        housekeeping = Housekeeping(settings, app.state.sessions, app.state.storage).start()
        pool = None
        if settings.workers:
            runner = JobRunner(
                settings,
                app.state.sessions,
                app.state.storage,
                app.state.job_queue,
                handlers=app.state.job_handlers,
            )
            pool = WorkerPool(runner, settings.workers)
            pool.start()
        yield
        await stop_housekeeping(housekeeping)
        if pool is not None:
            pool.stop()
        app.state.job_queue.close()
        app.state.engine.dispose()

    app = FastAPI(
        title="Tolk",
        summary="Sign-language accessible media library",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.resolved_database_url)
    app.state.sessions = make_session_factory(app.state.engine)
    app.state.storage = open_storage(settings)
    app.state.job_queue = JobQueue(settings)
    app.state.job_handlers = job_handlers()
    app.state.login_throttle = LoginThrottle.for_settings(settings)
    app.state.upload_slots = UploadSlots.for_settings(settings)

    app.add_middleware(SecurityHeaders, embed_framing=embed_framing)

    app.add_middleware(MethodRules)
    # Outermost: the time of everything, by the route template the router chose.
    app.add_middleware(RequestMetrics, log_requests=settings.log_format == "json")
    _install_error_handlers(app)
    app.add_exception_handler(editor_routes.PageAnswer, editor_routes.answer_with_page)
    # First: every request is matched against the routes in order, and files are what most
    # requests ask for (a player's ranges and segments); no other router shares their paths.
    app.include_router(files_routes.router)
    app.include_router(health_api.router)
    app.include_router(media_api.router)
    app.include_router(captions_api.router)
    app.include_router(interpreters_api.router)
    app.include_router(description_recordings_api.router)
    app.include_router(variants_api.router)
    app.include_router(accessibility_api.router)
    app.include_router(jobs_api.router)
    app.include_router(speech_api.router)
    app.include_router(accounts_api.router)
    app.include_router(uploads_api.router)
    app.include_router(documents_api.router)
    app.include_router(catalogue_api.router)
    app.include_router(embed_routes.router)
    app.include_router(opendata_routes.router)
    app.include_router(editor_routes.router)
    app.include_router(pages.router)
    app.mount("/static", StaticAssets(PROJECT_ROOT / "static"), name="static")
    install_openapi(app)
    return app


def prepare_for_requests(app: FastAPI) -> None:
    """Do now, as the service starts, the work that would otherwise fall on the first requests:
    a burst of visitors after a restart each waited for it (0.5 s and more at 60 at once).
    ``tolk serve`` calls it; tests, which make an app each, need not.

    FastAPI builds a route's handling (its dependencies and parameter models) the first time a
    request is matched against it, 0.3 s for all of Tolk's routes; matching a path that no route
    takes builds every one. SQLAlchemy sets up its mappers at the first query, and Jinja compiles
    a template at its first page.
    """
    nowhere = {
        "type": "http",
        "method": "GET",
        "path": "/\x00",
        "root_path": "",
        "headers": [],
        "query_string": b"",
    }
    for route in app.router.routes:
        route.matches(dict(nowhere))
    configure_mappers()
    compile_templates()
