"""The OpenAPI document at /openapi.json: every status an operation answers, with Tolk's error body.

One mechanism, in two halves:

- A route declares what only it knows, with FastAPI's own ``responses=``: ``errors(409, 413)``
  for the refusals of its service, or ``FILE_RESPONSES`` for a stored file.
- ``build_openapi`` adds what follows from the kind of route, read from the route itself: an
  editor's route (one depending on ``deps.authenticated_editor`` or ``streaming_editor``)
  answers 401 and 403 and is the only kind with a security requirement (public reads take a
  token, which shows unpublished items too, but need none); a route with parameters or a
  body answers 422; one with path parameters answers 404. FastAPI's own 422 body
  (``HTTPValidationError``) is replaced by Tolk's, which is what ``app.py`` sends for every
  refusal.

A new route (the tus server's, say) needs nothing more than its ``responses=errors(...)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import FastAPI, Path
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from pydantic import BaseModel, Field

from media_service.deps import SESSION_COOKIE, authenticated_editor, streaming_editor

# Row ids are the databases' integers (32 bits on PostgreSQL): a larger one is refused by
# validation, as the document says, rather than found missing by the database.
MAX_ID = 2**31 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
"""A path parameter naming a row (an item, a track, a file …)."""

ERROR_SCHEMA = "Error"
BEARER_SCHEME = "HTTPBearer"
SESSION_SCHEME = "EditorSession"


class Problem(BaseModel):
    field: str = Field(description="Where the problem is, e.g. `body.title` or `layout.crop`")
    message: str


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable, for programs: `not_found`, `invalid`, `conflict`, …")
    message: str = Field(description="For people: what was wrong and, where it helps, what to do")
    problems: list[Problem] | None = Field(
        default=None, description="One entry per refused field (422 from validation)"
    )
    line: int | None = Field(default=None, description="The line of an uploaded file that is wrong")


class Error(BaseModel):
    """Every refusal Tolk answers, whatever its status."""

    error: ErrorDetail


STATUS_DESCRIPTIONS: dict[int, str] = {
    400: "The request is malformed",
    401: "Authentication required: an editor's session or `Authorization: Bearer <token>`",
    403: "Not allowed: a browser write without its CSRF token, or not an admin's account",
    404: "No such thing, or not published (editors see unpublished ones)",
    409: "In conflict with the current state",
    408: "The request body was cut off or stalled",
    410: "Gone: it expired",
    412: "A precondition (If-Match, If-Unmodified-Since) is false",
    413: "The upload is larger than the limit",
    415: "The file is not of a kind Tolk takes",
    416: "No range asked for is inside the file; Content-Range gives its size",
    422: "A parameter, the body or the uploaded file is not valid; `problems` names the fields",
    423: "Locked: another request is working on it; try again shortly",
    429: "Too many requests; Retry-After says when to try again",
    460: "Checksum mismatch (tus): nothing of the body was kept",
    501: "Not implemented",
    503: "Busy; Retry-After says when to try again",
    507: "The disk is full; nothing of the request was kept",
}


def errors(*statuses: int, descriptions: dict[int, str] | None = None) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route that may refuse with ``statuses`` (Tolk's error body), each
    described as ``descriptions`` says for this route, else as ``STATUS_DESCRIPTIONS``."""
    said = {**STATUS_DESCRIPTIONS, **(descriptions or {})}
    return {status: {"model": Error, "description": said[status]} for status in statuses}


_BINARY = {"schema": {"type": "string", "format": "binary"}}
_CORS_HEADERS = {
    "Access-Control-Allow-Origin": {"description": "Always `*`", "schema": {"type": "string"}},
}
_VALIDATORS = {
    "ETag": {"description": "A strong entity tag", "schema": {"type": "string"}},
    "Last-Modified": {"description": "An HTTP-date", "schema": {"type": "string"}},
}


def file_responses(*content_types: str) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a stored file served with Range and preconditions (RFC 9110)."""
    content = dict.fromkeys(content_types, _BINARY)
    return {
        200: {"description": "The whole file", "content": content, "headers": _VALIDATORS},
        206: {
            "description": "The ranges asked for: one, or several as multipart/byteranges",
            "content": {**content, "multipart/byteranges": _BINARY},
            "headers": {
                **_VALIDATORS,
                "Content-Range": {"description": "With one range", "schema": {"type": "string"}},
            },
        },
        304: {"description": "Not modified (If-None-Match, If-Modified-Since)", "headers": _VALIDATORS},
        **errors(412),
        416: {
            **errors(416)[416],
            "headers": {"Content-Range": {"description": "`bytes */size`", "schema": {"type": "string"}}},
        },
    }


def _dependencies(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _dependencies(dependency)


EDITOR_CHECKS = frozenset({authenticated_editor, streaming_editor})


def needs_editor(route: RouteContext) -> bool:
    """Whether ``route`` answers only editors (it depends on ``authenticated_editor`` or, for
    a route streaming its body, ``streaming_editor``)."""
    return not EDITOR_CHECKS.isdisjoint(_dependencies(route.dependant))


def _error_response(status: int) -> dict[str, Any]:
    schema = {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}
    return {"description": STATUS_DESCRIPTIONS[status], "content": {"application/json": {"schema": schema}}}


def _complete(operation: dict[str, Any], route: RouteContext) -> None:
    responses = operation.setdefault("responses", {})
    statuses: set[int] = set()
    parameters = operation.get("parameters", [])
    if parameters or "requestBody" in operation:
        statuses.add(422)
    if "application/json" in operation.get("requestBody", {}).get("content", {}):
        statuses.add(400)  # a body that is not JSON at all
    if any(p["in"] == "path" for p in parameters):
        statuses.add(404)
    if needs_editor(route):
        statuses |= {401, 403}
        operation["security"] = [{BEARER_SCHEME: []}, {SESSION_SCHEME: []}]
    else:
        operation.pop("security", None)
    for status in statuses:
        responses.setdefault(str(status), _error_response(status))
    # FastAPI's 422 body is not what Tolk sends.
    if "422" in responses:
        responses["422"] = _error_response(422)


def _one_path_per_route(paths: dict[str, dict[str, Any]]) -> None:
    """Drop an operation served at both ``/x`` and ``/x/`` from the slashed form."""
    for path in [p for p in paths if p.endswith("/") and p.rstrip("/") in paths]:
        for method in list(paths[path]):
            if method in paths[path.rstrip("/")]:
                del paths[path][method]
        if not paths[path]:
            del paths[path]


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """The document for ``app``: FastAPI's, completed as the module says."""
    document = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
    )
    paths: dict[str, dict[str, Any]] = document.get("paths", {})
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        for method in route.methods or ():
            operation = paths.get(route.path_format or "", {}).get(method.lower())
            if operation is not None:
                _complete(operation, route)
    _one_path_per_route(paths)
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for model in (Error, ErrorDetail, Problem):
        schemas[model.__name__] = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas[model.__name__].pop("$defs", None)
    components["securitySchemes"] = {
        BEARER_SCHEME: {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token: `tolk token create`, or made by an editor under /editor/tokens",
        },
        SESSION_SCHEME: {
            "type": "apiKey",
            "in": "cookie",
            "name": SESSION_COOKIE,
            "description": "A signed-in editor's browser; its writes also send the `X-CSRF-Token` header",
        },
    }
    return document


def install(app: FastAPI) -> None:
    """Serve ``build_openapi``'s document (made once, on first request) at ``app.openapi_url``."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
