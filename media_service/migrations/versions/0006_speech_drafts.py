"""speech drafts: caption tracks made from speech wait as drafts; automatic revisions' notes

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 08:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("caption_tracks") as batch_op:
        batch_op.add_column(sa.Column("draft", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("caption_revisions") as batch_op:
        batch_op.add_column(sa.Column("speech", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("caption_revisions") as batch_op:
        batch_op.drop_column("speech")
    with op.batch_alter_table("caption_tracks") as batch_op:
        batch_op.drop_column("draft")
