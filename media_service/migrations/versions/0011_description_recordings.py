"""description recordings: the describer's recording a described variant was mixed from

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 09:40:00

The recording itself is a media file of role ``description_recording`` (roles are plain
strings: no DDL); a variant records which one it mixed, so a new recording outdates it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("variants") as batch:
        # No foreign key: the id is kept after the recording is deleted (models.Variant).
        batch.add_column(sa.Column("description_file_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("variants") as batch:
        batch.drop_column("description_file_id")
