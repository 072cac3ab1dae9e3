"""catalogue counts: narrow indexes that the catalogue's count of published items reads

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 14:20:00

A page of the catalogue counts the items it lists (for the pager). The listing indexes of
0004 hold the creation time and id too, so counting 100,000 items read twice the pages
(4 ms against 2 ms on SQLite, bench/catalogue.py).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("media_items") as batch_op:
        batch_op.create_index("ix_media_items_published", ["published"])
        batch_op.create_index("ix_media_items_published_kind", ["published", "kind"])


def downgrade() -> None:
    with op.batch_alter_table("media_items") as batch_op:
        batch_op.drop_index("ix_media_items_published_kind")
        batch_op.drop_index("ix_media_items_published")
