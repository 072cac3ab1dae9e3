"""/api/media/{id}/variants: order variants (one job, one ffmpeg run) and list the made ones."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict, Field

from media_service.api.jobs import JobOut, QueueDep, job_out
from media_service.api.schemas import JsonId, Timestamp
from media_service.deps import EditorDep, RequireEditor, SessionDep
from media_service.models import Variant, VariantKind
from media_service.openapi import Id
from media_service.services import media, variants
from media_service.services.variant_freshness import Outdated, outdated_reasons
from media_service.urls import file_url, hls_url

router = APIRouter(prefix="/api/media/{item_id}/variants", tags=["variants"])


class VariantOrder(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kinds: list[VariantKind] = Field(
        min_length=1, description="Made together, by one ffmpeg run", examples=[["signed", "captioned"]]
    )
    interpreter_id: JsonId | None = Field(default=None, description="Default: the newest recording")
    caption_track_id: JsonId | None = Field(
        default=None,
        description="Default: captions in the item's language, else any captions",
    )


class VariantOut(BaseModel):
    id: int
    kind: str
    url: str
    download_url: str
    content_type: str
    size_bytes: int
    facts: dict[str, Any] | None
    job_id: int | None
    hls_url: str | None = Field(
        default=None, description="Its HLS master playlist, once its ladder is made (else null)"
    )
    created_at: Timestamp
    updated_at: Timestamp
    caption_revision_id: int | None = Field(description="The caption revision burned in, if any")
    interpreter_id: int | None = Field(description="The interpreter recording shown, if any")
    outdated: list[Outdated] = Field(
        description="Why it no longer shows what the item has (empty: up to date); it is served "
        "until the job remaking it publishes its replacement"
    )


def variant_out(variant: Variant) -> VariantOut:
    stream = file_url(variant.file)
    return VariantOut(
        id=variant.id,
        kind=variant.kind.value,
        url=stream,
        download_url=f"{stream}?download=1",
        content_type=variant.file.content_type,
        size_bytes=variant.file.size_bytes,
        facts=variant.file.facts,
        job_id=variant.job_id,
        hls_url=hls_url(variant.file),
        created_at=variant.created_at,
        updated_at=variant.updated_at,
        caption_revision_id=variant.caption_revision_id,
        interpreter_id=variant.interpreter_id,
        outdated=outdated_reasons(variant.item, variant),
    )


@router.get("", response_model=list[VariantOut], summary="List an item's variants")
def list_variants(item_id: Id, session: SessionDep, editor: EditorDep) -> list[VariantOut]:
    """Only finished variants: one appears when its job is done, never while it is written."""
    item = media.get_item(session, item_id, include_unpublished=editor)
    return [variant_out(v) for v in item.variants]


@router.post(
    "",
    response_model=JobOut,
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[RequireEditor],
    summary="Order variants",
)
def order_variants(
    item_id: Id, body: VariantOrder, session: SessionDep, queue: QueueDep, response: Response
) -> JobOut:
    """Queue one job that makes all ``kinds`` together. 422 names what is missing: a signed
    variant needs an interpreter recording, a captioned one a caption track. Follow the job at
    its ``url`` or, live, at its ``events_url``."""
    item = media.get_item(session, item_id, include_unpublished=True)
    job = variants.order_variants(
        session,
        queue,
        item,
        body.kinds,
        interpreter_id=body.interpreter_id,
        caption_track_id=body.caption_track_id,
    )
    response.headers["location"] = f"/api/jobs/{job.id}"
    return job_out(job, editor=True)
