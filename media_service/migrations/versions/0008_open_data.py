"""open data: an item's licence and first publication time, documents that go with an item

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 08:00:00

Items published before this migration are dated by their creation (``published_at``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("media_items") as batch:
        batch.add_column(sa.Column("published_at", sa.DateTime(), nullable=True))
        batch.add_column(
            sa.Column("licence", sa.String(length=40), nullable=False, server_default="CC-BY-4.0")
        )
    op.execute("UPDATE media_items SET published_at = created_at WHERE published")
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["file_id"], ["media_files.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["item_id"], ["media_items.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_documents_item_id", "documents", ["item_id"])


def downgrade() -> None:
    op.drop_index("ix_documents_item_id", table_name="documents")
    op.drop_table("documents")
    with op.batch_alter_table("media_items") as batch:
        batch.drop_column("licence")
        batch.drop_column("published_at")
