"""speech spans: where a source file has speech, for timing audio descriptions

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 09:00:00

Files stored before this migration have none; the caption editor offers to find them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("media_files") as batch:
        batch.add_column(sa.Column("speech_spans", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("media_files") as batch:
        batch.drop_column("speech_spans")
