"""Following a job on the editor's pages, in Chromium: the time it has left while it runs, and a
Cancel button while it has not ended, which cancels it through the API and says so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from editor_fixtures import add_account, log_in, new_item
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from bench.live_server import LiveServer, live_server
from media_service.models import Job, JobState


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """No worker for the general lane: an ordered variant job waits, queued, for the test."""
    with live_server(tmp_path_factory.mktemp("live") / "data", hls="false", workers="0") as running:
        add_account(running, "jonas")
        yield running


WORDS = {"en": ("For the web", "Order"), "sv": ("För webben", "Beställ")}


def order_web_variant(page, server: LiveServer, api: httpx.Client, film: Path, language: str) -> int:  # type: ignore[no-untyped-def]
    item_id = new_item(api, "Jobbet", film)
    page.goto(f"{server.url}/editor/items/{item_id}/variants?lang={language}")
    web, order = WORDS[language]
    earlier = page.locator("ul.jobs li.job").count()  # the upload may have ordered one of its own
    page.get_by_role("checkbox", name=web).check()
    page.get_by_role("button", name=order).click()
    page.wait_for_function(
        "(earlier) => document.querySelectorAll('ul.jobs li.job').length === earlier + 1", arg=earlier
    )
    # The job just ordered comes first.
    events_url = page.locator("ul.jobs li.job").first.get_attribute("data-events-url")
    job = api.get(events_url.removesuffix("/events")).json()
    assert job["kinds"] == ["web"] and job["state"] == "queued"
    return int(job["id"])


def set_running(server: LiveServer, job_id: int, progress: float, eta_seconds: float) -> None:
    """What a worker writes as the job runs (the test stands in for it)."""
    engine = create_engine(f"sqlite:///{server.env['TOLK_DATA_DIR']}/tolk.db")
    with Session(engine) as session, session.begin():
        job = session.get(Job, job_id)
        assert job is not None
        job.state, job.progress, job.eta_seconds = JobState.RUNNING, progress, eta_seconds
    engine.dispose()


def test_a_queued_job_is_cancelled_from_its_button(  # type: ignore[no-untyped-def]
    page, server: LiveServer, api: httpx.Client, film: Path
) -> None:
    log_in(page, server, "jonas", "en")
    job_id = order_web_variant(page, server, api, film, "en")
    job = page.locator("ul.jobs li.job").first
    cancel = job.get_by_role("button", name="Cancel For the web")
    cancel.click()
    page.wait_for_function("document.querySelector('ul.jobs li.job').dataset.state === 'cancelled'")
    assert job.locator(".job-state").inner_text() == "Cancelled"
    assert page.locator(".jobs-status").inner_text() == "For the web: cancelled."
    assert not cancel.is_visible()
    assert api.get(f"/api/jobs/{job_id}").json()["state"] == "cancelled"


def test_a_running_job_shows_the_time_it_has_left(  # type: ignore[no-untyped-def]
    page, server: LiveServer, api: httpx.Client, film: Path
) -> None:
    log_in(page, server, "jonas", "sv")
    job_id = order_web_variant(page, server, api, film, "sv")
    job = page.locator("ul.jobs li.job").first
    set_running(server, job_id, 0.4, 125)
    page.wait_for_function("document.querySelector('ul.jobs li.job .job-eta').textContent !== ''")
    assert job.locator(".job-eta").inner_text() == "cirka 2 min kvar"
    assert job.locator(".job-percent").inner_text() == "40 %"
    set_running(server, job_id, 0.9, 12.4)
    page.wait_for_function(
        "document.querySelector('ul.jobs li.job .job-eta').textContent === 'cirka 12 s kvar'"
    )
    # The page says "cancelling" as the request goes out; wait for Tolk's answer to it.
    with page.expect_response(lambda response: response.url.endswith(f"/api/jobs/{job_id}/cancel")) as answer:
        job.get_by_role("button", name="Avbryt För webben").click()
    assert answer.value.ok
    # A running job stops within a second of its worker noticing; the request is acknowledged.
    page.wait_for_function("document.querySelector('.jobs-status').textContent === 'För webben: avbryts …'")
    assert api.get(f"/api/jobs/{job_id}").json()["cancel_requested"] is True
