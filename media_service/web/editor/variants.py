"""An item's variants: what each kind still needs, ordering them, following their jobs."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response

from media_service.deps import EditorActor, SessionDep
from media_service.errors import ServiceError
from media_service.i18n import choose_language, translator
from media_service.models import MediaItem, VariantKind
from media_service.services import variants
from media_service.services.variant_freshness import outdated_variants
from media_service.web.editor.base import (
    FORM,
    EditorPage,
    PageAnswer,
    editable_item,
    editor_router,
    item_page,
    redirect,
)

router = editor_router()


# The message that names what a variant kind still needs.
_NEEDS_MESSAGE = {
    variants.MissingInput.SOURCE: "editor_variant_needs_file",
    variants.MissingInput.INTERPRETER: "editor_variant_needs_interpreter",
    variants.MissingInput.CAPTIONS: "editor_variant_needs_captions",
    variants.MissingInput.DESCRIPTIONS: "editor_variant_needs_descriptions",
}


def _variant_needs(item: MediaItem) -> dict[str, str | None]:
    """Per variant kind, the message key of what it still needs, or None when it can be made."""
    return {
        kind.value: _NEEDS_MESSAGE[missing] if missing else None
        for kind, missing in variants.missing_inputs(item).items()
    }


def _variants_page(
    request: Request, item: MediaItem, errors: dict[str, str] | None = None, status_code: int = 200
) -> HTMLResponse:
    context = {
        "needs": _variant_needs(item),
        "jobs": sorted(item.jobs, key=lambda job: job.id, reverse=True),
        "made": item.variants,
        "outdated": outdated_variants(item),
        "errors": errors or {},
    }
    return item_page(request, item, "variants", "variants.html", context, status_code)


@router.get("/items/{item_id}/variants", response_class=HTMLResponse)
def variants_page(request: Request, item_id: int, session: SessionDep, actor: EditorPage) -> Response:
    return _variants_page(request, editable_item(session, item_id))


@router.post("/items/{item_id}/variants", summary="Order variants", dependencies=FORM)
def order_variants(
    request: Request,
    item_id: int,
    session: SessionDep,
    actor: EditorActor,
    kinds: Annotated[list[str] | None, Form()] = None,
) -> Response:
    item = editable_item(session, item_id)
    chosen = [VariantKind(k) for k in kinds or [] if k in VariantKind._value2member_map_]
    if not chosen:
        t = translator(choose_language(request))
        raise PageAnswer(_variants_page(request, item, {"kinds": t("editor_choose_kind")}, 422))
    try:
        variants.order_variants(session, request.app.state.job_queue, item, chosen)
    except ServiceError as error:
        raise PageAnswer(_variants_page(request, item, {"kinds": error.message}, 422)) from error
    return redirect(f"/editor/items/{item.id}/variants", "ordered")
