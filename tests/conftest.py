"""Shared fixtures: tiny media made at test time from ffmpeg's lavfi sources."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy
from fastapi.testclient import TestClient

from helpers import running_service
from media_service.config import Settings
from seaweedfs import SeaweedFS, start_seaweedfs
from transcode import synthetic
from transcode.binary import ffmpeg_path


@pytest.fixture(scope="session")
def ffmpeg() -> str:
    return ffmpeg_path()


@pytest.fixture(scope="session")
def make_media(ffmpeg: str, tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Build (once per session and set of arguments) a synthetic file: ``make_media("film")``.

    Kinds: ``film`` (synthetic.film_args), ``tone`` (synthetic.tone_args),
    ``interpreter`` (synthetic.interpreter_args); keyword arguments go to the builder.
    """
    builders = {
        "film": (synthetic.film_args, ".mp4"),
        "tone": (synthetic.tone_args, ".m4a"),
        "interpreter": (synthetic.interpreter_args, ".mp4"),
    }
    folder = tmp_path_factory.mktemp("media")
    made: dict[tuple, Path] = {}

    def build(kind: str, **options: object) -> Path:
        key = (kind, tuple(sorted(options.items())))
        if key not in made:
            builder, suffix = builders[kind]
            output = folder / f"{kind}-{len(made)}{suffix}"
            subprocess.run([ffmpeg, *builder(output, **options)], check=True, capture_output=True)
            made[key] = output
        return made[key]

    return build


@pytest.fixture(scope="session")
def made(ffmpeg: str, tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Run ffmpeg with ``args`` to make ``name`` (once per session) and return its path:
    ``made("cover.png", "-f", "lavfi", "-i", "color=c=red:size=64x64", "-frames:v", "1")``.

    A name stands for one file: asking for it again with other arguments is an error.
    """
    folder = tmp_path_factory.mktemp("made")
    made_with: dict[str, tuple[str, ...]] = {}

    def make(name: str, *args: str) -> Path:
        output = folder / name
        if name in made_with:
            assert made_with[name] == args, f"{name} was made with other arguments"
            return output
        subprocess.run(
            [ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", *args, "-y", str(output)],
            check=True,
        )
        made_with[name] = args
        return output

    return make


@pytest.fixture(scope="session")
def film(make_media: Callable[..., Path]) -> Path:
    """A 2 s 320x180 25 fps H.264/AAC MP4."""
    return make_media("film")


@pytest.fixture(scope="session")
def song(make_media: Callable[..., Path]) -> Path:
    """A 2 s AAC tone in M4A, audio only."""
    return make_media("tone")


@pytest.fixture(scope="session")
def song_with_cover(song: Path, made: Callable[..., Path]) -> Path:
    """The ``song`` with a 64x64 red cover image attached (an MJPEG attached picture)."""
    cover = made("cover.png", "-f", "lavfi", "-i", "color=c=red:size=64x64", "-frames:v", "1", "-update", "1")
    return made(
        "covered.m4a",
        *("-i", str(song), "-i", str(cover), "-map", "0:a", "-map", "1:v"),
        *("-c:a", "copy", "-c:v", "mjpeg", "-disposition:v", "attached_pic"),
    )


@pytest.fixture(scope="session")
def interpreter(make_media: Callable[..., Path]) -> Path:
    """A 2 s 320x360 figure signing on green, no sound."""
    return make_media("interpreter")


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedFS]:
    """A SeaweedFS S3 server on loopback for this test session (``tests/seaweedfs.py``)."""
    server = start_seaweedfs(tmp_path_factory.mktemp("seaweedfs"))
    try:
        yield server
    finally:
        server.stop()


# TOLK_TEST_STORAGE=s3 (scripts/test's second pass): every Settings the tests make, and every
# service process they start, stores in SeaweedFS, through the TOLK_S3_* environment.
S3_PASS = os.environ.get("TOLK_TEST_STORAGE", "local") == "s3"


def s3_environment(server: SeaweedFS, bucket: str) -> dict[str, str]:
    """The TOLK_* variables that put a Tolk on ``bucket`` of ``server``."""
    return {
        "TOLK_STORAGE": "s3",
        "TOLK_S3_ENDPOINT_URL": server.endpoint_url,
        "TOLK_S3_BUCKET": bucket,
        "TOLK_S3_ACCESS_KEY_ID": server.access_key_id,
        "TOLK_S3_SECRET_ACCESS_KEY": server.secret_access_key,
        "TOLK_S3_REGION": server.region,
    }


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if S3_PASS:
        skip = pytest.mark.skip(reason="about files on local disk; this pass stores in S3")
        for item in items:
            if "local_storage" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _s3_pass_session(request: pytest.FixtureRequest) -> Iterator[None]:
    """In the S3 pass: the environment names a bucket of the session's SeaweedFS (one for the
    fixtures shared by a module or session; each test gets a fresh one, below)."""
    if not S3_PASS:
        yield
        return
    server: SeaweedFS = request.getfixturevalue("seaweedfs")
    saved = dict(os.environ)
    os.environ.update(s3_environment(server, server.make_bucket()))
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(autouse=True)
def _s3_pass_bucket(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """In the S3 pass: a fresh bucket for each test, dropped after it."""
    if not S3_PASS:
        yield
        return
    server: SeaweedFS = request.getfixturevalue("seaweedfs")
    bucket = server.make_bucket()
    monkeypatch.setenv("TOLK_S3_BUCKET", bucket)
    yield
    server.drop_bucket(bucket)


# The server's own database; each test session makes a database of its own beside it, so that
# two runs at once (two developers, a benchmark) never reset each other's tables.
POSTGRES_SERVER_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _reset_postgres(url: str) -> None:
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(sqlalchemy.text("CREATE SCHEMA public"))
    engine.dispose()


def _postgres_available() -> bool:
    try:
        engine = sqlalchemy.create_engine(POSTGRES_SERVER_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except sqlalchemy.exc.OperationalError:
        return False


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database for this test session alone, dropped at its end."""
    if not _postgres_available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL at 127.0.0.1:5432 is not reachable")
        pytest.skip("PostgreSQL at 127.0.0.1:5432 is not reachable")
    name = f"tolk_test_{os.getpid()}"
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


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs on SQLite and on the local PostgreSQL server (the session's own
    database, its schema reset)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tolk.db'}"
    url = request.getfixturevalue("postgres_url")
    _reset_postgres(url)
    return url


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for a throwaway service: SQLite and files under the test's temporary folder."""
    return Settings(data_dir=tmp_path / "data", workers=0)


@pytest.fixture
def service(settings: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    with running_service(settings) as running:
        yield running


@pytest.fixture
def client(service: tuple[TestClient, dict[str, str]]) -> TestClient:
    return service[0]


@pytest.fixture
def auth(service: tuple[TestClient, dict[str, str]]) -> dict[str, str]:
    """Authorization headers with a fresh API token."""
    return service[1]


@pytest.fixture
def upload(client: TestClient, auth: dict[str, str]) -> Callable[..., dict]:
    """Create an item and upload a file to it: ``upload(path, kind="film")`` -> item JSON."""

    def create_and_upload(path: Path, kind: str = "film", title: str = "Test", **fields: object) -> dict:
        created = client.post("/api/media", json={"kind": kind, "title": title, **fields}, headers=auth)
        assert created.status_code == 201, created.text
        response = client.put(
            f"/api/media/{created.json()['id']}/file", content=path.read_bytes(), headers=auth
        )
        assert response.status_code == 201, response.text
        return response.json()

    return create_and_upload


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture(scope="session")
def fleet(
    tmp_path_factory: pytest.TempPathFactory, make_media: Callable[..., Path], seaweedfs: SeaweedFS
) -> Iterator[object]:
    """The fleet test's run (tests/fleet.py): an API and two workers with data directories of
    their own, one worker killed mid-job. Shared by tests/test_fleet.py and the browser's
    tests/browser/test_fleet_in_chromium.py, which plays what it made. Every file is in a
    bucket of the session's SeaweedFS."""
    from fleet import Inputs, ObjectStore, run_fleet
    from variant_helpers import CAPTIONS_VTT

    missing = [what for what, port in (("PostgreSQL", 5432), ("Redis", 6379)) if not _listening(port)]
    if missing:
        message = f"{' and '.join(missing)} at 127.0.0.1 not reachable: the fleet needs both"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    seconds = 6.0
    films = [(make_media("film", duration=seconds, tone_hz=hz), seconds) for hz in (440, 660, 880)]
    descriptions = "WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nEn röd bil kör förbi.\n".encode()
    inputs = Inputs(
        films=films,
        interpreter=make_media("interpreter", duration=seconds),
        captions=CAPTIONS_VTT,
        descriptions=descriptions if shutil.which("espeak-ng") else None,
    )
    folder = tmp_path_factory.mktemp("fleet")
    with run_fleet(folder, inputs, POSTGRES_SERVER_URL, ObjectStore(seaweedfs)) as run:
        yield run
