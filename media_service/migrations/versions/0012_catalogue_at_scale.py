"""catalogue at scale: search rowids that name the item, and an index for the filters' counts

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 18:30:00

On SQLite, ``search_fts``'s rowid becomes ``(item_id << 32) | id`` of its ``search_entries`` row, so a
search reads the item of every matching entry from the index itself (``rowid >> 32``) instead
of looking each entry up in ``search_entries``: for a word in one item in five at 100,000
items, that lookup was a third of the search. Entry ids stay below 2**32 and item ids below
2**31, so the rowid fits SQLite's 64-bit integer. PostgreSQL's GIN index is not touched.

``ix_media_items_id_published_kind`` lets a count of the items with captions or sign language
test each one's published state and kind in a small index rather than in its row (SQLite at
100,000 items, 10,000 captioned: 3.6 ms against 6.9 ms). It starts with ``id``, so no listing
can take it for its order.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FTS_COLUMNS = ("title", "description", "caption")
_TRIGGERS = ("search_entries_au", "search_entries_ad", "search_entries_ai")


def _fts_values(row: str) -> str:
    """The FTS5 columns of a ``search_entries`` row: its stems in the column of its field."""
    return ", ".join(f"CASE WHEN {row}.field = '{name}' THEN {row}.stems END" for name in _FTS_COLUMNS)


def _rebuild(rowid: str) -> list[str]:
    """Statements making ``search_fts`` anew, each entry under ``rowid`` (of a row named
    ``row``), with the triggers that keep it in step with ``search_entries``."""
    columns = ", ".join(_FTS_COLUMNS)

    def of(row: str) -> str:
        return rowid.replace("row.", f"{row}.")

    return [
        *(f"DROP TRIGGER IF EXISTS {name}" for name in _TRIGGERS),
        "DROP TABLE IF EXISTS search_fts",
        # Contentless: the text lives in search_entries; diacritics are kept (far, får, fär differ).
        f"CREATE VIRTUAL TABLE search_fts USING fts5({columns}, content='', "
        "tokenize='unicode61 remove_diacritics 0')",
        f"INSERT INTO search_fts(rowid, {columns}) "
        f"SELECT {of('search_entries')}, {_fts_values('search_entries')} FROM search_entries",
        f"""CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN
            INSERT INTO search_fts(rowid, {columns}) VALUES ({of("new")}, {_fts_values("new")});
        END""",
        f"""CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN
            INSERT INTO search_fts(search_fts, rowid, {columns})
            VALUES ('delete', {of("old")}, {_fts_values("old")});
        END""",
        f"""CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN
            INSERT INTO search_fts(search_fts, rowid, {columns})
            VALUES ('delete', {of("old")}, {_fts_values("old")});
            INSERT INTO search_fts(rowid, {columns}) VALUES ({of("new")}, {_fts_values("new")});
        END""",
    ]


def upgrade() -> None:
    op.create_index("ix_media_items_id_published_kind", "media_items", ["id", "published", "kind"])
    if op.get_bind().dialect.name == "sqlite":
        for statement in _rebuild("((row.item_id << 32) | row.id)"):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in _rebuild("row.id"):
            op.execute(statement)
    op.drop_index("ix_media_items_id_published_kind", table_name="media_items")
