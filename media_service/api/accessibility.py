"""/api/media/{id}/accessibility: the item's WCAG summary (``services.accessibility``)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from media_service.deps import EditorDep, SessionDep
from media_service.openapi import Id
from media_service.services import accessibility, media

router = APIRouter(prefix="/api/media/{item_id}/accessibility", tags=["media"])


class CheckOut(BaseModel):
    criterion: str = Field(description="The WCAG 2.1 success criterion, e.g. 1.2.5")
    level: accessibility.Level
    status: accessibility.Status
    missing: accessibility.Missing | None = Field(description="What would meet it, when not met")


class AccessibilityOut(BaseModel):
    level: accessibility.Level | None = Field(description="The highest level met, or null")
    meets_aa: bool
    meets_aaa: bool
    missing_for_aa: list[accessibility.Missing]
    missing_for_aaa: list[accessibility.Missing]
    has: dict[str, bool] = Field(description="What the item has: captions, descriptions, sign language …")
    checks: list[CheckOut]


def accessibility_out(summary: accessibility.Summary) -> AccessibilityOut:
    features = summary.features
    return AccessibilityOut(
        level=summary.level,
        meets_aa=summary.meets(accessibility.Level.AA),
        meets_aaa=summary.meets(accessibility.Level.AAA),
        missing_for_aa=summary.missing_for(accessibility.Level.AA),
        missing_for_aaa=summary.missing_for(accessibility.Level.AAA),
        has={
            "captions": features.captions,
            "descriptions": features.descriptions,
            "extended_descriptions": features.extended,
            "sign_language": features.sign_language,
            "transcript": features.transcript,
        },
        checks=[CheckOut(**vars(check)) for check in summary.checks],
    )


@router.get("", response_model=AccessibilityOut, summary="An item's accessibility summary (WCAG 2.1)")
def get_accessibility(item_id: Id, session: SessionDep, editor: EditorDep) -> AccessibilityOut:
    """WCAG 2.1's criteria for prerecorded media (1.2.1–1.2.3, 1.2.5–1.2.8): met, not met or not
    applicable, from what the item has, and what is missing for AA and AAA."""
    item = media.get_item(session, item_id, include_unpublished=editor)
    return accessibility_out(accessibility.summarise(item))
