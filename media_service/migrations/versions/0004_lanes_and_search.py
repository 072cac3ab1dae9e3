"""lanes and search: a job's lane, an index per catalogue order and filter, full-text search

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-01 10:00:00

The full-text index is the engine's own: on SQLite an FTS5 table ``search_fts`` over the
Swedish stems of ``search_entries`` (kept in step by triggers, so even a cascade delete
updates it); on PostgreSQL a GIN index on ``to_tsvector('swedish', text)``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FTS_COLUMNS = ("title", "description", "caption")


def _fts_values(row: str) -> str:
    """The FTS5 columns of a ``search_entries`` row: its stems in the column of its field."""
    return ", ".join(f"CASE WHEN {row}.field = '{name}' THEN {row}.stems END" for name in _FTS_COLUMNS)


def _sqlite_search() -> list[str]:
    columns = ", ".join(_FTS_COLUMNS)
    return [
        # Contentless: the text lives in search_entries; diacritics are kept (far, får, fär differ).
        f"CREATE VIRTUAL TABLE search_fts USING fts5({columns}, content='', "
        "tokenize='unicode61 remove_diacritics 0')",
        f"""CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN
            INSERT INTO search_fts(rowid, {columns}) VALUES (new.id, {_fts_values("new")});
        END""",
        f"""CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN
            INSERT INTO search_fts(search_fts, rowid, {columns})
            VALUES ('delete', old.id, {_fts_values("old")});
        END""",
        f"""CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN
            INSERT INTO search_fts(search_fts, rowid, {columns})
            VALUES ('delete', old.id, {_fts_values("old")});
            INSERT INTO search_fts(rowid, {columns}) VALUES (new.id, {_fts_values("new")});
        END""",
    ]


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.add_column(
            sa.Column(
                "lane",
                sa.Enum("watchable", "general", name="joblane", native_enum=False, length=32),
                nullable=False,
                server_default="general",
            )
        )
    with op.batch_alter_table("media_items") as batch_op:
        batch_op.drop_index("ix_media_items_published")
        batch_op.create_index("ix_media_items_published_created", ["published", "created_at", "id"])
        batch_op.create_index("ix_media_items_created", ["created_at", "id"])
        batch_op.create_index(
            "ix_media_items_published_kind_created", ["published", "kind", "created_at", "id"]
        )
        batch_op.create_index("ix_media_items_kind_created", ["kind", "created_at", "id"])
    op.create_table(
        "search_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=True),
        sa.Column(
            "field",
            sa.Enum("title", "description", "caption", name="searchfield", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("start_ms", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("stems", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["media_items.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["track_id"], ["caption_tracks.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_search_entries_item_id", "search_entries", ["item_id"])
    op.create_index("ix_search_entries_track_id", "search_entries", ["track_id"])
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in _sqlite_search():
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(
            "CREATE INDEX ix_search_entries_document ON search_entries "
            "USING gin (to_tsvector('swedish'::regconfig, text))"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("search_entries_au", "search_entries_ad", "search_entries_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table("search_entries")
    with op.batch_alter_table("media_items") as batch_op:
        for name in (
            "ix_media_items_kind_created",
            "ix_media_items_published_kind_created",
            "ix_media_items_created",
            "ix_media_items_published_created",
        ):
            batch_op.drop_index(name)
        batch_op.create_index("ix_media_items_published", ["published"])
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.drop_column("lane")
