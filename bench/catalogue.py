"""The catalogue at 100 and at 100,000 items: p99 of its pages, the API with filters and a
search, at 8 connections, against two live ``tolk serve`` side by side (one catalogue each).

Run: ``.venv/bin/python -m bench.catalogue`` (about two minutes; ``--seconds`` per wrk run,
``--items``). The items are written straight into the database with SQLAlchemy Core (bulk
inserts, their search entries made by ``services.search``'s own ``cue_entries`` and stems,
the FTS5 table filled by the triggers of migrations 0004 and 0012): 95 % published, films and
songs, one in ten with a caption track of three cues (so the caption filter and a search by a
word said have something to find). Every request is measured with wrk (``--latency``) for ``--seconds``
at 8 connections, in the order small, large, large, small, so the machine's load weighs on
both alike. The target is a p99 under 50 ms at 100,000 items on this machine.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert

from bench.live_server import LiveServer, live_server
from bench.wrk import WrkRun, ensure_wrk, load_average, run_wrk
from media_service.db import make_engine, migrate
from media_service.models import CaptionTrack, MediaItem, MediaKind, SearchEntry, SearchField
from media_service.services import search
from media_service.web.pages import PER_PAGE
from transcode.captions import PlainCue
from transcode.kinds import CaptionKind

SMALL, LARGE = 100, 100_000
CONNECTIONS = 8
TARGET_P99_SECONDS = 0.050
BATCH = 5_000
PUBLISHED_SHARE = 0.95
CAPTIONED_EVERY = 10
# Words of titles, descriptions and cues (three of them in a title, eight in a description):
# one word is in about one item in five, a hard case for ranking.
_VOCABULARY = (
    "kommun skola vatten skog sjö bibliotek buss tåg sjukvård vård bostad park cykel väg "
    "snö sommar vinter hav fjäll stad by hamn fågel hund katt musik sång dans teater konst "
    "film bok tidning radio språk tecken hand ljus mörker regn sol vind eld jord berg dal "
    "ängen bro torg marknad kaffe bröd"
)
WORDS = _VOCABULARY.split()
# The search asked for: a word that is in the titles in another form ("kommun"), as a viewer
# would type it; and two words, which every match must hold both of.
SEARCHES = ("kommunen", "skogen+vatten")


def catalogue_rows(
    count: int, seed: int = 15
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Items, caption tracks and search entries of a catalogue of ``count`` items."""
    rng = random.Random(seed)
    start = datetime(2020, 1, 1, tzinfo=UTC).replace(tzinfo=None)
    items, tracks, entries = [], [], []
    for number in range(1, count + 1):
        created = start + timedelta(minutes=number * 7)
        title = " ".join(rng.sample(WORDS, 3)).capitalize() + f" {number}"
        description = " ".join(rng.sample(WORDS, 8)) + "."
        published = rng.random() < PUBLISHED_SHARE
        items.append(
            {
                "id": number,
                "kind": MediaKind.FILM if number % 3 else MediaKind.SONG,
                "title": title,
                "description": description,
                "language": "sv",
                "published": published,
                "published_at": created if published else None,
                "licence": "CC-BY-4.0",
                "created_at": created,
                "updated_at": created,
            }
        )
        entries.append(_entry(number, SearchField.TITLE, title))
        entries.append(_entry(number, SearchField.DESCRIPTION, description))
        if number % CAPTIONED_EVERY == 0:
            track_id = number // CAPTIONED_EVERY
            tracks.append(
                {
                    "id": track_id,
                    "item_id": number,
                    "language": "sv",
                    "kind": CaptionKind.CAPTIONS,
                    "label": "Svenska",
                    "storage_key": f"captions/bench-{track_id}.vtt",
                    "source_format": "vtt",
                    "cue_count": 3,
                    "draft": False,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            cues = [PlainCue(i * 2000, " ".join(rng.sample(WORDS, 6))) for i in range(3)]
            entries.extend(search.cue_entries(number, track_id, cues))
    return items, tracks, entries


def _entry(item_id: int, field: SearchField, value: str) -> dict[str, Any]:
    # The columns every entry has, so one executemany covers titles, descriptions and cues.
    return {
        "item_id": item_id,
        "field": field,
        "text": value,
        "stems": search.stems(value),
        "track_id": None,
        "start_ms": None,
    }


def fill_catalogue(data_dir: Path, count: int) -> float:
    """Migrate a new database in ``data_dir`` and write a catalogue of ``count`` items into it;
    the seconds it took."""
    began = time.perf_counter()
    data_dir.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{data_dir / 'tolk.db'}"
    migrate(url)
    items, tracks, entries = catalogue_rows(count)
    engine = make_engine(url)
    with engine.begin() as connection:
        for table, rows in (
            (MediaItem.__table__, items),
            (CaptionTrack.__table__, tracks),
            (SearchEntry.__table__, entries),
        ):
            for first in range(0, len(rows), BATCH):
                connection.execute(insert(table), rows[first : first + BATCH])
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    return time.perf_counter() - began


def requests(count: int) -> list[tuple[str, str]]:
    """(name, path) of what is measured, the deep page being the catalogue's last one."""
    published = round(count * PUBLISHED_SHARE)
    last_page = max(1, -(-published // PER_PAGE))
    return [
        ("catalogue /", "/"),
        ("deep page", f"/?page={last_page}"),
        ("middle page", f"/?page={max(1, last_page // 2)}"),
        ("API filters", "/api/media?kind=film&has_captions=true&page=3"),
        ("API sign lang.", "/api/media?kind=song&has_sign_language=false&per_page=50"),
        ("search page", f"/?q={SEARCHES[0]}"),
        ("API search", f"/api/media?q={SEARCHES[1]}"),
    ]


def check_answers(server: LiveServer, count: int) -> None:
    """Every measured request answers 200 before it is measured (no benchmark of error pages)."""
    for name, path in requests(count):
        answer = httpx.get(server.url + path, timeout=30)
        if answer.status_code != 200:
            raise SystemExit(f"{name} ({path}) answered {answer.status_code} at {count} items")


def measure(servers: dict[int, LiveServer], seconds: float) -> dict[tuple[int, str], list[WrkRun]]:
    small, large = sorted(servers)
    runs: dict[tuple[int, str], list[WrkRun]] = {}
    for index in range(len(requests(small))):
        for count in (small, large, large, small):  # A B B A
            name, path = requests(count)[index]
            server = servers[count]
            run = run_wrk(
                server.url + path, connections=CONNECTIONS, seconds=seconds, server_pids=[server.process.pid]
            )
            runs.setdefault((count, name), []).append(run)
    return runs


def report(runs: dict[tuple[int, str], list[WrkRun]], large: int) -> Iterator[str]:
    def mean(values: list[float]) -> float:
        return sum(values) / len(values)

    yield (
        f"{'request':<16}{'p99 100':>9}{'p99 100k':>10}{'growth':>8}"
        f"{'req/s 100':>11}{'req/s 100k':>12}{'CPU ms/req 100k':>17}{'failed':>8}  target"
    )
    for name, _ in requests(SMALL):
        few, many = runs[(SMALL, name)], runs[(large, name)]
        # A run in which no answer was completed has no p99 of its own: it waited the whole run.
        p99_small = mean([r.p99 if r.requests else r.seconds for r in few])
        p99_large = mean([r.p99 if r.requests else r.seconds for r in many])
        cpu_per_request = sum(r.server_cpu for r in many) / max(1, sum(r.requests for r in many))
        failed = sum(r.failures for r in few + many)
        verdict = (
            "holds"
            if p99_large < TARGET_P99_SECONDS and not failed and all(r.requests for r in many)
            else "MISSED"
        )
        yield (
            f"{name:<16}{p99_small * 1000:>7.1f}ms{p99_large * 1000:>8.1f}ms{p99_large / p99_small:>7.2f}x"
            f"{mean([r.per_second for r in few]):>11.0f}{mean([r.per_second for r in many]):>12.0f}"
            f"{cpu_per_request * 1000:>17.2f}{failed:>8}  {verdict}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="each wrk run's length")
    parser.add_argument("--items", type=int, default=LARGE, help="the large catalogue's size")
    args = parser.parse_args()
    ensure_wrk()
    print(load_average(), "(before)")
    with tempfile.TemporaryDirectory(prefix="tolk-bench-catalogue-") as folder, ExitStack() as stack:
        servers = {}
        for count in (SMALL, args.items):
            data_dir = Path(folder) / str(count)
            took = fill_catalogue(data_dir, count)
            print(f"{count:,} items written in {took:.1f} s")
            servers[count] = stack.enter_context(live_server(data_dir, workers="0", hls="false"))
            check_answers(servers[count], count)
        runs = measure(servers, args.seconds)
    print(
        f"p99 at {CONNECTIONS} connections, wrk {args.seconds:g} s per run, order 100 100k 100k 100"
        f" (mean of two runs each); server CPU time per request beside"
    )
    for line in report(runs, args.items):
        print(line)
    print(load_average(), "(after)")


if __name__ == "__main__":
    main()
