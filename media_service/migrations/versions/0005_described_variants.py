"""described variants: the description revision a described variant voices

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 08:20:00

Described variants are new values of the variant kind (stored as strings, so they need no
change); a described variant records the description track's revision it was made from, so
that a new revision marks it outdated.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("variants") as batch:
        batch.add_column(sa.Column("description_revision_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_variants_description_revision_id_caption_revisions",
            "caption_revisions",
            ["description_revision_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("variants") as batch:
        batch.drop_constraint("fk_variants_description_revision_id_caption_revisions", type_="foreignkey")
        batch.drop_column("description_revision_id")
