"""Tolk under load: 20 uploads at once (plain PUT and tus in turn), 20 API writers and 20 page
readers for 60 s against a live ``tolk serve``, on SQLite and on PostgreSQL; prints, for each
kind of request, how many were answered, refused and failed, the throughput and the p50/p99
wait, and the server's CPU time beside the wall time.

Run: ``.venv/bin/python -m bench.load`` (about three minutes; ``--seconds``, ``--database``).
PostgreSQL is the server at 127.0.0.1:5432 (trust auth); a database of the run's own is made
beside ``test`` and dropped afterwards. ``tests/test_load.py`` runs the same scenario and
asserts on it: no answer 5xx, every refusal a 429 or 503 with Retry-After, every upload
answered 2xx with its film, page reads' p99 under 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import os
import random
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import sqlalchemy

from bench.live_server import LiveServer, live_server
from media_service.auth import create_token
from media_service.db import make_engine, make_session_factory, session_scope
from transcode import synthetic
from transcode.binary import ffmpeg_path

UPLOADERS = 20
WRITERS = 20
READERS = 20
SECONDS = 60.0
# Accounts the uploaders share: five each, within TOLK_MAX_UPLOADS_PER_ACCOUNT's default of four
# only when one of them is between uploads, so the per-account limit is met now and then.
UPLOAD_TOKENS = 4
# Films watched by the readers, with captions so their transcripts have text.
WATCHED_FILMS = 4
# A writer saves captions every this many writes (the rest are PATCHes of its item).
CAPTIONS_EVERY = 5
# A reader is a person: a pause between pages. A writer is a busy script, with a shorter one.
# Uploaders never pause: each sends the next film as soon as the last is answered.
READER_PAUSE_SECONDS = 1.0
WRITER_PAUSE_SECONDS = 0.5
REQUEST_TIMEOUT_SECONDS = 60.0
# Shorter than the server's keep-alive timeout (uvicorn's default, 5 s): see run_load.
CLIENT_KEEPALIVE_SECONDS = 2.0
# Refused clients wait as Retry-After says, but never longer than this (the run is short).
LONGEST_RETRY_WAIT_SECONDS = 5.0
# The settings the server runs with: one job worker (every upload orders its watchable remux)
# and no HLS ladders, whose encoding would only measure the machine's speed.
SERVER_SETTINGS = {"workers": "1", "hls": "false"}
POSTGRES_SERVER_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CAPTIONS = "WEBVTT\n\n00:00.000 --> 00:01.000\nHej {n}\n\n00:01.000 --> 00:02.000\nDå {n}\n"

# The kinds of request, as the report names them.
PAGE = "page read"
API_READ = "API read"
CREATE = "item POST"
PATCH = "item PATCH"
CAPTION = "captions POST"
PUT_UPLOAD = "upload PUT"
TUS_UPLOAD = "upload tus"
KINDS = (PAGE, API_READ, PATCH, CAPTION, CREATE, PUT_UPLOAD, TUS_UPLOAD)


@dataclass(frozen=True)
class Answer:
    """One request: its kind, what it was answered (None: no answer at all) and how long it took."""

    kind: str
    path: str
    status: int | None
    seconds: float
    retry_after: str | None = None
    failure: str = ""


@dataclass
class LoadReport:
    """Every request of a run, and the uploads answered 2xx (item id, per upload)."""

    seconds: float
    answers: list[Answer] = field(default_factory=list)
    uploaded: list[int] = field(default_factory=list)
    server_cpu_seconds: float = 0.0

    def of(self, kind: str) -> list[Answer]:
        return [answer for answer in self.answers if answer.kind == kind]

    def server_errors(self) -> list[Answer]:
        """Answers 5xx other than a 503 with Retry-After, and requests never answered."""
        return [answer for answer in self.answers if is_server_error(answer)]

    def refusals(self) -> list[Answer]:
        return [a for a in self.answers if a.status in (429, 503)]

    def p99(self, kind: str) -> float:
        return percentile([a.seconds for a in self.of(kind)], 0.99)

    def lines(self) -> list[str]:
        """The printed table: per kind, the counts, answers per second and waits."""
        head = (
            f"{'kind':<14}{'2xx':>6}{'4xx':>6}{'429/503':>9}{'failed':>8}{'per s':>8}{'p50 s':>8}{'p99 s':>8}"
        )
        rows = [head]
        for kind in KINDS:
            answers = self.of(kind)
            if not answers:
                continue
            done = [a for a in answers if a.status is not None and a.status < 400]
            refused = [a for a in answers if is_refusal(a)]
            failed = [a for a in answers if is_server_error(a)]
            refused_else = len(answers) - len(done) - len(refused) - len(failed)
            waits = [a.seconds for a in answers]
            rows.append(
                f"{kind:<14}{len(done):>6}{refused_else:>6}{len(refused):>9}{len(failed):>8}"
                f"{len(done) / self.seconds:>8.1f}"
                f"{percentile(waits, 0.5):>8.3f}{percentile(waits, 0.99):>8.3f}"
            )
        cores = self.server_cpu_seconds / self.seconds
        rows.append(
            f"{len(self.uploaded)} uploads stored in {self.seconds:.0f} s wall; "
            f"server CPU {self.server_cpu_seconds:.0f} s ({cores:.2f} of a core)"
        )
        return rows


def is_server_error(answer: Answer) -> bool:
    """No answer at all, or a 5xx that is not a refusal saying when to try again."""
    return answer.status is None or (answer.status >= 500 and not is_refusal(answer))


def is_refusal(answer: Answer) -> bool:
    """A 429 or 503 that says when to try again."""
    return answer.status in (429, 503) and bool(answer.retry_after)


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (0 of nothing)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


def make_film(folder: Path) -> bytes:
    """The tests' film: 2 s, 320x180, H.264 and AAC in MP4, made with ffmpeg's lavfi."""
    path = folder / "load.mp4"
    subprocess.run([ffmpeg_path(), *synthetic.film_args(path)], check=True, capture_output=True)
    return path.read_bytes()


def make_tokens(database_url: str, count: int) -> list[str]:
    """``count`` operator API tokens, stored straight in the server's database (each
    ``tolk token create`` would start a process)."""
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            return [create_token(session, f"load {number}") for number in range(count)]
    finally:
        engine.dispose()


def tus_metadata(fields: dict[str, str]) -> str:
    return ",".join(f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in fields.items())


class Scenario:
    """The clients of one run, sharing one connection pool and one list of answers."""

    def __init__(self, client: httpx.AsyncClient, report: LoadReport, film: bytes, deadline: float) -> None:
        self.client = client
        self.report = report
        self.film = film
        self.deadline = deadline
        self.chance = random.Random(11)

    def running(self) -> bool:
        return time.monotonic() < self.deadline

    async def send(self, kind: str, method: str, path: str, **options: object) -> httpx.Response | None:
        """Send one request and keep its answer (None when there was none: refused connection,
        time-out)."""
        began = time.perf_counter()
        try:
            response = await self.client.request(method, path, **options)  # type: ignore[arg-type]
        except httpx.HTTPError as error:
            self.report.answers.append(
                Answer(
                    kind, path, None, time.perf_counter() - began, failure=f"{type(error).__name__}: {error}"
                )
            )
            return None
        await response.aread()
        self.report.answers.append(
            Answer(
                kind,
                path,
                response.status_code,
                time.perf_counter() - began,
                response.headers.get("retry-after"),
                response.text[:300] if response.status_code >= 500 else "",
            )
        )
        return response

    async def wait_as_told(self, response: httpx.Response) -> None:
        """A refused client waits for Retry-After (capped so the run can end on time)."""
        try:
            seconds = float(response.headers.get("retry-after", "1"))
        except ValueError:
            seconds = 1.0
        await asyncio.sleep(
            min(seconds, LONGEST_RETRY_WAIT_SECONDS, max(0.0, self.deadline - time.monotonic()))
        )

    async def uploader(self, number: int, token: str) -> None:
        """Make an item and upload the film to it, again and again: PUT and tus in turn."""
        auth = {"Authorization": f"Bearer {token}"}
        rounds = 0
        while self.running():
            created = await self.send(
                CREATE,
                "POST",
                "/api/media",
                json={"kind": "film", "title": f"Last {number}.{rounds}"},
                headers=auth,
            )
            if created is None or created.status_code != 201:
                if created is not None and created.status_code in (429, 503):
                    await self.wait_as_told(created)
                continue
            item_id = created.json()["id"]
            upload = self.tus if (number + rounds) % 2 else self.put
            rounds += 1
            refused = await upload(item_id, auth)
            if refused is not None:
                await self.wait_as_told(refused)

    async def put(self, item_id: int, auth: dict[str, str]) -> httpx.Response | None:
        """A plain PUT of the film; returns the answer when it was a refusal to wait on."""
        path = f"/api/media/{item_id}/file?filename=last.mp4"
        answer = await self.send(PUT_UPLOAD, "PUT", path, content=self.film, headers=auth)
        if answer is not None and answer.status_code in (200, 201):
            self.report.uploaded.append(item_id)
        return answer if answer is not None and answer.status_code in (429, 503) else None

    async def tus(self, item_id: int, auth: dict[str, str]) -> httpx.Response | None:
        """A tus upload: created empty, then the film in two PATCHes."""
        fields = {"item_id": str(item_id), "target": "source", "filename": "last.mp4"}
        headers = {**auth, "Tus-Resumable": "1.0.0"}
        created = await self.send(
            TUS_UPLOAD,
            "POST",
            "/api/uploads",
            headers={
                **headers,
                "Upload-Length": str(len(self.film)),
                "Upload-Metadata": tus_metadata(fields),
            },
        )
        if created is None or created.status_code != 201:
            return created if created is not None and created.status_code in (429, 503) else None
        location = httpx.URL(created.headers["location"]).path
        half = len(self.film) // 2
        offset = 0
        for chunk in (self.film[:half], self.film[half:]):
            sent = await self.send(
                TUS_UPLOAD,
                "PATCH",
                location,
                content=chunk,
                headers={
                    **headers,
                    "Upload-Offset": str(offset),
                    "Content-Type": "application/offset+octet-stream",
                },
            )
            if sent is None or sent.status_code != 204:
                return sent if sent is not None and sent.status_code in (429, 503) else None
            offset += len(chunk)
        self.report.uploaded.append(item_id)
        return None

    async def writer(self, item_id: int, token: str) -> None:
        """Change an item's title and description again and again, and now and then save captions."""
        auth = {"Authorization": f"Bearer {token}"}
        number = 0
        while self.running():
            number += 1
            if number % CAPTIONS_EVERY == 0:
                files = {"file": ("sv.vtt", CAPTIONS.format(n=number).encode())}
                answer = await self.send(
                    CAPTION,
                    "POST",
                    f"/api/media/{item_id}/captions",
                    files=files,
                    data={"language": "sv"},
                    headers=auth,
                )
            else:
                change = {"title": f"Skrivet {item_id}.{number}", "description": f"Ändring {number}"}
                answer = await self.send(PATCH, "PATCH", f"/api/media/{item_id}", json=change, headers=auth)
            if answer is not None and answer.status_code in (429, 503):
                await self.wait_as_told(answer)
            else:
                await self.pause(WRITER_PAUSE_SECONDS)

    async def pause(self, seconds: float) -> None:
        """About ``seconds`` (0.5 to 1.5 times it, so that clients do not march in step)."""
        await asyncio.sleep(seconds * (0.5 + self.chance.random()))

    async def reader(self, number: int, watched: list[int]) -> None:
        """Read the catalogue, watch pages, transcripts and the API, as an anonymous visitor."""
        step = number
        while self.running():
            item_id = watched[step % len(watched)]
            pages = (
                (PAGE, "/"),
                (PAGE, f"/watch/{item_id}"),
                (API_READ, "/api/media"),
                (PAGE, f"/watch/{item_id}/transcript"),
                (API_READ, f"/api/media/{item_id}"),
            )
            kind, path = pages[step % len(pages)]
            step += 1
            await self.send(kind, "GET", path, headers={"Accept": "text/html"} if kind == PAGE else {})
            await self.pause(READER_PAUSE_SECONDS)


async def prepare(url: str, token: str, film: bytes) -> tuple[list[int], list[int]]:
    """Published films with captions for the readers, and one published item per writer."""
    auth = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=auth, timeout=REQUEST_TIMEOUT_SECONDS) as api:
        watched = []
        for number in range(WATCHED_FILMS):
            item = (
                await api.post(
                    "/api/media", json={"kind": "film", "title": f"Film {number}", "published": True}
                )
            ).json()
            (
                await api.put(f"/api/media/{item['id']}/file?filename=film.mp4", content=film)
            ).raise_for_status()
            files = {"file": ("sv.vtt", CAPTIONS.format(n=number).encode())}
            answer = await api.post(f"/api/media/{item['id']}/captions", files=files, data={"language": "sv"})
            answer.raise_for_status()
            watched.append(item["id"])
        written = []
        for number in range(WRITERS):
            made = await api.post(
                "/api/media", json={"kind": "film", "title": f"Skrivet {number}", "published": True}
            )
            made.raise_for_status()
            written.append(made.json()["id"])
    return watched, written


async def run_load(
    server: LiveServer, database_url: str, film: bytes, seconds: float = SECONDS
) -> LoadReport:
    """The scenario against a running server: returns every answer, once every client is done."""
    tokens = make_tokens(database_url, UPLOAD_TOKENS + 1)
    watched, written = await prepare(server.url, tokens[-1], film)
    report = LoadReport(seconds=seconds)
    # Idle connections are dropped before the server's keep-alive timeout (uvicorn's 5 s), not
    # at the same moment: a request sent on a connection the server is closing fails unanswered.
    limits = httpx.Limits(
        max_connections=UPLOADERS + WRITERS + READERS + 10,
        max_keepalive_connections=None,
        keepalive_expiry=CLIENT_KEEPALIVE_SECONDS,
    )
    server_process = psutil.Process(server.process.pid)
    cpu_before = sum(server_process.cpu_times()[:2])
    async with httpx.AsyncClient(
        base_url=server.url, timeout=REQUEST_TIMEOUT_SECONDS, limits=limits
    ) as client:
        scenario = Scenario(client, report, film, time.monotonic() + seconds)
        began = time.monotonic()
        await asyncio.gather(
            *(scenario.uploader(n, tokens[n % UPLOAD_TOKENS]) for n in range(UPLOADERS)),
            *(scenario.writer(item_id, tokens[-1]) for item_id in written),
            *(scenario.reader(n, watched) for n in range(READERS)),
        )
        report.seconds = time.monotonic() - began
    report.server_cpu_seconds = sum(server_process.cpu_times()[:2]) - cpu_before
    return report


async def films_missing(url: str, token: str, item_ids: list[int], film: bytes) -> list[str]:
    """The uploads answered 2xx whose item does not serve the film byte for byte, each said why."""
    expected = hashlib.sha256(film).hexdigest()
    auth = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=10, keepalive_expiry=CLIENT_KEEPALIVE_SECONDS)
    async with httpx.AsyncClient(
        base_url=url, headers=auth, timeout=REQUEST_TIMEOUT_SECONDS, limits=limits
    ) as api:

        async def check(item_id: int) -> str | None:
            source = (await api.get(f"/api/media/{item_id}")).json().get("source")
            if source is None:
                return f"item {item_id}: no film"
            if source["sha256"] != expected:
                return f"item {item_id}: another file ({source['sha256']})"
            served = await api.get(source["url"])
            if served.status_code != 200 or hashlib.sha256(served.content).hexdigest() != expected:
                return (
                    f"item {item_id}: the film is served as {served.status_code}, {len(served.content)} bytes"
                )
            return None

        found = await asyncio.gather(*(check(item_id) for item_id in sorted(set(item_ids))))
    return [problem for problem in found if problem is not None]


@contextmanager
def postgres_database(name: str) -> Iterator[str]:
    """A database of its own on the local PostgreSQL server, dropped afterwards."""
    server = sqlalchemy.create_engine(POSTGRES_SERVER_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sqlalchemy.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(sqlalchemy.text(f"CREATE DATABASE {name}"))
    try:
        yield POSTGRES_SERVER_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with server.connect() as connection:
            connection.execute(sqlalchemy.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        server.dispose()


def run_against(database: str, folder: Path, film: bytes, seconds: float) -> LoadReport:
    """Start a server on ``database`` (``sqlite`` or ``postgresql``), run the scenario, check the films."""

    def measure(url: str) -> LoadReport:
        with live_server(folder / database, database_url=url, **SERVER_SETTINGS) as server:
            report = asyncio.run(run_load(server, url, film, seconds))
            token = make_tokens(url, 1)[0]
            for problem in asyncio.run(films_missing(server.url, token, report.uploaded, film)):
                print("  missing:", problem)
        return report

    if database == "sqlite":
        return measure(f"sqlite:///{folder / 'tolk.db'}")
    with postgres_database(f"tolk_bench_{os.getpid()}") as url:
        return measure(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), action="append")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tolk-load-") as temporary:
        folder = Path(temporary)
        film = make_film(folder)
        for database in args.database or ["sqlite", "postgresql"]:
            report = run_against(database, folder, film, args.seconds)
            print(
                f"\n{database}: {UPLOADERS} uploaders, {WRITERS} writers, {READERS} readers "
                f"for {args.seconds:.0f} s"
            )
            for line in report.lines():
                print(" ", line)
            for answer in report.server_errors()[:5]:
                print("  server error:", answer)


if __name__ == "__main__":
    main()
