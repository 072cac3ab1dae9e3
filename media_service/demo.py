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

from media_service.config import Settings
from media_service.db import session_scope
from media_service.jobs.queue import JobQueue
from media_service.models import CaptionKind, MediaItem, MediaKind, VariantKind
from media_service.services import captions, interpreters, media, variants
from media_service.storage import Storage
from transcode import synthetic
from transcode.binary import ffmpeg_path
from transcode.captions import Cue, to_webvtt
from transcode.runner import run_ffmpeg

DemoCue = tuple[float, float, str]


@dataclass(frozen=True)
class DemoItem:
    kind: MediaKind
    title: str
    description: str
    duration: float
    cues: tuple[DemoCue, ...]
    pattern: str = "testsrc2"
    tone_hz: int = 440


DEMO_ITEMS = (
    DemoItem(
        kind=MediaKind.SONG,
        title="Örebrolåten",
        description="Örebros egen sång, framförd med teckenspråkstolk. Vem du än är, är du välkommen hit.",
        duration=8.0,
        cues=(
            (0.5, 4.0, "Vem du än är, är du välkommen hit."),
            (4.0, 7.5, "Vi bygger vår stad, bit för bit."),
        ),
        tone_hz=392,
    ),
    DemoItem(
        kind=MediaKind.FILM,
        title="Sveriges kvalitetskommun 2013",
        description="Örebro kommun utsågs till Sveriges kvalitetskommun 2013.",
        duration=8.0,
        cues=(
            (0.5, 3.5, "Örebro är Sveriges kvalitetskommun 2013."),
            (3.5, 7.5, "Vi arbetar varje dag för att bli bättre."),
        ),
        pattern="testsrc2",
    ),
    DemoItem(
        kind=MediaKind.FILM,
        title="Årets säkerhetskommun",
        description="Örebro är årets säkerhetskommun – en trygg stad för alla.",
        duration=8.0,
        cues=(
            (0.5, 3.5, "Örebro är årets säkerhetskommun."),
            (3.5, 7.5, "En trygg stad för alla som bor här."),
        ),
        pattern="smptehdbars",
        tone_hz=330,
    ),
)
DEMO_SIZE = (640, 360)
DEMO_VARIANTS = (VariantKind.SIGNED, VariantKind.CAPTIONED, VariantKind.SIGNED_CAPTIONED)


def _webvtt(cues: tuple[DemoCue, ...]) -> bytes:
    return to_webvtt([Cue(start=start, end=end, text=text) for start, end, text in cues]).encode()


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
        speech = _speak(" ".join(text for _, _, text in demo.cues), folder / "speech.wav")
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
                item = media.create_item(
                    session,
                    {
                        "kind": demo.kind,
                        "title": demo.title,
                        "description": demo.description,
                        "language": "sv",
                        "published": True,
                    },
                )
                await media.store_source(
                    session, storage, settings, item, _read_file(media_path), original_name="demo.mp4"
                )
                ordered = variants.after_source_upload(session, storage, queue, item)
                captions.store_caption_track(
                    session, storage, item, _webvtt(demo.cues), language="sv", kind=CaptionKind.CAPTIONS
                )
                # The demo signer stands in front of a green screen: key it out.
                await interpreters.store_interpreter(
                    session,
                    storage,
                    settings,
                    item,
                    _read_file(interpreter_path),
                    layout={"key": {"colour": "green"}},
                )
                ordered.append(variants.order_variants(session, queue, item, DEMO_VARIANTS))
                created.append(item.id)
                jobs += [job.id for job in ordered]
    return created, jobs
