"""Uploads hold no write lock while a body streams in or is probed: on SQLite another editor's
write goes through meanwhile. Variants of a film replaced meanwhile are never published."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from upload_helpers import create_upload, patch
from variant_helpers import Api

from bench.live_server import live_server
from helpers import running_service, stored_keys
from media_service.config import Settings
from media_service.db import session_scope
from media_service.jobs import records
from media_service.jobs.worker import JobRunner
from media_service.models import Job, JobState
from media_service.services import interpreters, media, variant_jobs, variants

QUICK = 3.0  # seconds: a write that waits for an upload to end takes the upload's pause at least
PAUSE = 8.0


def runner_of(client: TestClient) -> JobRunner:
    state = client.app.state
    return JobRunner(
        state.settings, state.sessions, state.storage, state.job_queue, handlers=state.job_handlers
    )


def timed_create(post: Callable[..., httpx.Response]) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = post("/api/media", json={"kind": "film", "title": "Medan"})
    return response, time.monotonic() - started


def test_another_write_goes_through_while_a_body_streams_in(tmp_path: Path, film: Path) -> None:
    data = film.read_bytes()
    half_sent, release = threading.Event(), threading.Event()

    def slow_body() -> Iterator[bytes]:
        yield data[: len(data) // 2]
        half_sent.set()
        release.wait(PAUSE)
        yield data[len(data) // 2 :]

    with live_server(tmp_path / "data", workers="0") as server:
        headers = {"Authorization": f"Bearer {server.token()}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=60) as api:
            item = api.post("/api/media", json={"kind": "film", "title": "Lång"}).json()
            with ThreadPoolExecutor(1) as pool:
                upload = pool.submit(api.put, f"/api/media/{item['id']}/file", content=slow_body())
                assert half_sent.wait(10)
                time.sleep(0.5)  # the server has begun the route and is reading the body
                created, took = timed_create(api.post)
                release.set()
                uploaded = upload.result()
            assert created.status_code == 201, created.text
            assert took < QUICK, f"the write waited {took:.1f} s for the upload"
            assert uploaded.status_code == 201, uploaded.text
            assert uploaded.json()["source"]["size_bytes"] == len(data)


@pytest.fixture
def paused_probe(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """Probing waits (off the event loop) until released: (probing started, release)."""
    probing, release = threading.Event(), threading.Event()
    real = media.probe_upload

    def slow_probe(path: Path, original_name: str = ""):  # type: ignore[no-untyped-def]
        probing.set()
        release.wait(PAUSE)
        return real(path, original_name)

    monkeypatch.setattr(media, "probe_upload", slow_probe)
    monkeypatch.setattr(interpreters, "probe_upload", slow_probe)
    return probing, release


def put_source(client: TestClient, auth: dict[str, str], item_id: int, data: bytes) -> int:
    return client.put(f"/api/media/{item_id}/file", content=data, headers=auth).status_code


def post_interpreter(client: TestClient, auth: dict[str, str], item_id: int, data: bytes) -> int:
    return client.post(f"/api/media/{item_id}/interpreters", content=data, headers=auth).status_code


def resumable_source(client: TestClient, auth: dict[str, str], item_id: int, data: bytes) -> int:
    created = create_upload(
        client, auth, len(data), item_id=item_id, target="source", filename="f.mp4", filetype="video/mp4"
    )
    return patch(client, auth, created.headers["location"], 0, data).status_code


@pytest.mark.parametrize(
    ("send", "expected"),
    [(put_source, 201), (post_interpreter, 201), (resumable_source, 204)],
    ids=["put", "interpreter", "resumable"],
)
def test_another_write_goes_through_while_an_upload_is_probed(
    client: TestClient,
    auth: dict[str, str],
    film: Path,
    paused_probe: tuple[threading.Event, threading.Event],
    send: Callable[[TestClient, dict[str, str], int, bytes], int],
    expected: int,
) -> None:
    probing, release = paused_probe
    item_id = client.post("/api/media", json={"kind": "film", "title": "F"}, headers=auth).json()["id"]
    with ThreadPoolExecutor(1) as pool:
        upload: Future[int] = pool.submit(send, client, auth, item_id, film.read_bytes())
        assert probing.wait(10)
        created, took = timed_create(lambda path, json: client.post(path, json=json, headers=auth))
        release.set()
        assert upload.result() == expected
    assert created.status_code == 201, created.text
    assert took < QUICK, f"the write waited {took:.1f} s for the upload"


# --- variants of a replaced film -----------------------------------------------------------


def test_a_cancelled_job_is_not_marked_done(client: TestClient, auth: dict[str, str], film: Path) -> None:
    item = Api(client, auth).item_with_film(film)
    me = records.this_process()
    with session_scope(client.app.state.sessions) as session:
        job = session.scalars(select(Job).where(Job.item_id == item["id"])).one()
        assert records.claim(session, job.id, me)
        records.request_cancel(session, job)
        assert not records.finish(session, job.id, me)
        session.refresh(job)
        assert job.state is JobState.RUNNING and job.cancel_requested


@pytest.mark.parametrize("cancel_noticed", [True, False], ids=["cancelled", "cancel-lost"])
def test_variants_of_a_film_replaced_while_they_were_made_are_not_published(
    tmp_path: Path, film: Path, monkeypatch: pytest.MonkeyPatch, cancel_noticed: bool
) -> None:
    settings = Settings(data_dir=tmp_path / "data", workers=0)
    with running_service(settings) as (client, auth):
        api = Api(client, auth)
        item = api.item_with_film(film)
        old_job = api.web_job(item["id"])
        if not cancel_noticed:  # as if the cancel had not reached the job: the source check stops it
            monkeypatch.setattr(records, "cancel_active_jobs", lambda session, item, **_: None)
        publish = variant_jobs._publish

        def replace_then_publish(context, inputs, outputs) -> None:  # type: ignore[no-untyped-def]
            url = f"/api/media/{inputs.item_id}/file"
            replaced = client.put(url, content=film.read_bytes(), headers=auth)
            assert replaced.status_code == 201, replaced.text
            publish(context, inputs, outputs)

        monkeypatch.setattr(variant_jobs, "_publish", replace_then_publish)
        runner_of(client).run(old_job["id"])

        assert api.variants(item["id"]) == {}
        ended = api.job(old_job["id"])
        if cancel_noticed:
            assert ended["state"] == "cancelled"
        else:
            assert ended["state"] == "failed" and "replaced" in ended["error"]
        assert len(stored_keys(client, ".mp4")) == 1  # the new film alone: no output of the job was kept
        assert [p for p in settings.scratch_dir.rglob("*") if p.is_file()] == []


def test_variants_published_while_a_new_film_streamed_in_are_dropped(
    client: TestClient, auth: dict[str, str], film: Path
) -> None:
    api = Api(client, auth)
    item = api.item_with_film(film)
    sessions = client.app.state.sessions
    with session_scope(sessions) as session:
        loaded = media.get_item(session, item["id"], include_unpublished=True)  # before the upload
        runner_of(client).run(api.web_job(item["id"])["id"])  # publishes meanwhile
        assert "web" in api.variants(item["id"])
        variants.after_source_upload(session, client.app.state.storage, client.app.state.job_queue, loaded)
    assert "web" not in api.variants(item["id"])
