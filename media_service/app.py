"""The FastAPI application: wiring of settings, database, storage, routes and error pages."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.base import RequestResponseEndpoint

from media_service.api import accounts as accounts_api
from media_service.api import captions as captions_api
from media_service.api import interpreters as interpreters_api
from media_service.api import jobs as jobs_api
from media_service.api import media as media_api
from media_service.api import uploads as uploads_api
from media_service.api import variants as variants_api
from media_service.config import PROJECT_ROOT, Settings, get_settings
from media_service.db import make_engine, make_session_factory, migrate
from media_service.errors import ServiceError
from media_service.jobs.queue import JobQueue
from media_service.jobs.worker import JobRunner, WorkerPool
from media_service.services.accounts import LoginThrottle
from media_service.services.embed import frame_ancestors_directive
from media_service.storage import Storage
from media_service.web import editor as editor_routes
from media_service.web import embed as embed_routes
from media_service.web import files as files_routes
from media_service.web import pages

log = logging.getLogger("tolk")


def _wants_html(request: Request) -> bool:
    path = request.url.path
    return not path.startswith(("/api/", "/files/", "/captions/")) and "text/html" in request.headers.get(
        "accept", ""
    )


def _error_response(
    request: Request,
    status_code: int,
    body: dict[str, dict[str, object]],
    headers: Mapping[str, str] | None = None,
) -> Response:
    """JSON for API clients, an error page for browsers."""
    if _wants_html(request):
        message = str(body["error"]["message"])
        return pages.render(
            request, "error.html", {"status_code": status_code, "message": message}, status_code=status_code
        )
    return JSONResponse(body, status_code=status_code, headers=headers)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def service_error(request: Request, error: ServiceError) -> Response:
        return _error_response(request, error.status_code, error.to_dict())

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def out_of_range(request: Request, error: Exception) -> Response:
        # An id or page number too large for the database's integers (SQLite raises
        # OverflowError, PostgreSQL DataError): the request's fault, never a server error.
        body = {"error": {"code": "invalid", "message": "a number in the request is out of range"}}
        return _error_response(request, 422, body)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        body = {"error": {"code": f"http_{error.status_code}", "message": str(error.detail)}}
        return _error_response(request, error.status_code, body, headers=error.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        problems = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in error.errors()
        ]
        summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
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
        migrate(settings.resolved_database_url)
        app.state.storage.clear_stale_scratch()
        uploads_api.clear_stale_uploads(settings)
        pool = None
        if settings.workers:
            runner = JobRunner(settings, app.state.sessions, app.state.storage, app.state.job_queue)
            pool = WorkerPool(runner, settings.workers)
            pool.start()
        yield
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
    app.state.storage = Storage(settings.files_dir, settings.scratch_dir)
    app.state.job_queue = JobQueue(settings)
    app.state.login_throttle = LoginThrottle.for_settings(settings)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: RequestResponseEndpoint) -> Response:
        response: Response = await call_next(request)
        response.headers.setdefault("x-content-type-options", "nosniff")
        response.headers.setdefault("referrer-policy", "strict-origin-when-cross-origin")
        # Only the embed player may be framed by other sites; every other page refuses.
        framing = embed_framing if embed_routes.may_be_framed(request.url.path) else "frame-ancestors 'self'"
        response.headers.setdefault("content-security-policy", framing)
        return response

    _install_error_handlers(app)
    app.add_exception_handler(editor_routes.PageAnswer, editor_routes.answer_with_page)
    app.include_router(media_api.router)
    app.include_router(captions_api.router)
    app.include_router(interpreters_api.router)
    app.include_router(variants_api.router)
    app.include_router(jobs_api.router)
    app.include_router(accounts_api.router)
    app.include_router(uploads_api.upload_router(settings))
    app.include_router(files_routes.router)
    app.include_router(embed_routes.router)
    app.include_router(editor_routes.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=PROJECT_ROOT / "static"), name="static")
    return app
