"""caption revisions, and what each variant was made from

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 10:00:00

Every existing track gets its first revision (its current file, by an unknown author). A
variant made before this records nothing; it is given the revision and the recording its
job was ordered with, and the layout its recording has now, so that it is not called outdated
for want of a record.
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "caption_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("cue_count", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("source_format", sa.String(length=10), nullable=False),
        sa.Column("restored_from", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["track_id"], ["caption_tracks.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("storage_key"),
        sa.UniqueConstraint("track_id", "number"),
    )
    op.create_index("ix_caption_revisions_track_id", "caption_revisions", ["track_id"])
    op.create_index("ix_caption_revisions_user_id", "caption_revisions", ["user_id"])
    # Batch mode: SQLite adds a foreign key only by rebuilding the table.
    with op.batch_alter_table("variants") as batch:
        batch.add_column(sa.Column("caption_revision_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("interpreter_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("interpreter_layout", sa.JSON(), nullable=True))
        batch.create_foreign_key(
            "fk_variants_caption_revision_id_caption_revisions",
            "caption_revisions",
            ["caption_revision_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_foreign_key(
            "fk_variants_interpreter_id_interpreter_recordings",
            "interpreter_recordings",
            ["interpreter_id"],
            ["id"],
            ondelete="SET NULL",
        )
    _first_revisions()
    _record_what_variants_were_made_from()


def _first_revisions() -> None:
    connection = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None)
    tracks = connection.execute(
        sa.text("SELECT id, storage_key, cue_count, source_format FROM caption_tracks")
    )
    for track_id, key, cue_count, source_format in tracks.all():
        connection.execute(
            sa.text(
                "INSERT INTO caption_revisions (track_id, number, storage_key, cue_count, origin, "
                "source_format, author, created_at) "
                "VALUES (:track, 1, :key, :cues, 'upload', :format, '', :now)"
            ),
            {"track": track_id, "key": key, "cues": cue_count, "format": source_format, "now": now},
        )


def _record_what_variants_were_made_from() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT variants.id, jobs.payload FROM variants JOIN jobs ON jobs.id = variants.job_id")
    ).all()
    for variant_id, payload in rows:
        ordered = json.loads(payload) if isinstance(payload, str) else (payload or {})
        kinds = ordered.get("kinds", [])
        values: dict[str, object] = {"id": variant_id, "revision": None, "recording": None, "layout": None}
        if (track_id := ordered.get("caption_track_id")) is not None:
            values["revision"] = connection.scalar(
                sa.text("SELECT id FROM caption_revisions WHERE track_id = :track"), {"track": track_id}
            )
        if (recording_id := ordered.get("interpreter_id")) is not None:
            recording = connection.execute(
                sa.text("SELECT layout, offset_seconds FROM interpreter_recordings WHERE id = :id"),
                {"id": recording_id},
            ).first()
            if recording is not None:
                layout = json.loads(recording[0]) if isinstance(recording[0], str) else recording[0]
                values["recording"] = recording_id
                values["layout"] = json.dumps({"layout": layout, "offset_seconds": recording[1]})
        if not kinds or (values["revision"] is None and values["recording"] is None):
            continue
        connection.execute(
            sa.text(
                "UPDATE variants SET caption_revision_id = :revision, interpreter_id = :recording, "
                "interpreter_layout = :layout WHERE id = :id"
            ),
            values,
        )


def downgrade() -> None:
    with op.batch_alter_table("variants") as batch:
        batch.drop_constraint("fk_variants_interpreter_id_interpreter_recordings", type_="foreignkey")
        batch.drop_constraint("fk_variants_caption_revision_id_caption_revisions", type_="foreignkey")
        batch.drop_column("interpreter_layout")
        batch.drop_column("interpreter_id")
        batch.drop_column("caption_revision_id")
    op.drop_index("ix_caption_revisions_user_id", table_name="caption_revisions")
    op.drop_index("ix_caption_revisions_track_id", table_name="caption_revisions")
    op.drop_table("caption_revisions")
