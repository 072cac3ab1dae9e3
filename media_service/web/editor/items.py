"""The editor's home (every item) and an item's details: make, change, publish, delete."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from media_service.deps import EditorActor, SessionDep, StorageDep
from media_service.i18n import choose_language
from media_service.models import MediaItem
from media_service.services import accessibility, media
from media_service.services.paging import page_count
from media_service.services.shapes import ItemCreate, ItemUpdate
from media_service.web.editor.base import (
    FORM,
    EditorPage,
    PageAnswer,
    editable_item,
    editor_router,
    form_errors,
    item_page,
    page,
    redirect,
)
from media_service.web.views import item_view

router = editor_router()

ITEMS_PER_PAGE = 50


@router.get("", response_class=HTMLResponse)
def home(
    request: Request,
    session: SessionDep,
    actor: EditorPage,
    page_number: Annotated[int, Query(ge=1, alias="page")] = 1,
    shown: Annotated[Literal["all", "not-aa", "not-aaa"], Query(alias="accessibility")] = "all",
) -> Response:
    query = media.CatalogueQuery(include_unpublished=True, page=page_number, per_page=ITEMS_PER_PAGE)
    if shown == "all":
        items, total = media.list_items(session, query)
    else:
        level = accessibility.Level.AA if shown == "not-aa" else accessibility.Level.AAA
        items, total = accessibility.list_items_not_meeting(session, query, level)
    context = {
        "entries": [item_view(i) for i in items],
        "page": page_number,
        "pages": page_count(total, ITEMS_PER_PAGE),
        "shown": shown,
    }
    return page(request, "home.html", context)


@router.get("/items/new", response_class=HTMLResponse)
def new_item_form(request: Request, actor: EditorPage) -> Response:
    return page(request, "item_new.html", {"values": {"kind": "film", "language": "sv"}})


@router.post("/items", summary="Create an item", dependencies=FORM)
def create_item(
    request: Request,
    session: SessionDep,
    actor: EditorActor,
    kind: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    language: Annotated[str, Form()] = "sv",
    licence: Annotated[str, Form()] = "CC-BY-4.0",
) -> Response:
    values = {
        "kind": kind,
        "title": title,
        "description": description,
        "language": language,
        "licence": licence,
    }
    try:
        fields = ItemCreate.model_validate(values).model_dump()
    except ValidationError as error:
        errors = form_errors(error, choose_language(request))
        raise PageAnswer(page(request, "item_new.html", {"values": values, "errors": errors}, 422)) from error
    item = media.create_item(session, fields)
    return redirect(f"/editor/items/{item.id}", "created")


def _item_values(item: MediaItem) -> dict[str, str]:
    return {
        "kind": item.kind.value,
        "title": item.title,
        "description": item.description,
        "language": item.language,
        "licence": item.licence,
    }


@router.get("/items/{item_id}", response_class=HTMLResponse)
def item_details(request: Request, item_id: int, session: SessionDep, actor: EditorPage) -> Response:
    item = editable_item(session, item_id)
    return item_page(request, item, "details", "item.html", {"values": _item_values(item)})


@router.post("/items/{item_id}", summary="Update an item's details", dependencies=FORM)
def update_item(
    request: Request,
    item_id: int,
    session: SessionDep,
    actor: EditorActor,
    kind: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    language: Annotated[str, Form()] = "",
    licence: Annotated[str | None, Form()] = None,
) -> Response:
    item = editable_item(session, item_id)
    values = {"kind": kind, "title": title, "description": description, "language": language}
    if licence is not None:  # a form from before licences keeps the item's
        values["licence"] = licence
    try:
        changes = ItemUpdate.model_validate(values).model_dump(exclude_unset=True)
    except ValidationError as error:
        errors = form_errors(error, choose_language(request))
        context = {"values": values, "errors": errors}
        raise PageAnswer(item_page(request, item, "details", "item.html", context, 422)) from error
    media.update_item(session, item, changes)
    return redirect(f"/editor/items/{item.id}", "saved")


@router.post("/items/{item_id}/publish", summary="Publish or unpublish an item", dependencies=FORM)
def publish_item(
    item_id: int, session: SessionDep, actor: EditorActor, published: Annotated[bool, Form()]
) -> Response:
    item = media.update_item(session, editable_item(session, item_id), {"published": published})
    return redirect(f"/editor/items/{item.id}", "published" if published else "unpublished")


@router.get("/items/{item_id}/delete", response_class=HTMLResponse)
def delete_item_form(request: Request, item_id: int, session: SessionDep, actor: EditorPage) -> Response:
    return item_page(request, editable_item(session, item_id), "details", "item_delete.html", {})


@router.post("/items/{item_id}/delete", summary="Delete an item", dependencies=FORM)
def delete_item(item_id: int, session: SessionDep, storage: StorageDep, actor: EditorActor) -> Response:
    media.delete_item(session, storage, editable_item(session, item_id))
    return redirect("/editor", "deleted")
