"""/healthz, /readyz and /metrics: what an operator's monitoring reads (docs/deployment.md)."""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from bench.live_server import free_port
from helpers import running_service
from media_service.app import create_app
from media_service.auth import create_token
from media_service.config import Settings
from media_service.db import session_scope
from media_service.logs import JsonLines

LOOPBACK = ("127.0.0.1", 50000)


def _samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of a Prometheus text exposition, read by prometheus-client's own parser."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("ops") / "data", workers=1, hls=False, metrics="loopback"
    )
    with TestClient(create_app(settings), client=LOOPBACK) as client:
        with session_scope(client.app.state.sessions) as session:
            auth = {"Authorization": f"Bearer {create_token(session, 'ops')}"}
        yield client, auth


def test_healthz_answers_alive(service: tuple[TestClient, dict[str, str]]) -> None:
    assert service[0].get("/healthz").json() == {"status": "alive"}


def test_readyz_names_each_dependency(service: tuple[TestClient, dict[str, str]]) -> None:
    response = service[0].get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "queue": "ok", "storage": "ok"},
    }


def test_readyz_is_503_naming_an_unreachable_queue_in_the_askers_language(tmp_path: Path) -> None:
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings = Settings(
        data_dir=tmp_path / "data", workers=0, queue_url=f"redis://:secret@127.0.0.1:{port}/0"
    )
    with TestClient(create_app(settings)) as client:
        swedish = client.get("/readyz", headers={"Accept-Language": "sv"})
        english = client.get("/readyz", headers={"Accept-Language": "en"})
    assert swedish.status_code == english.status_code == 503
    assert swedish.json()["error"]["message"] == "Tjänsten är inte redo: jobbkön svarar inte."
    assert english.json()["error"]["message"] == "The service is not ready: the job queue does not answer."
    assert [p["field"] for p in english.json()["error"]["problems"]] == ["queue"]
    assert "secret" not in english.text


def test_readyz_is_503_when_the_storage_is_gone(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", workers=0)
    with TestClient(create_app(settings)) as client:
        shutil.rmtree(settings.files_dir)
        response = client.get("/readyz")
    assert response.status_code == 503
    assert [p["field"] for p in response.json()["error"]["problems"]] == ["storage"]


def test_readyz_reaches_a_configured_redis(tmp_path: Path) -> None:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings = Settings(data_dir=tmp_path / "data", workers=0, queue_url="redis://127.0.0.1:6379/0")
    with TestClient(create_app(settings)) as client:
        assert client.get("/readyz").json()["checks"]["queue"] == "ok"


def test_metrics_move_after_an_upload_and_a_job(
    service: tuple[TestClient, dict[str, str]], film: Path
) -> None:
    client, auth = service
    before = _samples(client.get("/metrics").text)
    item = client.post("/api/media", json={"kind": "film", "title": "Mätt"}, headers=auth).json()
    data = film.read_bytes()
    assert client.put(f"/api/media/{item['id']}/file", content=data, headers=auth).status_code in (200, 201)
    client.get(f"/api/media/{item['id']}", headers=auth)
    deadline = time.monotonic() + 60
    while True:  # the upload ordered a job (the film made watchable): wait for its end
        after = _samples(client.get("/metrics").text)
        jobs = [k for k in after if k[0] == "tolk_job_duration_seconds_count" and ("outcome", "done") in k[1]]
        if any(after[k] > before.get(k, 0) for k in jobs) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert any(after[k] > before.get(k, 0) for k in jobs), "no job was timed"
    assert (
        _value(after, "tolk_uploads_total", protocol="plain")
        == _value(before, "tolk_uploads_total", protocol="plain") + 1
    )
    assert _value(after, "tolk_upload_bytes_total", protocol="plain") - _value(
        before, "tolk_upload_bytes_total", protocol="plain"
    ) == len(data)
    # Latency by route template: the item's id makes no series of its own.
    routes = {dict(k[1]).get("route") for k in after if k[0] == "tolk_request_duration_seconds_count"}
    assert "/api/media/{item_id}" in routes
    assert not any(route and str(item["id"]) in route for route in routes)
    assert any(k[0] == "tolk_jobs" for k in after)


def test_metrics_count_bytes_served(service: tuple[TestClient, dict[str, str]], film: Path) -> None:
    client, auth = service
    item = client.post(
        "/api/media", json={"kind": "film", "title": "Sänd", "published": True}, headers=auth
    ).json()
    client.put(f"/api/media/{item['id']}/file", content=film.read_bytes(), headers=auth)
    url = client.get(f"/api/media/{item['id']}", headers=auth).json()["source"]["url"]
    before = _value(_samples(client.get("/metrics").text), "tolk_served_bytes_total")
    assert client.get(url, headers={"Range": "bytes=0-999"}).status_code == 206
    assert _value(_samples(client.get("/metrics").text), "tolk_served_bytes_total") - before == 1000


@pytest.mark.parametrize(
    ("setting", "client_address", "headers", "status"),
    [
        ({"metrics": "off"}, LOOPBACK, {}, 404),
        ({"metrics": "loopback"}, ("203.0.113.5", 4000), {}, 403),
        ({"metrics": "loopback"}, LOOPBACK, {"X-Forwarded-For": "203.0.113.5"}, 403),
        ({"metrics": "token", "metrics_token": "s3cret"}, ("203.0.113.5", 4000), {}, 401),
        ({"metrics": "token", "metrics_token": "s3cret"}, LOOPBACK, {"Authorization": "Bearer wrong"}, 401),
        (
            {"metrics": "token", "metrics_token": "s3cret"},
            ("203.0.113.5", 4000),
            {"Authorization": "Bearer s3cret"},
            200,
        ),
        ({"metrics": "token"}, LOOPBACK, {"Authorization": "Bearer "}, 401),
    ],
)
def test_metrics_are_shown_only_as_the_setting_allows(
    tmp_path: Path, setting: dict, client_address: tuple[str, int], headers: dict[str, str], status: int
) -> None:
    settings = Settings(data_dir=tmp_path / "data", workers=0, **setting)
    with TestClient(create_app(settings), client=client_address) as client:
        response = client.get("/metrics", headers={"Accept-Language": "sv", **headers})
    assert response.status_code == status
    if status in (401, 403):
        assert response.json()["error"]["message"] == "Mätvärdena visas inte för den här klienten."


def test_the_default_shows_no_metrics(tmp_path: Path) -> None:
    assert Settings(data_dir=tmp_path).metrics == "off"


class _Lines(logging.Handler):
    """Keeps what the JSON formatter writes, one string a record."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonLines())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_json_logs_give_each_request_and_job_its_fields(tmp_path: Path, film: Path) -> None:
    handler = _Lines()
    loggers = [logging.getLogger("tolk.requests"), logging.getLogger("tolk.jobs")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    try:
        settings = Settings(data_dir=tmp_path / "data", workers=1, hls=False, log_format="json")
        with running_service(settings) as (client, auth):
            item = client.post("/api/media", json={"kind": "film", "title": "Loggad"}, headers=auth).json()
            client.put(f"/api/media/{item['id']}/file", content=film.read_bytes(), headers=auth)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not any(
                '"event": "done"' in line for line in handler.lines
            ):
                time.sleep(0.1)
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)
    records = [json.loads(line) for line in handler.lines]  # every line is one JSON object
    put = next(r for r in records if r["logger"] == "tolk.requests" and r.get("method") == "PUT")
    assert put["route"] == "/api/media/{item_id}/file"
    assert put["path"] == f"/api/media/{item['id']}/file"
    assert put["status"] in (200, 201) and put["duration_ms"] > 0 and put["level"] == "info"
    assert datetime.fromisoformat(put["time"]).utcoffset() == timedelta(0)
    job_events = [r for r in records if r["logger"] == "tolk.jobs" and "event" in r]
    assert [r["event"] for r in job_events][:1] == ["started"]
    done = next(r for r in job_events if r["event"] == "done")
    assert done["job_id"] == job_events[0]["job_id"] and done["kind"] and done["duration_s"] >= 0


def test_text_logs_leave_requests_to_uvicorn(tmp_path: Path) -> None:
    handler = _Lines()
    logger = logging.getLogger("tolk.requests")
    logger.addHandler(handler)
    try:
        with TestClient(create_app(Settings(data_dir=tmp_path / "data", workers=0))) as client:
            client.get("/healthz")
    finally:
        logger.removeHandler(handler)
    assert handler.lines == []


COUNT_AND_EXIT = """
from media_service.metrics import SERVED_BYTES
SERVED_BYTES.inc(5)
"""
EXPOSE = """
import sys
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker
from media_service.db import migrate
from media_service.metrics import exposition
url = "sqlite:///" + sys.argv[1]
migrate(url)
print(exposition(sessionmaker(create_engine(url)))[0].decode())
"""


def test_processes_sharing_a_multiprocess_directory_are_summed(tmp_path: Path) -> None:
    """PROMETHEUS_MULTIPROC_DIR as docs/deployment.md says: what two processes (since ended)
    counted is in a third one's answer."""
    shared = tmp_path / "metrics"
    shared.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(shared)}
    for _ in range(2):
        subprocess.run([sys.executable, "-c", COUNT_AND_EXIT], env=env, check=True)
    answer = subprocess.run(
        [sys.executable, "-c", EXPOSE, str(tmp_path / "tolk.db")],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert _value(_samples(answer), "tolk_served_bytes_total") == 10


def test_a_worker_answers_its_own_metrics_on_loopback(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "TOLK_DATA_DIR": str(tmp_path / "data"), "TOLK_WORKER_METRICS_PORT": str(port)}
    worker = subprocess.Popen(
        [sys.executable, "-m", "media_service.cli", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=1)
                break
            except httpx.TransportError:
                assert worker.poll() is None, worker.stderr.read().decode() if worker.stderr else ""
                assert time.monotonic() < deadline, "the worker's metrics did not answer within 30 s"
                time.sleep(0.1)
        assert answer.status_code == 200
        families = {family.name for family in text_string_to_metric_families(answer.text)}
        assert {"tolk_job_duration_seconds", "tolk_jobs_failed"} <= families
    finally:
        worker.terminate()
        worker.wait(timeout=30)
