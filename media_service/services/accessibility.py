"""An item's accessibility summary: WCAG 2.1's success criteria for prerecorded media
(1.2.1–1.2.3 at level A, 1.2.5 at AA, 1.2.6–1.2.8 at AAA), each met, not met or not applicable,
computed from what the item has, and what is missing for AA and for AAA.

Swedish public bodies must meet AA (the law on accessibility of digital public services points
to EN 301 549): captions (1.2.2) and audio description (1.2.5). What counts:

- captions: a track of kind ``captions``, or a variant with them burned in (open captions);
- descriptions: a description track (the player voices it, in extended mode too), a
  describer's recording (the described variants mix it), or a described variant;
- extended description (1.2.7): a description track (the player's extended mode pauses the
  film) or the ``described+extended`` variant;
- sign language (1.2.6): an interpreter recording or a signed variant;
- transcript: a spoken track (the transcript page is made from it); a full text alternative
  (1.2.8) also needs the descriptions as text, which the transcript then includes.

A song is audio only: only 1.2.1 applies (a transcript). A film without sound is video only:
1.2.1 asks for a text alternative or descriptions, and captions and sign language do not apply.

This module is the one home of what an item offers for access: the editor's checklist, the
watch page's statement, the API and every open-data output (schema.org's accessibilityFeature,
accessMode and accessibilitySummary, the exports, the DCAT keywords) are read from ``summarise``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy.orm import Session

from media_service.i18n import translator
from media_service.models import CaptionKind, FileRole, MediaItem, MediaKind
from media_service.services import media
from media_service.services.languages import LANGUAGE_NAMES


class Status(enum.StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"


class Level(enum.StrEnum):
    A = "A"
    AA = "AA"
    AAA = "AAA"


class Missing(enum.StrEnum):
    """What an item lacks for a criterion (the editor's checklist says how to add it)."""

    CAPTIONS = "captions"
    DESCRIPTIONS = "descriptions"
    EXTENDED_DESCRIPTIONS = "extended_descriptions"
    SIGN_LANGUAGE = "sign_language"
    TRANSCRIPT = "transcript"
    TEXT_ALTERNATIVE = "text_alternative"  # a transcript and descriptions as text


# The criteria in WCAG's order: number, level.
CRITERIA: tuple[tuple[str, Level], ...] = (
    ("1.2.1", Level.A),
    ("1.2.2", Level.A),
    ("1.2.3", Level.A),
    ("1.2.5", Level.AA),
    ("1.2.6", Level.AAA),
    ("1.2.7", Level.AAA),
    ("1.2.8", Level.AAA),
)


@dataclass(frozen=True)
class Features:
    """What an item has, as the criteria ask it."""

    picture: bool
    sound: bool
    captions: bool
    descriptions: bool
    description_text: bool
    extended: bool
    sign_language: bool
    transcript: bool

    @classmethod
    def of(cls, item: MediaItem) -> Features:
        source = item.file_with_role(FileRole.SOURCE)
        facts = source.facts if source is not None and source.facts else None
        if facts is not None:
            video = facts.get("video") or {}
            picture = bool(video) and not video.get("is_still_image", False)
            sound = facts.get("audio") is not None
        else:  # no file yet: what its kind promises
            picture, sound = item.kind is MediaKind.FILM, True
        kinds = {variant.kind for variant in item.variants}
        tracks = [track for track in item.captions if track.cue_count > 0]
        description_text = any(track.kind is CaptionKind.DESCRIPTIONS for track in tracks)
        return cls(
            picture=picture,
            sound=sound,
            captions=any(track.kind is CaptionKind.CAPTIONS for track in tracks)
            or any(kind.has_captions for kind in kinds),
            descriptions=description_text
            or item.file_with_role(FileRole.DESCRIPTION_RECORDING) is not None
            or any(kind.has_descriptions for kind in kinds),
            description_text=description_text,
            extended=description_text or any(kind.is_extended for kind in kinds),
            sign_language=media.has_sign_language(item),
            transcript=any(track.kind.is_spoken for track in tracks),
        )


@dataclass(frozen=True)
class Languages:
    """The languages each feature is offered in (tags, sorted): a feature met only by a variant
    (burned-in captions, a described variant) is in the item's own language."""

    captions: tuple[str, ...] = ()
    descriptions: tuple[str, ...] = ()
    transcript: tuple[str, ...] = ()

    @classmethod
    def of(cls, item: MediaItem, has: Features) -> Languages:
        tracks = [track for track in item.captions if track.cue_count > 0]

        def offered(kinds: set[CaptionKind], met: bool) -> tuple[str, ...]:
            found = tuple(sorted({t.language for t in tracks if t.kind in kinds}))
            return found or ((item.language,) if met else ())

        spoken = {kind for kind in CaptionKind if kind.is_spoken}
        return cls(
            captions=offered({CaptionKind.CAPTIONS}, has.captions),
            descriptions=offered({CaptionKind.DESCRIPTIONS}, has.descriptions),
            transcript=offered(spoken, has.transcript),
        )


@dataclass(frozen=True)
class Check:
    criterion: str
    level: Level
    status: Status
    missing: Missing | None = None


@dataclass(frozen=True)
class Summary:
    features: Features
    checks: tuple[Check, ...]
    languages: Languages = Languages()

    def meets(self, level: Level) -> bool:
        """Every criterion up to ``level`` is met or does not apply."""
        wanted = _levels_up_to(level)
        return all(check.status is not Status.NOT_MET for check in self.checks if check.level in wanted)

    def missing_for(self, level: Level) -> list[Missing]:
        """What the item lacks to meet ``level``, each once, in the criteria's order."""
        wanted = _levels_up_to(level)
        found = [c.missing for c in self.checks if c.level in wanted and c.status is Status.NOT_MET]
        return list(dict.fromkeys(missing for missing in found if missing is not None))

    @property
    def level(self) -> Level | None:
        """The highest level met, or None when not even A is."""
        met = [level for level in Level if self.meets(level)]
        return met[-1] if met else None


def _levels_up_to(level: Level) -> set[Level]:
    order = list(Level)
    return set(order[: order.index(level) + 1])


def _check(criterion: str, level: Level, applies: bool, met: bool, missing: Missing) -> Check:
    if not applies:
        return Check(criterion, level, Status.NOT_APPLICABLE)
    return Check(criterion, level, Status.MET) if met else Check(criterion, level, Status.NOT_MET, missing)


def summarise(item: MediaItem) -> Summary:
    """The item's summary: one check per criterion of ``CRITERIA``."""
    has = Features.of(item)
    synchronised = has.picture and has.sound  # film with sound: "synchronized media"
    audio_only, video_only = has.sound and not has.picture, has.picture and not has.sound
    if audio_only:
        first = _check("1.2.1", Level.A, True, has.transcript, Missing.TRANSCRIPT)
    else:
        first = _check(
            "1.2.1",
            Level.A,
            video_only,
            has.descriptions or (has.transcript and has.description_text),
            Missing.DESCRIPTIONS,
        )
    checks = (
        first,
        _check("1.2.2", Level.A, synchronised, has.captions, Missing.CAPTIONS),
        _check("1.2.3", Level.A, synchronised, has.descriptions, Missing.DESCRIPTIONS),
        _check("1.2.5", Level.AA, synchronised, has.descriptions, Missing.DESCRIPTIONS),
        _check("1.2.6", Level.AAA, synchronised, has.sign_language, Missing.SIGN_LANGUAGE),
        _check("1.2.7", Level.AAA, synchronised, has.extended, Missing.EXTENDED_DESCRIPTIONS),
        _check(
            "1.2.8",
            Level.AAA,
            synchronised,
            has.transcript and has.description_text,
            Missing.TEXT_ALTERNATIVE,
        ),
    )
    return Summary(has, checks, Languages.of(item, has))


def statement(summary: Summary, language: str) -> str:
    """The WCAG statement (the level met and what is missing for AAA) in ``language``."""
    t = translator(language)
    text = t("a11y_statement_meets", level=summary.level.value) if summary.level else t("a11y_statement_none")
    missing = summary.missing_for(Level.AAA)
    if missing:
        text += (
            f" {t('a11y_statement_missing')} "
            + ", ".join(t(f"a11y_missing_{m.value}") for m in missing)
            + "."
        )
    return text


def _language_names(tags: tuple[str, ...], language: str) -> str:
    index = 0 if language == "sv" else 1
    return ", ".join(LANGUAGE_NAMES.get(tag.split("-")[0], (tag, tag))[index] for tag in tags)


def described(summary: Summary, language: str) -> str:
    """What the item offers and in which languages, then the WCAG statement, in ``language``:
    schema.org's accessibilitySummary and the exports' summaries."""
    t = translator(language)
    has, languages = summary.features, summary.languages
    parts = []
    if has.captions:
        parts.append(t("a11y_offers_captions", languages=_language_names(languages.captions, language)))
    if has.sign_language:
        parts.append(t("a11y_offers_sign_language"))
    if has.descriptions:
        parts.append(
            t("a11y_offers_descriptions", languages=_language_names(languages.descriptions, language))
        )
    if has.transcript:
        parts.append(t("a11y_offers_transcript", languages=_language_names(languages.transcript, language)))
    return " ".join([*(parts or [t("a11y_offers_nothing")]), statement(summary, language)])


def list_items_not_meeting(
    session: Session, query: media.CatalogueQuery, level: Level
) -> tuple[list[MediaItem], int]:
    """One page of the items (newest first) that do not meet ``level``, and how many there are.

    The summary is computed in Python from each item's tracks and variants (one rule, the same
    as the checklist's), so the items are read in batches; fine for libraries of thousands."""
    matching: list[MediaItem] = []
    batch = media.CatalogueQuery(
        kind=query.kind, include_unpublished=query.include_unpublished, page=1, per_page=500
    )
    while True:
        items, total = media.list_items(session, batch)
        matching += [item for item in items if not summarise(item).meets(level)]
        if batch.page * batch.per_page >= total or not items:
            break
        batch = media.CatalogueQuery(
            kind=query.kind,
            include_unpublished=query.include_unpublished,
            page=batch.page + 1,
            per_page=batch.per_page,
        )
    start = (query.page - 1) * query.per_page
    return matching[start : start + query.per_page], len(matching)
