"""The ladder job (kind ``ladder``, ordered by ``services.ladders.order_ladder``).

One ffmpeg run (``transcode.hls.build_ladder``: one decode, split, one scale per rung) writes
every rendition into the job's scratch folder. Only when ffmpeg has finished and every
rendition's playlist and segments are there (``describe_ladder``) is the master playlist
written, last; the folder is then moved into storage by one rename in the transaction that
marks the job done and records the ladder. A worker killed at any moment leaves only scratch
(removed when the job is recovered), and the job runs again from the start.
"""

from __future__ import annotations

import secrets

from media_service.db import session_scope
from media_service.jobs.context import JobContext, UnrunnableJob
from media_service.models import FileRole, HlsLadder, MediaFile
from media_service.services.cleanup import delete_after_rollback
from media_service.services.ladders import wants_ladder
from transcode.facts import MediaFacts
from transcode.hls import (
    MASTER_NAME,
    IncompleteLadder,
    LadderJob,
    LadderSettings,
    build_ladder,
    describe_ladder,
    master_playlist,
)

FILE_GONE = "the file this ladder was ordered for has been replaced or removed"


def run_ladder_job(context: JobContext) -> None:
    """Make the ladder of the job's file and publish it whole (the job handler)."""
    file_id = context.payload["file_id"]
    with session_scope(context.sessions) as session:
        media_file = session.get(MediaFile, file_id)
        if media_file is None or not wants_ladder(media_file):
            raise UnrunnableJob(FILE_GONE)
        assert media_file.facts is not None
        source_key = media_file.storage_key
        facts = MediaFacts.from_dict(media_file.facts)
        # The signer's window is silent: its ladder has no sound.
        with_audio = media_file.role is FileRole.VARIANT
    settings = context.settings
    ladder_settings = LadderSettings(
        segment_seconds=settings.hls_segment_seconds, preset=settings.variant_preset, crf=settings.variant_crf
    )
    with context.work_dir() as work_dir, context.storage.local_file(source_key) as source:
        out_dir = work_dir / "ladder"
        try:
            plan = build_ladder(LadderJob(source, facts, out_dir, ladder_settings, with_audio=with_audio))
        except ValueError as error:
            raise UnrunnableJob(f"no ladder can be made: {error}") from error
        plan.make_folders()
        context.check_cancelled()
        context.run_ffmpeg(plan.args, plan.duration)
        try:
            ladder = describe_ladder(plan, out_dir, ladder_settings.segment_seconds)
        except IncompleteLadder as error:
            raise RuntimeError(f"ffmpeg left the ladder unfinished: {error}") from error
        # Written last: a folder with a master playlist is a whole ladder.
        (out_dir / MASTER_NAME).write_text(master_playlist(ladder), encoding="utf-8")
        with session_scope(context.sessions) as session:
            context.finish(session)
            media_file = session.get(MediaFile, file_id)
            if media_file is None:
                raise UnrunnableJob(FILE_GONE)
            if media_file.ladder is not None:
                return  # made meanwhile by a duplicate job
            key = context.storage.derived_key(media_file.storage_key, f"hls-{secrets.token_hex(8)}")
            delete_after_rollback(session, context.storage, [key])
            context.storage.commit_folder(out_dir, key)
            media_file.ladder = HlsLadder(folder_key=key, job_id=context.job_id, description=ladder.to_dict())
