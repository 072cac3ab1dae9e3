"""Durable jobs: states, progress, retries, cancel, timeout, duplicates, recovery, Redis."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import psutil
import pytest
import redis
from sqlalchemy import update
from variant_helpers import Api, ffmpeg_processes, read_in_real_time, wait_until

from helpers import running_service
from media_service.config import Settings, redis_url
from media_service.db import session_scope
from media_service.jobs import records
from media_service.jobs import worker as worker_module
from media_service.jobs.context import JobContext
from media_service.jobs.queue import JobQueue
from media_service.jobs.worker import JobRunner, WorkerPool, wait_for_jobs
from media_service.models import Job, JobState, MediaItem, utcnow
from media_service.services import variant_jobs, variants
from media_service.services.accounts import LoginThrottle
from transcode import variants as builder

REDIS_URL = "redis://127.0.0.1:6379/0"


def job_settings(tmp_path: Path, **overrides: object) -> Settings:
    options: dict[str, object] = {"data_dir": tmp_path / "data", "workers": 0, "job_retry_delay_seconds": 0}
    return Settings(**{**options, **overrides})


def runner_of(client) -> JobRunner:  # type: ignore[no-untyped-def]
    state = client.app.state
    return JobRunner(
        state.settings, state.sessions, state.storage, state.job_queue, handlers=state.job_handlers
    )


@contextmanager
def captioned_job_under_way(
    settings: Settings, film: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Api, dict, dict]]:
    """A running service with an item whose `captioned` job has started (ffmpeg paced to real
    time, so the job is still running when the caller acts): the API, the item and the job."""
    read_in_real_time(monkeypatch)
    with running_service(settings) as (client, auth):
        api = Api(client, auth)
        item = api.item_with_film(film)
        api.wait_for_job(api.web_job(item["id"])["id"])
        api.add_captions(item["id"])
        job = api.order(item["id"], "captioned")
        wait_until(lambda: api.job(job["id"])["progress"] > 0)
        yield api, item, job


def scratch_files(settings: Settings) -> list[Path]:
    return [p for p in settings.scratch_dir.rglob("*") if p.is_file()]


def test_a_job_runs_from_queued_to_done_and_records_its_progress(
    tmp_path: Path, film: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker_module, "BEAT_SECONDS", 0.1)
    read_in_real_time(monkeypatch)  # the 2 s film takes 2 s: progress can be watched
    settings = job_settings(tmp_path, database_url=database_url)
    with running_service(settings) as (client, auth):
        api = Api(client, auth)
        item = api.item_with_film(film)
        api.add_captions(item["id"])
        job = api.order(item["id"], "captioned")
        assert (job["state"], job["attempts"], job["progress"]) == ("queued", 0, 0.0)

        run = threading.Thread(target=runner_of(client).run, args=(job["id"],))
        run.start()
        seen = []
        while run.is_alive():
            now = api.job(job["id"])
            seen.append((now["state"], now["progress"], now["eta_seconds"]))
            time.sleep(0.05)
        run.join()

        done = api.job(job["id"])
        assert (done["state"], done["progress"], done["attempts"], done["error"]) == ("done", 1.0, 1, None)
        assert done["started_at"] <= done["finished_at"]
        running = [(progress, eta) for state, progress, eta in seen if state == "running"]
        assert any(0 < progress < 1 and eta is not None and eta > 0 for progress, eta in running), seen
        progresses = [progress for progress, _ in running]
        assert progresses == sorted(progresses)
        assert "captioned" in api.variants(item["id"])


def test_failed_attempts_are_retried_up_to_the_limit_and_keep_ffmpegs_words(
    tmp_path: Path, film: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build = builder.build_variants

    def bogus_preset(job: builder.VariantJob) -> builder.VariantPlan:
        plan = build(job)
        args = ["no-such-preset" if arg == "veryfast" else arg for arg in plan.args]
        return builder.VariantPlan(args, plan.caption_files, plan.duration)

    monkeypatch.setattr(builder, "build_variants", bogus_preset)
    settings = job_settings(tmp_path, workers=1, job_max_attempts=2)
    with running_service(settings) as (client, auth):
        api = Api(client, auth)
        item = api.item_with_film(film)
        api.add_captions(item["id"])
        job = api.wait_for_job(api.order(item["id"], "captioned")["id"])
        assert (job["state"], job["attempts"]) == ("failed", 2)
        assert "exit code" in job["error"]
        assert "invalid preset 'no-such-preset'" in job["error"]  # from ffmpeg's stderr
        assert "captioned" not in api.variants(item["id"])
        anonymous = client.get(f"/api/jobs/{job['id']}").json()
        assert anonymous["error"] == "the job failed"  # ffmpeg's words (with paths) are for editors
    assert scratch_files(settings) == []


def test_cancel_stops_ffmpeg_at_once_and_leaves_no_partial_file(
    tmp_path: Path, make_media: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = job_settings(tmp_path, workers=1)
    with captioned_job_under_way(settings, make_media("film", duration=10), monkeypatch) as (
        api,
        item,
        job,
    ):
        client, auth = api.client, api.auth
        encoders = ffmpeg_processes(psutil.Process())
        assert len(encoders) == 1
        assert any(p.name.endswith(".mp4") for p in scratch_files(settings))

        asked = time.monotonic()
        response = client.post(f"/api/jobs/{job['id']}/cancel", headers=auth)
        assert response.status_code == 200 and response.json()["cancel_requested"]
        wait_until(lambda: api.job(job["id"])["state"] == "cancelled", timeout=3)
        assert time.monotonic() - asked < 2
        _, alive = psutil.wait_procs(encoders, timeout=2)
        assert alive == []
        assert scratch_files(settings) == []
        assert "captioned" not in api.variants(item["id"])
        assert client.post(f"/api/jobs/{job['id']}/cancel", headers=auth).json()["state"] == "cancelled"
        web_job = api.web_job(item["id"])
        ended = client.post(f"/api/jobs/{web_job['id']}/cancel", headers=auth)
        assert ended.status_code == 409
        assert client.post(f"/api/jobs/{job['id']}/cancel").status_code == 401


def test_a_queued_job_cancelled_never_runs(tmp_path: Path, film: Path) -> None:
    settings = job_settings(tmp_path)
    with running_service(settings) as (client, auth):
        api = Api(client, auth)
        item = api.item_with_film(film)
        web = api.web_job(item["id"])
        cancelled = client.post(f"/api/jobs/{web['id']}/cancel", headers=auth).json()
        assert cancelled["state"] == "cancelled"
        runner_of(client).run(web["id"])
        assert api.job(web["id"])["attempts"] == 0
        assert api.variants(item["id"]) == {}


def test_a_job_longer_than_the_time_limit_fails_without_retry(
    tmp_path: Path, make_media: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    read_in_real_time(monkeypatch)
    settings = job_settings(tmp_path, workers=1, job_timeout_seconds=1)
    with running_service(settings) as (client, auth):
        api = Api(client, auth)
        item = api.item_with_film(make_media("film", duration=4))
        api.add_captions(item["id"])
        job = api.wait_for_job(api.order(item["id"], "captioned")["id"])
        assert (job["state"], job["attempts"]) == ("failed", 1)
        assert "longer than 1 s" in job["error"]
    assert scratch_files(settings) == []


def test_duplicate_messages_run_a_job_once(tmp_path: Path, film: Path) -> None:
    settings = job_settings(tmp_path)
    with running_service(settings) as (client, auth):
        api = Api(client, auth)
        item = api.item_with_film(film)
        web = api.web_job(item["id"])
        state = client.app.state
        for _ in range(3):
            state.job_queue.enqueue(web["id"])
        handled: list[int] = []

        def counted(context: JobContext) -> None:
            handled.append(context.job_id)
            variant_jobs.run_variants_job(context)

        runner = JobRunner(
            settings, state.sessions, state.storage, state.job_queue, handlers={variants.JOB_KIND: counted}
        )
        pool = WorkerPool(runner, 2)
        pool.start()
        try:
            assert wait_for_jobs(state.sessions, [web["id"]], timeout=30) == {web["id"]: JobState.DONE}
            wait_until(state.job_queue.is_idle)
        finally:
            pool.stop()
        assert handled == [web["id"]]
        assert api.job(web["id"])["attempts"] == 1
        assert list(api.variants(item["id"])) == ["web"]


def test_only_one_of_many_racing_claims_wins(tmp_path: Path, film: Path, database_url: str) -> None:
    settings = job_settings(tmp_path, database_url=database_url)
    with running_service(settings) as (client, auth):
        item = Api(client, auth).item_with_film(film)
        web_id = Api(client, auth).web_job(item["id"])["id"]
        sessions = client.app.state.sessions
        start = threading.Barrier(8)
        wins: list[bool] = []

        def claim(number: int) -> None:
            worker = records.WorkerIdentity("racer", number, f"token{number}")
            start.wait()
            with session_scope(sessions) as session:
                wins.append(records.claim(session, web_id, worker))

        racers = [threading.Thread(target=claim, args=(n,)) for n in range(8)]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join()
        assert sorted(wins) == [False] * 7 + [True]


def dead_pid() -> int:
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    return finished.pid


def test_recovery_takes_back_jobs_of_dead_workers_only(tmp_path: Path, film: Path, database_url: str) -> None:
    settings = job_settings(
        tmp_path, database_url=database_url, job_max_attempts=2, job_heartbeat_timeout_seconds=60
    )
    with running_service(settings) as (client, auth):
        item_id = Api(client, auth).item_with_film(film)["id"]
        state = client.app.state
        runner = runner_of(client)
        me = runner.worker
        workers = {
            "dead here": records.WorkerIdentity(me.host, dead_pid(), "a" * 32),
            "earlier life of this pid": records.WorkerIdentity(me.host, me.pid, "b" * 32),
            "alive here": records.WorkerIdentity(me.host, os.getppid(), "c" * 32),
            "elsewhere, beating": records.WorkerIdentity("elsewhere", 7, "d" * 32),
            # A container on this machine, sharing its name: its pids are not this one's.
            "beside, in a container": records.WorkerIdentity(
                f"{socket.gethostname()} pid:[1]", dead_pid(), "h" * 32
            ),
            "elsewhere, silent": records.WorkerIdentity("elsewhere", 8, "e" * 32),
            "dead, out of attempts": records.WorkerIdentity(me.host, dead_pid(), "f" * 32),
            "dead, cancel asked": records.WorkerIdentity(me.host, dead_pid(), "g" * 32),
        }
        jobs: dict[str, int] = {}
        with session_scope(state.sessions) as session:
            item = session.get(MediaItem, item_id)
            for name, worker in workers.items():
                job = records.create_job(session, item, variants.JOB_KIND, {"kinds": ["web"]})
                assert records.claim(session, job.id, worker)
                jobs[name] = job.id
            session.execute(
                update(Job)
                .where(Job.id == jobs["elsewhere, silent"])
                .values(heartbeat_at=utcnow() - timedelta(minutes=5))
            )
            session.execute(update(Job).where(Job.id == jobs["dead, out of attempts"]).values(attempts=2))
            session.execute(
                update(Job).where(Job.id == jobs["dead, cancel asked"]).values(cancel_requested=True)
            )
        leftover = state.storage.scratch / f"partial-x1y2.job{jobs['dead here']}.mp4"
        leftover.write_bytes(b"half a film")

        requeued = runner.recover()

        assert sorted(requeued) == sorted(
            jobs[name] for name in ("dead here", "earlier life of this pid", "elsewhere, silent")
        )
        with session_scope(state.sessions) as session:
            final = {name: session.get(Job, job_id) for name, job_id in jobs.items()}
            assert {name: job.state for name, job in final.items()} == {
                "dead here": JobState.QUEUED,
                "earlier life of this pid": JobState.QUEUED,
                "alive here": JobState.RUNNING,
                "elsewhere, beating": JobState.RUNNING,
                "beside, in a container": JobState.RUNNING,
                "elsewhere, silent": JobState.QUEUED,
                "dead, out of attempts": JobState.FAILED,
                "dead, cancel asked": JobState.CANCELLED,
            }
            assert "died" in (final["dead here"].error or "")
            assert final["dead here"].worker_token is None
            assert "attempt 2 stopped" in (final["dead, out of attempts"].error or "")
        assert not leftover.exists()


def test_stopping_the_service_gives_a_running_job_back_and_a_restart_finishes_it(
    tmp_path: Path, make_media: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = job_settings(tmp_path, workers=1)
    with captioned_job_under_way(settings, make_media("film", duration=4), monkeypatch) as (_, item, job):
        pass  # leaving the block stops the service while the job runs
    # The service stopped in the middle of the job: ffmpeg was stopped and the job queued again.
    assert ffmpeg_processes(psutil.Process()) == []
    assert scratch_files(settings) == []
    with running_service(settings) as (client, auth):
        api = Api(client, auth)
        given_back = api.job(job["id"])
        assert given_back["state"] in ("queued", "running")
        done = api.wait_for_job(job["id"])
        assert (done["state"], done["attempts"]) == ("done", 1)  # a shutdown is not a failed attempt
        assert "captioned" in api.variants(item["id"])


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def redis_queue_name() -> str:
    if not redis_available():
        if os.environ.get("CI"):
            pytest.fail(f"Redis at {REDIS_URL} is not reachable")
        pytest.skip(f"Redis at {REDIS_URL} is not reachable")
    name = f"tolk-test-{uuid.uuid4().hex[:12]}"
    yield name
    connection = redis.Redis.from_url(REDIS_URL)
    for key in connection.scan_iter(f"*{name}*"):
        connection.delete(key)


def test_redis_queue_with_a_separate_worker_process(
    tmp_path: Path, film: Path, redis_queue_name: str
) -> None:
    """The service queues on Redis and `tolk worker`, another process, runs the jobs."""
    settings = job_settings(tmp_path, queue_url=REDIS_URL, queue_name=redis_queue_name)
    env = {
        **os.environ,
        "TOLK_DATA_DIR": str(settings.data_dir),
        "TOLK_QUEUE_URL": REDIS_URL,
        "TOLK_QUEUE_NAME": redis_queue_name,
    }
    with running_service(settings) as (client, auth):
        assert client.app.state.job_queue.uses_redis
        api = Api(client, auth)
        item = api.item_with_film(film)
        api.add_captions(item["id"])
        ordered = api.order(item["id"], "captioned")
        worker = subprocess.Popen(
            [sys.executable, "-m", "media_service.cli", "worker"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert api.wait_for_job(ordered["id"])["state"] == "done"
            assert api.wait_for_job(api.web_job(item["id"])["id"])["state"] == "done"
            assert {"web", "captioned"} <= set(api.variants(item["id"]))
            with session_scope(client.app.state.sessions) as session:
                ran_it = session.get(Job, ordered["id"])
                assert ran_it.worker_pid == worker.pid
        finally:
            worker.terminate()
            output, errors = worker.communicate(timeout=30)
        assert worker.returncode == 0, errors
        assert "taking jobs from redis://" in output


def test_the_queue_and_the_login_counts_check_the_redis_url_alike(tmp_path: Path) -> None:
    refused = job_settings(tmp_path, queue_url="http://jobs:secret@example.org/")
    for use in (JobQueue, LoginThrottle.for_settings):
        with pytest.raises(ValueError, match=r"redis:// URL, not 'http://jobs:\*\*\*@example.org/'"):
            use(refused)
    assert redis_url(job_settings(tmp_path)) is None
    for url in ("redis://127.0.0.1:6379/0", "rediss://h/1", "unix:///run/redis.sock"):
        assert redis_url(job_settings(tmp_path, queue_url=url)) == url
