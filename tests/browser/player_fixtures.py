"""A small library on a live service for the player's browser tests: a film with captions in
Swedish and English, chapters and an interpreter; a film with only a burned-in signed variant;
and a song."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.live_server import LiveServer
from helpers import publish
from media_service.config import Settings
from media_service.db import make_engine, make_session_factory, session_scope
from media_service.models import FileRole, MediaFile, MediaItem, Variant, VariantKind
from media_service.storage import LocalStorage, sha256_of
from transcode.probe import probe

FILM_SECONDS = 32
# The interpreter starts half a second into the film, so every sync check covers the offset.
INTERPRETER_OFFSET = 0.5

SWEDISH = [
    (4 * n + 0.5, 4 * n + 3.5, text)
    for n, text in enumerate(
        [
            "Välkommen till Örebro.",
            "<v Anna>Här bor vi.</v>",
            "Staden växer varje år.",
            "Vi bygger nya hus.",
            "Parkerna är gröna.",
            "Slottet står mitt i stan.",
            "Tack för att du tittade.",
            "Hej då!",
        ]
    )
]
ENGLISH = [
    (4 * n + 0.5, 4 * n + 3.5, text)
    for n, text in enumerate(
        [
            "Welcome to Örebro.",
            "<v Anna>This is where we live.</v>",
            "The town grows every year.",
            "We build new houses.",
            "The parks are green.",
            "The castle stands in the middle of town.",
            "Thank you for watching.",
            "Goodbye!",
        ]
    )
]
CHAPTERS = [(0.0, 10.0, "Staden"), (10.0, 20.0, "Husen"), (20.0, FILM_SECONDS, "Slutet")]


def webvtt(cues: list[tuple[float, float, str]]) -> bytes:
    def stamp(seconds: float) -> str:
        return f"00:{int(seconds) // 60:02d}:{seconds % 60:06.3f}"

    blocks = [f"{stamp(start)} --> {stamp(end)}\n{text}\n" for start, end, text in cues]
    return ("WEBVTT\n\n" + "\n".join(blocks)).encode()


def add_track(api: httpx.Client, item_id: int, language: str, cues: list, kind: str = "captions") -> None:
    response = api.post(
        f"/api/media/{item_id}/captions",
        files={"file": (f"{language}.vtt", webvtt(cues))},
        data={"language": language, "kind": kind},
    )
    response.raise_for_status()


def add_interpreter(api: httpx.Client, item_id: int, path: Path, offset: float) -> None:
    response = api.post(f"/api/media/{item_id}/interpreters", content=path.read_bytes())
    response.raise_for_status()
    recording = response.json()
    url = f"/api/media/{item_id}/interpreters/{recording['id']}"
    api.patch(url, json={"offset_seconds": offset}).raise_for_status()
    wait_for_window_file(api, url)


def wait_for_window_file(api: httpx.Client, url: str, *, timeout: float = 120) -> dict:
    """The recording at ``url`` once its sign-window file is made (the window plays only that
    or its ladder, never the upload)."""
    deadline = time.monotonic() + timeout
    while True:
        recording = api.get(url).json()
        if recording["window_file"]:
            return recording
        assert time.monotonic() < deadline, "the sign window's file was not made in time"
        time.sleep(0.2)


def add_variant(
    server: LiveServer,
    item_id: int,
    path: Path,
    kind: VariantKind,
    *,
    interpreter_id: int | None = None,
    interpreter_layout: dict | None = None,
) -> None:
    """Store a finished variant straight into the live service's database and files.

    A signed variant takes an ffmpeg run to make; the player only needs one to exist (and,
    for where its signer is, the recording and layout it says it was made with).
    """
    settings = Settings(data_dir=Path(server.env["TOLK_DATA_DIR"]))
    engine = make_engine(settings.resolved_database_url)
    storage = LocalStorage(settings.files_dir, settings.scratch_dir)
    try:
        with session_scope(make_session_factory(engine)) as session:
            item = session.get_one(MediaItem, item_id)
            key = storage.new_key("mp4")
            with storage.scratch_path(".mp4") as scratch:
                shutil.copyfile(path, scratch)
                size, digest = scratch.stat().st_size, sha256_of(scratch)
                storage.commit(scratch, key)
            media_file = MediaFile(
                role=FileRole.VARIANT,
                storage_key=key,
                content_type="video/mp4",
                size_bytes=size,
                sha256=digest,
                facts=probe(path).to_dict(),
            )
            item.files.append(media_file)
            item.variants.append(
                Variant(
                    kind=kind,
                    file=media_file,
                    interpreter_id=interpreter_id,
                    interpreter_layout=interpreter_layout,
                )
            )
    finally:
        engine.dispose()


@dataclass(frozen=True)
class Library:
    film: int  # captions sv and en, chapters, an interpreter starting INTERPRETER_OFFSET s in
    signed_only: int  # no interpreter recording, a burned-in `signed` variant
    song: int  # audio only, with captions


def make_library(api: httpx.Client, server: LiveServer, make_media: Callable[..., Path]) -> Library:
    film_path = make_media("film", duration=FILM_SECONDS)
    film = publish(api, film_path, title="Örebro")["id"]
    add_track(api, film, "sv", SWEDISH)
    add_track(api, film, "en", ENGLISH)
    add_track(api, film, "sv", CHAPTERS, kind="chapters")
    add_interpreter(api, film, make_media("interpreter", duration=FILM_SECONDS), INTERPRETER_OFFSET)

    signed_only = publish(api, make_media("film", duration=8), title="Tolkad film")["id"]
    add_track(api, signed_only, "sv", SWEDISH[:2])
    signed_path = make_media("film", duration=8, pattern="smptebars")
    add_variant(server, signed_only, signed_path, VariantKind.SIGNED)

    song = publish(api, make_media("tone", duration=8), kind="song", title="Sången")["id"]
    add_track(api, song, "sv", SWEDISH[:2])
    return Library(film=film, signed_only=signed_only, song=song)
