"""The editor's pages under /editor, one module per tab an editor sees: logging in (login),
items and their details (items), captions (and the caption editor, caption_editor), the
interpreter, variants, and tokens with the audit log (accounts); base holds what they share."""

from __future__ import annotations

from fastapi import APIRouter

from media_service.web.editor import (
    accounts,
    caption_editor,
    captions,
    documents,
    interpreter,
    items,
    login,
    variants,
)
from media_service.web.editor.base import PageAnswer, answer_with_page

router = APIRouter()
for module in (login, items, captions, caption_editor, interpreter, variants, documents, accounts):
    router.include_router(module.router)

__all__ = ["PageAnswer", "answer_with_page", "router"]
