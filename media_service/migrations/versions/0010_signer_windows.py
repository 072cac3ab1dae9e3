"""signer windows: an interpreter recording's browser-ready file for the sign window

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 09:00:00

Recordings stored before this migration have none until they are uploaded again; the sign
window plays their HLS ladder meanwhile (never the upload itself).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("interpreter_recordings") as batch:
        batch.add_column(sa.Column("window_file_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_interpreter_recordings_window_file",
            "media_files",
            ["window_file_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("interpreter_recordings") as batch:
        batch.drop_constraint("fk_interpreter_recordings_window_file", type_="foreignkey")
        batch.drop_column("window_file_id")
