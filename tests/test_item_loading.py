"""An item is loaded with everything a page shows of it in a fixed number of statements, however
many items, files, variants and documents: one for the items and one for each of their lists
(files, captions, interpreters, variants, documents). A variant's or a document's file is one
of the item's files, already loaded, and costs no statement of its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from media_service.api.schemas import item_out
from media_service.db import make_engine, make_session_factory, migrate
from media_service.models import Document, FileRole, MediaFile, MediaItem, Variant
from media_service.services import accessibility, media
from media_service.web.views import search_result_view
from transcode.kinds import VariantKind

STATEMENTS = 6  # the items, then files, captions, interpreters, variants, documents


@pytest.fixture
def library(tmp_path: Path) -> Iterator[tuple[Engine, sessionmaker[Session]]]:
    url = f"sqlite:///{tmp_path / 'tolk.db'}"
    migrate(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with sessions() as session:
        for number in range(5):
            item = MediaItem(kind="film", title=f"Film {number}", published=True)
            session.add(item)
            session.flush()
            roles = [FileRole.SOURCE, FileRole.VARIANT, FileRole.VARIANT, FileRole.DOCUMENT]
            files = [
                MediaFile(
                    item_id=item.id,
                    role=role,
                    storage_key=f"ab/{number}-{index}.mp4",
                    content_type="video/mp4",
                    size_bytes=1,
                    sha256="0" * 64,
                )
                for index, role in enumerate(roles)
            ]
            session.add_all(files)
            session.flush()
            session.add_all(
                [
                    Variant(item_id=item.id, kind=VariantKind.CAPTIONED, file_id=files[1].id),
                    Variant(item_id=item.id, kind=VariantKind.SIGNED, file_id=files[2].id),
                    Document(item_id=item.id, file_id=files[3].id, title="Manus", language="sv"),
                ]
            )
        session.commit()
    yield engine, sessions
    engine.dispose()


def _counted(engine: Engine) -> list[str]:
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _k, statement, *_: statements.append(statement))
    return statements


@pytest.mark.parametrize("only_one", [True, False])
def test_items_load_in_a_fixed_number_of_statements(
    library: tuple[Engine, sessionmaker[Session]], only_one: bool
) -> None:
    engine, sessions = library
    statements = _counted(engine)
    query = media.item_query()
    if only_one:
        query = query.where(MediaItem.id == 1)
    with sessions() as session:
        items = list(session.scalars(query))
        shown = [variant.file.storage_key for item in items for variant in item.variants]
        shown += [document.file.storage_key for item in items for document in item.documents]
    assert len(items) == (1 if only_one else 5)
    assert len(shown) == 3 * len(items)
    assert len(statements) == STATEMENTS, statements


def test_a_catalogue_page_shows_its_items_in_a_fixed_number_of_statements(
    library: tuple[Engine, sessionmaker[Session]],
) -> None:
    # A page loads what its cards, the API's listing and the editors' accessibility column
    # show (files and their ladders, captions, interpreters, variants), nothing more, and
    # nothing lazily later (a file's ladder once cost a statement for each item).
    engine, sessions = library
    with sessions() as session:
        statements = _counted(engine)
        page = media.catalogue_page(session, media.CatalogueQuery(per_page=3, page=2))
        for item in page.items:
            search_result_view(item, None)
            item_out(item)
            accessibility.summarise(item)
    assert page.total == 5 and len(page.items) == 2
    # the count and the page's ids; the items, files, ladders, captions, interpreters, variants
    assert len(statements) == 2 + 6, [statement.split("\n")[0][:80] for statement in statements]
