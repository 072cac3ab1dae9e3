"""A cue at 10^10 hours is refused with a 4xx naming the documented maximum (9999:59:59.999),
in the asker's language, by every way captions come in: the API's upload, a revision from a
file or from cues as JSON, and the editor's upload form. Never a 500."""

from __future__ import annotations

import pytest
from account_helpers import add_user, log_in
from fastapi.testclient import TestClient

from transcode.captions import MAX_TIME_MS, format_timestamp

LATE_VTT = b"WEBVTT\n\n10000000000:00:00.000 --> 10000000000:00:01.000\nSent\n"
LATE_SRT = b"1\n10000000000:00:00,000 --> 10000000000:00:01,000\nSent\n"
MAXIMUM = "9999:59:59.999"
TEN_BILLION_HOURS_MS = 10**10 * 3_600_000


def test_the_documented_maximum_is_the_one_enforced() -> None:
    assert format_timestamp(MAX_TIME_MS) == MAXIMUM


@pytest.fixture
def track(client: TestClient, auth: dict[str, str]) -> tuple[int, int]:
    item = client.post("/api/media", json={"kind": "film", "title": "Sent"}, headers=auth).json()
    files = {"file": ("sv.vtt", b"WEBVTT\n\n00:01.000 --> 00:02.000\nHej\n")}
    made = client.post(
        f"/api/media/{item['id']}/captions", files=files, data={"language": "sv"}, headers=auth
    )
    assert made.status_code == 201, made.text
    return item["id"], made.json()["id"]


@pytest.mark.parametrize(("name", "data", "line"), [("late.vtt", LATE_VTT, 3), ("late.srt", LATE_SRT, 2)])
@pytest.mark.parametrize(
    ("language", "words"), [("en", f"line {{line}}: a time after {MAXIMUM}"), ("sv", "rad {line}")]
)
def test_an_uploaded_file_names_the_maximum_in_the_askers_language(
    client: TestClient,
    auth: dict[str, str],
    track: tuple[int, int],
    name: str,
    data: bytes,
    line: int,
    language: str,
    words: str,
) -> None:
    item_id, track_id = track
    headers = {**auth, "Accept-Language": language}
    for path in (f"/api/media/{item_id}/captions", f"/api/media/{item_id}/captions/{track_id}/file"):
        answer = client.post(path, files={"file": (name, data)}, data={"language": "en"}, headers=headers)
        assert answer.status_code == 422, (path, answer.text)
        error = answer.json()["error"]
        assert error["line"] == line
        assert words.format(line=line) in error["message"] and MAXIMUM in error["message"], error
    # Nothing was stored: the track still has its one revision, and no English track was made.
    tracks = client.get(f"/api/media/{item_id}/captions", headers=auth).json()
    assert [(t["language"], t["cue_count"]) for t in tracks] == [("sv", 1)]


def test_cues_as_json_past_the_maximum_are_refused_naming_it(
    client: TestClient, auth: dict[str, str], track: tuple[int, int]
) -> None:
    item_id, track_id = track
    cue = {"start_ms": TEN_BILLION_HOURS_MS, "end_ms": TEN_BILLION_HOURS_MS + 1000, "text": "Sent"}
    answer = client.post(
        f"/api/media/{item_id}/captions/{track_id}/revisions", json={"cues": [cue]}, headers=auth
    )
    assert answer.status_code == 422
    problems = answer.json()["error"]["problems"]
    assert {p["field"] for p in problems} == {"body.cues.0.start_ms", "body.cues.0.end_ms"}
    assert all(str(MAX_TIME_MS) in p["message"] for p in problems), problems


@pytest.mark.parametrize(("language", "words"), [("en", "Line 3: a time after"), ("sv", "Rad 3")])
def test_the_editor_form_names_the_maximum_next_to_the_file(
    client: TestClient, track: tuple[int, int], language: str, words: str
) -> None:
    item_id, _track_id = track
    add_user(client, "anna")
    token = log_in(client, "anna")
    page = client.post(
        f"/editor/items/{item_id}/captions?lang={language}",
        files={"file": ("late.vtt", LATE_VTT)},
        data={"language": "sv", "csrf_token": token},
    )
    assert page.status_code == 422
    field_error = next(line for line in page.text.splitlines() if 'id="field-file-error"' in line)
    assert words in field_error and MAXIMUM in field_error, field_error
