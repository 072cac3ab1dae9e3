"""HLS ladders of stored files: ordering them, and what is served of them.

Every published picture variant and every interpreter recording gets a ladder (job kind
``ladder``, run by ``services.ladder_jobs``). A ladder is a folder beside its file (under the
file's derived key), published whole by one rename in the transaction that records it, and
removed with its file. Only a ladder's row leads to its folder, so a ladder being made, or one
a crash left without a row, is never listed or served.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from media_service.config import Settings
from media_service.errors import NotFound
from media_service.jobs import records
from media_service.jobs.queue import JobQueue, enqueue_after_commit
from media_service.models import FileRole, HlsLadder, Job, JobState, MediaFile, MediaItem
from media_service.urls import caption_url
from transcode.facts import MediaFacts
from transcode.hls import Ladder, SubtitleRendition, master_playlist, subtitle_playlist

JOB_KIND = "ladder"
# What a ladder folder holds, one level deep: rendition playlists, init and media segments.
_LADDER_PATH = re.compile(r"(?P<folder>[0-9]{2,4}p|audio)/(?P<name>[a-z0-9_-]{1,40}\.(?P<ext>m3u8|mp4|m4s))")
PLAYLIST_TYPE = "application/vnd.apple.mpegurl"
CONTENT_TYPES = {"m3u8": PLAYLIST_TYPE, "mp4": "video/mp4", "m4s": "video/iso.segment"}
_ACTIVE = (JobState.QUEUED, JobState.RUNNING)


def wants_ladder(media_file: MediaFile) -> bool:
    """A picture variant or an interpreter recording with a moving picture gets a ladder."""
    if media_file.role not in (FileRole.VARIANT, FileRole.INTERPRETER) or not media_file.facts:
        return False
    return MediaFacts.from_dict(media_file.facts).has_video


def order_ladder(
    session: Session, queue: JobQueue | None, settings: Settings, item: MediaItem, media_file: MediaFile
) -> Job | None:
    """Queue a job making ``media_file``'s ladder, unless it needs none, has one or one is
    being made. Call with the file flushed; the job is enqueued when ``session`` commits
    (without a queue, the workers' recovery enqueues it)."""
    if not settings.hls or not wants_ladder(media_file) or media_file.ladder is not None:
        return None
    active = session.scalars(
        select(Job).where(Job.item_id == item.id, Job.kind == JOB_KIND, Job.state.in_(_ACTIVE))
    ).all()
    if any(job.payload.get("file_id") == media_file.id for job in active):
        return None
    job = records.create_job(session, item, JOB_KIND, {"file_id": media_file.id})
    if queue is not None:
        enqueue_after_commit(session, queue, job.id, job.lane)
    return job


def servable_ladder(session: Session, ladder_id: int, *, include_unpublished: bool) -> HlsLadder:
    """A ladder whose item is published (or any, for an editor); NotFound otherwise."""
    ladder = session.get(HlsLadder, ladder_id)
    if ladder is None or not (ladder.file.item.published or include_unpublished):
        raise NotFound(f"no HLS ladder {ladder_id}")
    return ladder


def _subtitles(ladder: HlsLadder) -> list[SubtitleRendition]:
    """The item's spoken caption tracks as WebVTT subtitle renditions (a film's ladders only:
    the signer's window shows none)."""
    if ladder.file.role is not FileRole.VARIANT:
        return []
    tracks = [t for t in ladder.file.item.captions if t.kind.is_spoken]
    return [
        SubtitleRendition(
            name=track.label or track.language,
            language=track.language,
            uri=f"subtitles/{track.id}.m3u8",
            default=index == 0,
        )
        for index, track in enumerate(tracks)
    ]


def master_text(ladder: HlsLadder, *, only_height: int | None = None) -> str:
    """The master playlist as served: the renditions recorded with the ladder, the item's
    current caption tracks as subtitles; ``only_height`` keeps one picture rendition (a
    viewer's fixed quality, for players that choose for themselves)."""
    described = Ladder.from_dict(ladder.description)
    if only_height is not None and only_height not in described.heights:
        raise NotFound(f"HLS ladder {ladder.id} has no {only_height}p rendition")
    return master_playlist(
        described,
        subtitles=_subtitles(ladder),
        audio_language=ladder.file.item.language,
        only_height=only_height,
    )


def subtitle_text(ladder: HlsLadder, track_id: int) -> str:
    """The one-segment media playlist of a caption track of the ladder's item."""
    track = next((t for t in ladder.file.item.captions if t.id == track_id and t.kind.is_spoken), None)
    if track is None or ladder.file.role is not FileRole.VARIANT:
        raise NotFound(f"HLS ladder {ladder.id} has no subtitles {track_id}")
    return subtitle_playlist(caption_url(track), Ladder.from_dict(ladder.description).duration)


@dataclass(frozen=True)
class LadderFile:
    key: str
    content_type: str
    is_playlist: bool


def ladder_file(ladder: HlsLadder, relative: str) -> LadderFile:
    """A file of a published ladder, by its path in the folder; NotFound for anything else."""
    match = _LADDER_PATH.fullmatch(relative)
    if match is None:
        raise NotFound(f"HLS ladder {ladder.id} has no file {relative}")
    extension = match["ext"]
    return LadderFile(f"{ladder.folder_key}/{relative}", CONTENT_TYPES[extension], extension == "m3u8")


def ladders_of(item: MediaItem) -> dict[int, HlsLadder]:
    """The item's ladders by the id of the file each was made from."""
    return {f.id: f.ladder for f in item.files if f.ladder is not None}
