"""Demo content made by ffmpeg: the song "Örebrolåten" and two promotional films from Örebro.

Pictures come from lavfi test sources, speech from espeak-ng where it is installed (tones
otherwise), and each film gets an interpreter recording: a synthetic figure on green.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from media_service.auth import Actor
from media_service.config import Settings
from media_service.db import session_scope
from media_service.jobs.queue import JobQueue
from media_service.models import CaptionKind, MediaItem, MediaKind, VariantKind
from media_service.services import captions, interpreters, media, sources, speech_spans, variants
from media_service.storage import Storage
from transcode import synthetic
from transcode.binary import ffmpeg_path
from transcode.captions import CaptionDocument, Cue, write_webvtt
from transcode.runner import run_ffmpeg

DemoCue = tuple[float, float, str]
OPERATOR = Actor.operator()  # who saved the demo's caption revisions


@dataclass(frozen=True)
class DemoItem:
    """One demo item: Swedish captions (``cues``), English subtitles, chapters and, for films,
    Swedish audio description, each a track of the item, so a new user sees every caption
    feature at once."""

    kind: MediaKind
    title: str
    description: str
    duration: float
    cues: tuple[DemoCue, ...]
    subtitles_en: tuple[DemoCue, ...] = ()
    chapters: tuple[DemoCue, ...] = ()
    # What the picture shows, said in the gaps of the speech; the demo's pictures are lavfi
    # test patterns, so that is what is described.
    descriptions: tuple[DemoCue, ...] = ()
    pattern: str = "testsrc2"
    tone_hz: int = 440


DEMO_ITEMS = (
    DemoItem(
        kind=MediaKind.SONG,
        title="Örebrolåten",
        description="Örebros egen sång, framförd med teckenspråkstolk. Vem du än är, är du välkommen hit.",
        duration=32.0,
        # Music and singing marked as captioning guidelines ask: a note for the music alone,
        # notes around what is sung.
        cues=(
            (0.0, 4.0, "♪ [Lugn musik] ♪"),
            (4.0, 8.0, "♪ Vem du än är,\när du välkommen hit. ♪"),
            (8.0, 12.0, "♪ Vi bygger vår stad,\nbit för bit. ♪"),
            (12.0, 16.0, "♪ [Musiken stiger] ♪"),
            (16.0, 20.0, "♪ Längs Svartån\ngår vi hand i hand. ♪"),
            (20.0, 24.0, "♪ Här finns en plats\nför alla i vårt land. ♪"),
            (24.0, 28.0, "♪ Vem du än är,\när du välkommen hit. ♪"),
            (28.0, 32.0, "♪ [Musiken tystnar] ♪"),
        ),
        subtitles_en=(
            (4.0, 8.0, "♪ Whoever you are,\nyou are welcome here. ♪"),
            (8.0, 12.0, "♪ We build our town,\nbit by bit. ♪"),
            (16.0, 20.0, "♪ Along the Svartån\nwe walk hand in hand. ♪"),
            (20.0, 24.0, "♪ Here is a place\nfor everyone in our land. ♪"),
            (24.0, 28.0, "♪ Whoever you are,\nyou are welcome here. ♪"),
        ),
        chapters=((0.0, 16.0, "Första versen"), (16.0, 32.0, "Andra versen")),
        tone_hz=392,
    ),
    DemoItem(
        kind=MediaKind.FILM,
        title="Sveriges kvalitetskommun 2013",
        description="Örebro kommun utsågs till Sveriges kvalitetskommun 2013.",
        duration=32.0,
        cues=(
            (0.5, 4.0, "Örebro är Sveriges\nkvalitetskommun 2013."),
            (4.0, 8.0, "Vi arbetar varje dag\nför att bli bättre."),
            (8.0, 12.0, "Skolor, vård och omsorg\nska hålla hög kvalitet."),
            (12.0, 16.0, "[Applåder]"),
            (16.0, 20.0, "Invånarna får säga\nvad de tycker."),
            (20.0, 24.0, "Vi lyssnar och\nförbättrar tillsammans."),
            (24.0, 28.0, "Det är så en stad\nväxer."),
            (28.0, 31.5, "Välkommen till Örebro."),
        ),
        subtitles_en=(
            (0.5, 4.0, "Örebro is Sweden's\nquality municipality 2013."),
            (4.0, 8.0, "Every day we work\nto get better."),
            (8.0, 12.0, "Schools and care\nshall be of high quality."),
            (16.0, 20.0, "The people who live here\nsay what they think."),
            (20.0, 24.0, "We listen and\nimprove together."),
            (24.0, 28.0, "That is how a town\ngrows."),
            (28.0, 31.5, "Welcome to Örebro."),
        ),
        chapters=((0.0, 12.0, "Utmärkelsen"), (12.0, 24.0, "Invånarnas röst"), (24.0, 32.0, "Välkommen")),
        descriptions=(
            (0.0, 0.5, "Lodräta färgfält i rött, grönt, gult, blått, lila och turkos."),
            (12.0, 16.0, "Ett regnbågsband snurrar över färgfälten. Uppe till vänster går en klocka."),
        ),
        pattern="testsrc2",
    ),
    DemoItem(
        kind=MediaKind.FILM,
        title="Årets säkerhetskommun",
        description="Örebro är årets säkerhetskommun – en trygg stad för alla.",
        duration=32.0,
        cues=(
            (0.5, 4.0, "Örebro är årets\nsäkerhetskommun."),
            (4.0, 8.0, "En trygg stad för alla\nsom bor här."),
            (8.0, 12.0, "[Sirener på avstånd]"),
            (12.0, 16.0, "Räddningstjänsten\növar varje vecka."),
            (16.0, 20.0, "Gator och parker\när väl upplysta."),
            (20.0, 24.0, "Grannar ser efter\nvarandra."),
            (24.0, 28.0, "Tillsammans gör vi\nstaden tryggare."),
            (28.0, 31.5, "Örebro – en trygg stad."),
        ),
        subtitles_en=(
            (0.5, 4.0, "Örebro is this year's\nsafest municipality."),
            (4.0, 8.0, "A safe town for everyone\nwho lives here."),
            (12.0, 16.0, "The fire and rescue service\ntrains every week."),
            (16.0, 20.0, "Streets and parks\nare well lit."),
            (20.0, 24.0, "Neighbours look out\nfor each other."),
            (24.0, 28.0, "Together we make\nthe town safer."),
            (28.0, 31.5, "Örebro – a safe town."),
        ),
        chapters=(
            (0.0, 12.0, "En trygg stad"),
            (12.0, 24.0, "Räddningstjänsten"),
            (24.0, 32.0, "Tillsammans"),
        ),
        descriptions=(
            (0.0, 0.5, "Färgstaplar för tv: grått, gult, turkos, grönt, lila, rött och blått."),
            (8.0, 12.0, "Bilden står stilla medan sirenerna hörs på avstånd."),
        ),
        pattern="smptehdbars",
        tone_hz=330,
    ),
)
DEMO_SIZE = (640, 360)
DEMO_VARIANTS = (VariantKind.SIGNED, VariantKind.CAPTIONED, VariantKind.SIGNED_CAPTIONED)


def _webvtt(cues: tuple[DemoCue, ...]) -> bytes:
    return write_webvtt(
        CaptionDocument(tuple(Cue(round(start * 1000), round(end * 1000), text) for start, end, text in cues))
    )


def _tracks(demo: DemoItem) -> list[tuple[tuple[DemoCue, ...], str, CaptionKind]]:
    """The item's caption tracks: Swedish captions, English subtitles, Swedish chapters and
    Swedish audio description."""
    tracks = [
        (demo.cues, "sv", CaptionKind.CAPTIONS),
        (demo.subtitles_en, "en", CaptionKind.SUBTITLES),
        (demo.chapters, "sv", CaptionKind.CHAPTERS),
        (demo.descriptions, "sv", CaptionKind.DESCRIPTIONS),
    ]
    return [track for track in tracks if track[0]]


def _speak(text: str, output: Path) -> Path | None:
    """Swedish synthetic speech with espeak-ng, or None when it is not installed."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        return None
    subprocess.run([espeak, "-v", "sv", "-s", "150", "-w", str(output), text], check=True, timeout=60)
    return output


def make_demo_files(demo: DemoItem, folder: Path, ffmpeg: str) -> tuple[Path, Path]:
    """Render an item's media and its interpreter recording."""
    width, height = DEMO_SIZE
    media_path = folder / "media.mp4"
    if demo.kind == MediaKind.SONG:
        args = synthetic.tone_args(media_path, duration=demo.duration, tone_hz=demo.tone_hz, melody=True)
    else:
        spoken = [text.replace("\n", " ") for _, _, text in demo.cues if not text.startswith("[")]
        speech = _speak(" ".join(spoken), folder / "speech.wav")
        args = synthetic.film_args(
            media_path,
            duration=demo.duration,
            width=width,
            height=height,
            pattern=demo.pattern,
            tone_hz=demo.tone_hz,
            sound=speech,
        )
    run_ffmpeg(args, ffmpeg=ffmpeg, duration=demo.duration)
    interpreter_path = folder / "interpreter.mp4"
    run_ffmpeg(
        synthetic.interpreter_args(interpreter_path, duration=demo.duration, width=320, height=360),
        ffmpeg=ffmpeg,
        duration=demo.duration,
    )
    return media_path, interpreter_path


async def _read_file(path: Path) -> AsyncIterator[bytes]:
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            yield chunk


def library_is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count(MediaItem.id)))


async def fill_demo_library(
    settings: Settings, sessions: sessionmaker[Session], storage: Storage, queue: JobQueue
) -> tuple[list[int], list[int]]:
    """Add the demo items to an empty library and order their variants.

    Returns the new items' ids and the ids of the jobs ordered (none if it was not empty):
    the web variant of each, then its signed, captioned and signed+captioned variants.
    """
    with session_scope(sessions) as session:
        if not library_is_empty(session):
            return [], []
    ffmpeg = ffmpeg_path(settings.ffmpeg_path)
    created: list[int] = []
    jobs: list[int] = []
    for demo in DEMO_ITEMS:
        with tempfile.TemporaryDirectory(dir=settings.scratch_dir) as folder:
            media_path, interpreter_path = make_demo_files(demo, Path(folder), ffmpeg)
            with session_scope(sessions) as session:
                item_id = media.create_item(
                    session,
                    {
                        "kind": demo.kind,
                        "title": demo.title,
                        "description": demo.description,
                        "language": "sv",
                        "published": True,
                    },
                ).id
            _item, ordered = await sources.replace_source(
                sessions,
                storage,
                settings,
                queue,
                item_id,
                _read_file(media_path),
                original_name="demo.mp4",
            )
            # The demo signer stands in front of a green screen: key it out.
            await interpreters.upload_interpreter(
                sessions,
                storage,
                settings,
                item_id,
                _read_file(interpreter_path),
                layout={"key": {"colour": "green"}},
                queue=queue,
            )
            with session_scope(sessions) as session:
                item = media.get_item(session, item_id, include_unpublished=True)
                for cues, language, kind in _tracks(demo):
                    captions.upload_caption_file(
                        session, storage, item, _webvtt(cues), language=language, kind=kind, actor=OPERATOR
                    )
                ordered.append(variants.order_variants(session, queue, item, DEMO_VARIANTS))
                finding = speech_spans.order_speech_detection(session, queue, item)
                if finding is not None:
                    ordered.append(finding)
            created.append(item_id)
            jobs += [job.id for job in ordered]
    return created, jobs
