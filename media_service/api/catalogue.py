"""/api/catalogue.json and .csv: every published item's metadata and accessibility, readable
from any origin (CORS), for the data portal and other sites."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from media_service.deps import SessionDep, SettingsDep
from media_service.models import utcnow
from media_service.services import catalogue_export, open_data

router = APIRouter(prefix="/api", tags=["open data"])
OPEN = {"cache-control": "public, max-age=300", "access-control-allow-origin": "*"}


@router.get("/catalogue.json", summary="The catalogue as JSON (open data)")
def catalogue_json(session: SessionDep, settings: SettingsDep) -> Any:
    """Published items only, newest first, with absolute URLs and accessibility summaries."""
    body = catalogue_export.catalogue_json(
        open_data.Site.of(settings), open_data.published_items(session), utcnow()
    )
    return JSONResponse(body, headers=OPEN)


@router.get(
    "/catalogue.csv",
    summary="The catalogue as CSV (open data)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def catalogue_csv(session: SessionDep, settings: SettingsDep) -> Response:
    """The same rows as the JSON; lists are separated by spaces."""
    body = catalogue_export.catalogue_csv(open_data.Site.of(settings), open_data.published_items(session))
    return Response(body, media_type="text/csv; charset=utf-8", headers=OPEN)
