"""The migrations and models.py describe the same schema, on SQLite and PostgreSQL, and the
caption revisions migration gives existing tracks their first revision and existing variants
the record of what they were made from."""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from media_service.db import alembic_config, migrate
from media_service.models import Base

# The full-text index is the engine's own (SQLite's FTS5 table and its shadow tables, PostgreSQL's
# expression index), made by migration 0004 and kept out of models.py on purpose.
_ENGINE_OWN = ("search_fts", "ix_search_entries_document")


def _described_by_models(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    return not (name or "").startswith(_ENGINE_OWN)


def test_the_migrations_make_the_schema_models_py_describes(database_url: str) -> None:
    migrate(database_url)
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"include_object": _described_by_models})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_existing_tracks_and_variants_are_carried_over(database_url: str) -> None:
    config = alembic_config(database_url)
    command.upgrade(config, "0002")
    engine = sa.create_engine(database_url)
    now = "2026-01-01 00:00:00"
    rows = {
        "media_items": "(id, kind, title, description, language, published, created_at, updated_at) "
        f"VALUES (1, 'film', 'F', '', 'sv', false, '{now}', '{now}')",
        "media_files": "(id, item_id, role, storage_key, content_type, size_bytes, sha256, original_name, "
        f"created_at) VALUES (1, 1, 'variant', 'ab/v.mp4', 'video/mp4', 1, 'x', '', '{now}')",
        "caption_tracks": "(id, item_id, language, kind, label, storage_key, source_format, cue_count, "
        "created_at, updated_at) VALUES "
        f"(1, 1, 'sv', 'captions', 'Svenska', 'ab/t.vtt', 'srt', 3, '{now}', '{now}')",
        "jobs": "(id, item_id, kind, state, payload, progress, attempts, cancel_requested, created_at, "
        "updated_at) VALUES (1, 1, 'variants', 'done', '"
        + json.dumps({"kinds": ["captioned"], "source_file_id": 1, "caption_track_id": 1})
        + f"', 1.0, 1, false, '{now}', '{now}')",
        "variants": "(id, item_id, kind, file_id, job_id, created_at, updated_at) "
        f"VALUES (1, 1, 'captioned', 1, 1, '{now}', '{now}')",
    }
    try:
        with engine.begin() as connection:
            for table, values in rows.items():
                connection.execute(sa.text(f"INSERT INTO {table} {values}"))
        command.upgrade(config, "0003")
        with engine.connect() as connection:
            revision = connection.execute(
                sa.text(
                    "SELECT id, track_id, number, storage_key, cue_count, source_format "
                    "FROM caption_revisions"
                )
            ).one()
            variant = connection.execute(
                sa.text("SELECT caption_revision_id, interpreter_id FROM variants WHERE id = 1")
            ).one()
    finally:
        engine.dispose()
    assert tuple(revision)[1:] == (1, 1, "ab/t.vtt", 3, "srt")
    assert tuple(variant) == (revision[0], None)


def test_search_rowids_name_the_item_and_go_back(tmp_path) -> None:
    # 0012 renumbers SQLite's full-text index: (item_id << 32) | entry id, and back on downgrade.
    url = f"sqlite:///{tmp_path / 'tolk.db'}"
    config = alembic_config(url)
    command.upgrade(config, "0011")
    engine = sa.create_engine(url)
    now = "2026-01-01 00:00:00"
    matching = sa.text("SELECT rowid FROM search_fts WHERE search_fts MATCH 'kommun' ORDER BY rowid")
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO media_items (id, kind, title, description, language, published, "
                    f"created_at, updated_at) VALUES (7, 'film', 'K', '', 'sv', true, '{now}', '{now}')"
                )
            )
            connection.execute(
                sa.text(
                    "INSERT INTO search_entries (id, item_id, field, text, stems) VALUES "
                    "(3, 7, 'title', 'Kommunen', 'kommun'), (5, 7, 'caption', 'Skog', 'skog')"
                )
            )
        command.upgrade(config, "0012")
        with engine.begin() as connection:
            assert list(connection.execute(matching).scalars()) == [(7 << 32) | 3]
            connection.execute(
                sa.text(
                    "INSERT INTO search_entries (id, item_id, field, text, stems) "
                    "VALUES (9, 7, 'description', 'kommun', 'kommun')"
                )
            )
            connection.execute(sa.text("DELETE FROM search_entries WHERE id = 3"))
            assert list(connection.execute(matching).scalars()) == [(7 << 32) | 9]
        command.downgrade(config, "0011")
        with engine.connect() as connection:
            assert list(connection.execute(matching).scalars()) == [9]
    finally:
        engine.dispose()
