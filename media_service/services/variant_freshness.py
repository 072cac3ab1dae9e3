"""Variants never go stale: whether one is outdated, and remaking outdated variants.

A job records what it is ordered from (``made_from``: the caption revision, the interpreter
recording and its layout with the offset), and its variants keep that record when they are
published (``variant_jobs``). A variant is outdated when its track has a newer revision (or was
deleted), or its recording was deleted or placed or timed otherwise since, or (described) its
describer's recording was replaced, deleted or uploaded since. After such a change
``remake_outdated`` orders one job for what is outdated, unless ``TOLK_REMAKE_OUTDATED_VARIANTS``
is off; the old variant is served meanwhile, until the new job publishes its replacement.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from media_service.config import Settings
from media_service.errors import Conflict, Invalid
from media_service.jobs import records
from media_service.jobs.queue import JobQueue
from media_service.models import (
    Job,
    JobState,
    MediaItem,
    Variant,
    VariantKind,
)
from media_service.services import variants
from media_service.services.made_from import layout_record


class Outdated(enum.StrEnum):
    """Why a variant no longer shows what the item has."""

    CAPTIONS = "captions"  # its caption track has a newer revision, or was deleted
    INTERPRETER = "interpreter"  # its interpreter recording was deleted
    LAYOUT = "layout"  # its recording was placed or timed otherwise since
    DESCRIPTIONS = "descriptions"  # its description track has a newer revision, or was deleted
    # Its describer's recording was replaced or deleted, or one was uploaded since.
    DESCRIPTION_RECORDING = "description_recording"


@dataclass(frozen=True)
class Remake:
    """How outdated variants are remade after a change: jobs go to ``queue`` when ``automatic``."""

    queue: JobQueue
    automatic: bool = True

    @classmethod
    def of(cls, queue: JobQueue, settings: Settings) -> Remake:
        return cls(queue, settings.remake_outdated_variants)


def _reasons(
    item: MediaItem,
    kinds: Iterable[VariantKind],
    revision_id: int | None,
    recording_id: int | None,
    layout: dict[str, Any] | None,
    description_revision_id: int | None = None,
    description_file_id: int | None = None,
) -> list[Outdated]:
    kinds = list(kinds)
    reasons = []
    if any(kind.has_captions for kind in kinds):
        current = {t.current_revision.id for t in item.captions if t.current_revision is not None}
        if revision_id is None or revision_id not in current:
            reasons.append(Outdated.CAPTIONS)
    if any(kind.has_signer for kind in kinds):
        recording = next((r for r in item.interpreters if r.id == recording_id), None)
        if recording is None:
            reasons.append(Outdated.INTERPRETER)
        elif layout != layout_record(recording):
            reasons.append(Outdated.LAYOUT)
    described = [kind for kind in kinds if kind.has_descriptions]
    recorded = variants.description_recording(item)
    # Mixed from a recording, or should be: the recording is what it must have mixed.
    from_recording = any(not kind.is_extended for kind in described) and (
        recorded is not None or description_file_id is not None
    )
    if from_recording and (recorded is None or recorded.id != description_file_id):
        reasons.append(Outdated.DESCRIPTION_RECORDING)
    if any(kind.is_extended for kind in described) or (described and recorded is None):
        track = variants.description_track(item)
        voiced = track.current_revision if track is not None else None
        if voiced is None or voiced.id != description_revision_id:
            reasons.append(Outdated.DESCRIPTIONS)
    return reasons


def outdated_reasons(item: MediaItem, variant: Variant) -> list[Outdated]:
    """Why ``variant`` is outdated; empty when it shows what the item has now."""
    return _reasons(
        item,
        [variant.kind],
        variant.caption_revision_id,
        variant.interpreter_id,
        variant.interpreter_layout,
        variant.description_revision_id,
        variant.description_file_id,
    )


def outdated_variants(item: MediaItem) -> dict[int, list[Outdated]]:
    """The item's outdated variants, by id, with why."""
    found = {variant.id: outdated_reasons(item, variant) for variant in item.variants}
    return {variant_id: reasons for variant_id, reasons in found.items() if reasons}


def _job_reasons(item: MediaItem, job: Job) -> list[Outdated]:
    payload = job.payload
    if "caption_revision_id" not in payload and "interpreter_layout" not in payload:
        return []  # ordered before jobs recorded this: it reads what the item has when it runs
    kinds = [VariantKind(kind) for kind in payload.get("kinds", [])]
    return _reasons(
        item,
        kinds,
        payload.get("caption_revision_id"),
        payload.get("interpreter_id"),
        payload.get("interpreter_layout"),
        payload.get("description_revision_id"),
        payload.get("description_file_id"),
    )


def _track_of(item: MediaItem, revision_id: int | None) -> int | None:
    """The track a revision belongs to, if the item still has it (else the default is chosen)."""
    return next((t.id for t in item.captions if any(r.id == revision_id for r in t.revisions)), None)


def remake_outdated(session: Session, item: MediaItem, remake: Remake | None) -> list[Job]:
    """Order new jobs for the item's outdated variants, after a change to what they show.

    Active jobs ordered from what has changed since are cancelled and ordered again; an
    outdated variant that a job with the current inputs is already making is left to it. The
    same track and recording are used again while the item has them, else the defaults.
    Nothing is ordered when ``remake`` is None or not automatic, or for what can no longer be
    made (no captions left, say); the old variant is served until its replacement is published.
    """
    if remake is None or not remake.automatic:
        return []
    session.flush()
    active = session.scalars(
        select(Job).where(
            Job.item_id == item.id,
            Job.kind == variants.JOB_KIND,
            Job.state.in_((JobState.QUEUED, JobState.RUNNING)),
        )
    ).all()
    work: dict[tuple[int | None, int | None], set[VariantKind]] = {}
    covered: set[VariantKind] = set()
    for job in active:
        kinds = {VariantKind(kind) for kind in job.payload.get("kinds", [])}
        if not _job_reasons(item, job):
            covered |= kinds
            continue
        with contextlib.suppress(Conflict):  # it ended meanwhile
            records.request_cancel(session, job)
        choice = (_track_of(item, job.payload.get("caption_revision_id")), job.payload.get("interpreter_id"))
        work.setdefault(choice, set()).update(kinds)
    for variant in item.variants:
        if variant.kind not in covered and outdated_reasons(item, variant):
            choice = (_track_of(item, variant.caption_revision_id), variant.interpreter_id)
            work.setdefault(choice, set()).add(variant.kind)
    ordered = []
    for (track_id, recording_id), kinds in work.items():
        recording_id = recording_id if any(r.id == recording_id for r in item.interpreters) else None
        with contextlib.suppress(Invalid):  # what it needs is gone: it stays outdated
            ordered.append(
                variants.order_variants(
                    session,
                    remake.queue,
                    item,
                    [kind for kind in VariantKind if kind in kinds],
                    interpreter_id=recording_id,
                    caption_track_id=track_id,
                )
            )
    return ordered
