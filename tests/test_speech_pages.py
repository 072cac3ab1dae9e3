"""Captions from speech on the editor's captions tab, without a browser: ordering either job and
its refusals next to their fields (Swedish and English), drafts marked and kept from viewers
until approved, and a missing model's failure worded on the page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from account_helpers import add_user, log_in
from fastapi.testclient import TestClient
from variant_helpers import wait_until

from helpers import running_service
from media_service.config import Settings
from media_service.db import session_scope
from media_service.models import CaptionTrack

VTT = "WEBVTT\n\n00:00.000 --> 00:01.500\nHej och välkommen.\n"


@pytest.fixture
def editor(client: TestClient) -> tuple[TestClient, str]:
    add_user(client, "anna")
    return client, log_in(client, "anna")


def _song_item(client: TestClient, auth: dict[str, str], song: Path, **fields: object) -> int:
    body = {"kind": "song", "title": "Sång", "published": True, "language": "sv", **fields}
    item_id = client.post("/api/media", json=body, headers=auth).json()["id"]
    assert (
        client.put(f"/api/media/{item_id}/file", content=song.read_bytes(), headers=auth).status_code == 201
    )
    return int(item_id)


def _speech_jobs(client: TestClient, auth: dict[str, str], item_id: int) -> list[dict]:
    jobs = client.get(f"/api/media/{item_id}/jobs", headers=auth).json()
    return [job for job in jobs if job["kind"] in ("captions_from_speech", "captions_aligned")]


def _draft(client: TestClient, auth: dict[str, str], item_id: int) -> int:
    """A captions track made a draft, as a speech job leaves it (with the words it asks about)."""
    files = {"file": ("sv.vtt", VTT.encode(), "text/vtt")}
    track_id = client.post(
        f"/api/media/{item_id}/captions", files=files, data={"language": "sv"}, headers=auth
    ).json()["id"]
    with session_scope(client.app.state.sessions) as session:
        track = session.get(CaptionTrack, track_id)
        assert track is not None and track.current_revision is not None
        track.draft = True
        track.current_revision.speech = {
            "mode": "recognise",
            "low_confidence": [{"cue": 1, "word": "välkommen", "start_ms": 600}],
            "unplaced": [],
        }
    return int(track_id)


def test_ordering_either_job_lists_it_to_follow_live(
    editor: tuple[TestClient, str], auth: dict[str, str], song: Path
) -> None:
    client, token = editor
    item_id = _song_item(client, auth, song)
    page = client.get(f"/editor/items/{item_id}/captions?lang=en")
    assert "Captions from speech" in page.text and "Time my text" in page.text
    assert f'action="/editor/items/{item_id}/captions/automatic"' in page.text
    ordered = client.post(
        f"/editor/items/{item_id}/captions/automatic?lang=sv",
        data={"csrf_token": token, "mode": "recognise", "language": ""},
        follow_redirects=False,
    )
    assert ordered.status_code == 303 and ordered.headers["location"].endswith("notice=speech_ordered")
    aligned = client.post(
        f"/editor/items/{item_id}/captions/automatic",
        data={"csrf_token": token, "mode": "align"},
        files={"text_file": ("manus.txt", "Hej och välkommen.\n".encode(), "text/plain")},
        follow_redirects=False,
    )
    assert aligned.status_code == 303
    jobs = _speech_jobs(client, auth, item_id)
    speech_jobs = {job["kind"]: job for job in jobs}
    assert set(speech_jobs) == {"captions_from_speech", "captions_aligned"}
    shown = client.get(f"/editor/items/{item_id}/captions?lang=sv&notice=speech_ordered")
    assert "Beställt." in shown.text and "Igenkänt tal (sv)" in shown.text and "Tidsatt text" in shown.text
    for job in jobs:  # the page's script follows each job's events, as on the variants tab
        assert f'data-events-url="/api/jobs/{job["id"]}/events"' in shown.text
    # The text the job times is the file's, whole.
    with session_scope(client.app.state.sessions) as session:
        from media_service.models import Job

        job = session.get(Job, speech_jobs["captions_aligned"]["id"])
        assert job is not None and job.payload["text"] == "Hej och välkommen."


@pytest.mark.parametrize("language", ["sv", "en"])
def test_refusals_are_named_next_to_their_fields(
    language: str, editor: tuple[TestClient, str], auth: dict[str, str], song: Path
) -> None:
    client, token = editor
    item_id = _song_item(client, auth, song)
    url = f"/editor/items/{item_id}/captions/automatic?lang={language}"
    cases = [
        (
            {"mode": "align", "text": "  "},
            None,
            "speech-text",
            {"sv": "Skriv eller klistra in", "en": "Write or paste"},
        ),
        ({"mode": "recognise", "language": "!!"}, None, "speech-language", {"sv": "språk", "en": "language"}),
        ({"mode": "sing"}, None, "speech-mode", {"sv": "Välj vad", "en": "Choose what"}),
        (
            {"mode": "align"},
            {"text_file": ("x.txt", b"\xff\xfe\xfa not utf-8", "text/plain")},
            "speech-text",
            {"sv": "inte UTF-8", "en": "not UTF-8"},
        ),
    ]
    for form, files, field, words in cases:
        answer = client.post(url, data={"csrf_token": token, **form}, files=files)
        assert answer.status_code == 422, (form, answer.text[:200])
        assert f'id="field-{field}-error"' in answer.text and words[language] in answer.text
    without_sound = client.post("/api/media", json={"kind": "film", "title": "Tom"}, headers=auth).json()[
        "id"
    ]
    answer = client.post(
        f"/editor/items/{without_sound}/captions/automatic?lang={language}",
        data={"csrf_token": token, "mode": "recognise"},
    )
    assert answer.status_code == 422
    assert {"sv": "ingen film eller sång med ljud", "en": "no film or song with sound"}[
        language
    ] in answer.text
    assert _speech_jobs(client, auth, item_id) == []
    # Not without the session's CSRF token.
    assert client.post(url, data={"mode": "recognise"}).status_code in (401, 403)


def test_a_draft_is_marked_kept_from_viewers_and_shown_once_approved(
    editor: tuple[TestClient, str], auth: dict[str, str], song: Path
) -> None:
    client, token = editor
    item_id = _song_item(client, auth, song)
    track_id = _draft(client, auth, item_id)
    tab = client.get(f"/editor/items/{item_id}/captions?lang=sv")
    assert "Utkast – visas inte för tittare" in tab.text and "hördes osäkert: 1" in tab.text
    assert f'action="/editor/items/{item_id}/captions/{track_id}/approve"' in tab.text
    editing = client.get(f"/editor/items/{item_id}/captions/{track_id}/edit?lang=en")
    assert "Viewers do not see it until you approve it" in editing.text
    assert "Cue 1, 00:00:00.600: “välkommen” was heard with low confidence" in editing.text
    viewer = TestClient(client.app)
    assert viewer.get(f"/api/media/{item_id}").json()["captions"] == []
    assert "Hej och välkommen" not in viewer.get(f"/watch/{item_id}").text
    assert viewer.get(f"/api/media/{item_id}/captions/{track_id}.vtt").status_code == 404
    # Another captions order in that language would replace the draft, not captions viewers see.
    approved = client.post(
        f"/editor/items/{item_id}/captions/{track_id}/approve",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert approved.status_code == 303 and approved.headers["location"].endswith("notice=draft_approved")
    assert [t["id"] for t in viewer.get(f"/api/media/{item_id}").json()["captions"]] == [track_id]
    after = client.get(f"/editor/items/{item_id}/captions?lang=en&notice=draft_approved")
    assert "viewers now see the captions" in after.text and "No drafts." in after.text
    again = client.post(
        f"/editor/items/{item_id}/captions/{track_id}/approve?lang=sv", data={"csrf_token": token}
    )
    assert again.status_code == 409 and "inget utkast" in again.text
    refused = client.post(
        f"/editor/items/{item_id}/captions/automatic?lang=en",
        data={"csrf_token": token, "mode": "recognise"},
    )
    assert refused.status_code == 409 or refused.status_code == 422
    assert "already has captions in sv" in refused.text


@pytest.fixture
def without_model(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    settings = Settings(
        data_dir=tmp_path / "data",
        workers=1,
        asr_model=str(tmp_path / "no-such-model"),
        job_retry_delay_seconds=0,
    )
    with running_service(settings) as running:
        yield running


def test_a_missing_model_fails_the_job_saying_why_in_the_pages_language(
    without_model: tuple[TestClient, dict[str, str]], song: Path
) -> None:
    client, auth = without_model
    add_user(client, "anna")
    token = log_in(client, "anna")
    item_id = _song_item(client, auth, song)
    client.post(
        f"/editor/items/{item_id}/captions/automatic", data={"csrf_token": token, "mode": "recognise"}
    )
    job = wait_until(
        lambda: next(
            (j for j in _speech_jobs(client, auth, item_id) if j["state"] == "failed"),
            None,
        )
    )
    assert job["attempts"] == 1  # a model problem is not retried
    sv = client.get(f"/editor/items/{item_id}/captions?lang=sv").text
    assert "Taligenkänningsmodellen" in sv and "finns inte" in sv and "TOLK_ASR_MODEL" in sv
    en = client.get(f"/editor/items/{item_id}/captions?lang=en").text
    assert "The speech recognition model" in en and "does not exist" in en
    assert client.get(f"/api/media/{item_id}").json()["captions"] == []
