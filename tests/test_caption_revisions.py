"""Caption revisions through the API: every save kept with who and when, created from a file or
from cues (JSON), listed, read, compared cue by cue, restored (as a new revision) and downloaded
as WebVTT or SRT; the track's file is always the current revision; the audit log has each."""

from __future__ import annotations

import io
import json
import re

import webvtt
from account_helpers import add_user, log_in
from fastapi.testclient import TestClient

from helpers import stored_keys
from media_service.db import session_scope
from media_service.models import AuditEntry
from media_service.services.caption_revisions import diff_cues
from transcode.captions import Cue, read_captions

FIRST = (
    b"WEBVTT\n\nSTYLE\n::cue { color: red }\n\n"
    b"00:00:00.000 --> 00:00:01.500\nHej\n\n00:00:02.000 --> 00:00:03.000\nTack\n"
)


def track_with_a_file(client: TestClient, auth: dict[str, str]) -> tuple[int, int]:
    item = client.post("/api/media", json={"kind": "film", "title": "Revisioner"}, headers=auth).json()
    track = client.post(
        f"/api/media/{item['id']}/captions",
        files={"file": ("sv.vtt", FIRST)},
        data={"language": "sv"},
        headers=auth,
    )
    assert track.status_code == 201, track.text
    return item["id"], track.json()["id"]


def cues_json(*cues: tuple[int, int, str]) -> list[dict]:
    return [{"start_ms": start, "end_ms": end, "text": text} for start, end, text in cues]


def test_saves_are_kept_listed_read_and_the_current_one_is_served(
    client: TestClient, auth: dict[str, str]
) -> None:
    item_id, track_id = track_with_a_file(client, auth)
    base = f"/api/media/{item_id}/captions/{track_id}"

    saved = client.post(
        f"{base}/revisions",
        json={"cues": cues_json((0, 1500, "Hej då"), (2000, 3000, "Tack")), "base_revision": 1},
        headers=auth,
    )
    assert saved.status_code == 201, saved.text
    body = saved.json()
    assert body["revision"]["number"] == 2 and body["revision"]["origin"] == "editor"
    assert body["revision"]["author"] == "token 'tests'" and body["revision"]["current"]
    assert body["track"]["cue_count"] == 2
    uploaded = client.post(
        f"{base}/file",
        files={"file": ("sv.srt", b"1\n00:00:00,000 --> 00:00:02,000\nEn fil\n")},
        headers=auth,
    )
    assert uploaded.status_code == 201, uploaded.text
    assert (uploaded.json()["revision"]["number"], uploaded.json()["revision"]["origin"]) == (3, "upload")

    listed = client.get(f"{base}/revisions", headers=auth).json()
    assert [(r["number"], r["origin"], r["current"]) for r in listed] == [
        (1, "upload", False),
        (2, "editor", False),
        (3, "upload", True),
    ]
    second = client.get(f"{base}/revisions/2", headers=auth).json()
    assert [(c["start_ms"], c["end_ms"], c["text"]) for c in second["cues"]] == [
        (0, 1500, "Hej då"),
        (2000, 3000, "Tack"),
    ]
    # The track's file is the current revision; an edit keeps the STYLE block of the file.
    served = client.get(client.get(base, headers=auth).json()["url"], headers=auth)
    assert "En fil" in served.text
    assert (
        b"::cue { color: red }" in client.get(f"{base}/revisions/2/download?format=vtt", headers=auth).content
    )
    # Revisions are an editor's history.
    assert client.get(f"{base}/revisions").status_code == 401


def test_a_save_from_an_older_revision_is_refused_rather_than_lost(
    client: TestClient, auth: dict[str, str]
) -> None:
    item_id, track_id = track_with_a_file(client, auth)
    base = f"/api/media/{item_id}/captions/{track_id}/revisions"
    assert (
        client.post(
            base, json={"cues": cues_json((0, 1000, "A")), "base_revision": 1}, headers=auth
        ).status_code
        == 201
    )
    late = client.post(base, json={"cues": cues_json((0, 1000, "B")), "base_revision": 1}, headers=auth)
    assert late.status_code == 409 and "revision 2" in late.json()["error"]["message"]


def test_cues_that_cannot_be_cues_are_refused_naming_the_cue(
    client: TestClient, auth: dict[str, str]
) -> None:
    item_id, track_id = track_with_a_file(client, auth)
    base = f"/api/media/{item_id}/captions/{track_id}/revisions"
    backwards = client.post(
        base, json={"cues": cues_json((0, 1000, "ok"), (3000, 2000, "bakåt"))}, headers=auth
    )
    assert backwards.status_code == 422
    assert backwards.json()["error"]["problems"][0]["field"] == "cues.2"
    arrow = client.post(base, json={"cues": cues_json((0, 1000, "a --> b"))}, headers=auth)
    assert arrow.status_code == 422 and "cues.1" in arrow.json()["error"]["message"]
    as_text = client.post(base, json={"cues": [{"start_ms": "0", "end_ms": 1000}]}, headers=auth)
    assert as_text.status_code == 422
    # Blank lines would end a cue in WebVTT: they are dropped, never written.
    blank = client.post(base, json={"cues": cues_json((0, 1000, "one\n\n  \ntwo\r\n"))}, headers=auth)
    assert blank.status_code == 201
    assert client.get(f"{base}/2", headers=auth).json()["cues"][0]["text"] == "one\ntwo"
    assert len(client.get(base, headers=auth).json()) == 2  # the refused saves left nothing


def test_restore_is_a_new_revision_and_diff_and_downloads(client: TestClient, auth: dict[str, str]) -> None:
    item_id, track_id = track_with_a_file(client, auth)
    base = f"/api/media/{item_id}/captions/{track_id}/revisions"
    client.post(
        base,
        json={"cues": cues_json((0, 1500, "Hej"), (2000, 3000, "Tack så mycket"), (4000, 5000, "Ny"))},
        headers=auth,
    ).raise_for_status()

    changes = client.get(f"{base}/2/diff", headers=auth).json()
    assert changes["against"] == 1
    assert [(c["change"], c["old_number"], c["new_number"]) for c in changes["changes"]] == [
        ("changed", 2, 2),
        ("added", None, 3),
    ]
    assert (
        changes["changes"][0]["old"]["text"] == "Tack"
        and changes["changes"][0]["new"]["text"] == "Tack så mycket"
    )
    assert len(client.get(f"{base}/1/diff", headers=auth).json()["changes"]) == 2  # the first: all new

    restored = client.post(f"{base}/1/restore", headers=auth)
    assert restored.status_code == 201
    revision = restored.json()["revision"]
    assert (revision["number"], revision["origin"], revision["restored_from"]) == (3, "restore", 1)
    assert client.get(f"{base}/3/diff?against=1", headers=auth).json()["changes"] == []
    served = client.get(f"/captions/{track_id}.vtt", headers=auth).content
    assert [c.text for c in read_captions(served).cues] == ["Hej", "Tack"]

    vtt = client.get(f"{base}/2/download?format=vtt", headers=auth)
    assert vtt.headers["content-type"].startswith("text/vtt")
    assert (
        vtt.headers["content-disposition"]
        == f'attachment; filename="tolk-{item_id}-captions-{track_id}-r2.vtt"'
    )
    assert [c.text for c in webvtt.from_buffer(io.StringIO(vtt.text)).captions] == [
        "Hej",
        "Tack så mycket",
        "Ny",
    ]
    srt = client.get(f"{base}/2/download?format=srt", headers=auth)
    assert srt.headers["content-type"].startswith("application/x-subrip")
    assert [c.text for c in read_captions(srt.content, "r2.srt").cues] == ["Hej", "Tack så mycket", "Ny"]
    assert "00:00:02,000 --> 00:00:03,000" in srt.content.decode("utf-8-sig")
    assert client.get(f"{base}/9", headers=auth).status_code == 404
    assert client.get(f"{base}/2/download?format=doc", headers=auth).status_code == 422

    with session_scope(client.app.state.sessions) as session:
        actions = [
            e.action for e in session.query(AuditEntry).order_by(AuditEntry.id) if e.item_id == item_id
        ]
    assert actions == ["create_media", "upload_track", "save_cues", "restore_revision"]


def test_deleting_a_track_removes_every_revision_file(client: TestClient, auth: dict[str, str]) -> None:
    item_id, track_id = track_with_a_file(client, auth)
    base = f"/api/media/{item_id}/captions/{track_id}"
    client.post(
        f"{base}/revisions", json={"cues": cues_json((0, 1000, "A"))}, headers=auth
    ).raise_for_status()
    assert len(stored_keys(client, ".vtt")) == 2
    assert client.delete(base, headers=auth).status_code == 204
    assert stored_keys(client, ".vtt") == []


def test_the_cue_diff_pairs_a_replaced_run_and_names_the_rest() -> None:
    old = [Cue(0, 1000, "a"), Cue(1000, 2000, "b"), Cue(2000, 3000, "c"), Cue(3000, 4000, "d")]
    new = [Cue(0, 1000, "a"), Cue(1000, 2000, "B"), Cue(2000, 3000, "c")]
    assert [(c.change, c.old_number, c.new_number) for c in diff_cues(old, new)] == [
        ("changed", 2, 2),
        ("removed", 4, None),
    ]
    assert diff_cues(new, new) == []


def test_the_editor_pages_show_the_cues_revisions_and_changes_and_restore(
    client: TestClient, auth: dict[str, str]
) -> None:
    item_id, track_id = track_with_a_file(client, auth)
    base = f"/api/media/{item_id}/captions/{track_id}/revisions"
    client.post(
        base, json={"cues": cues_json((0, 1500, "Hej <b>&amp;</b>"))}, headers=auth
    ).raise_for_status()
    add_user(client, "anna")
    token = log_in(client, "anna")
    edit = f"/editor/items/{item_id}/captions/{track_id}/edit"

    page = client.get(f"{edit}?lang=en")
    assert page.status_code == 200, page.text
    data = json.loads(re.search(r'id="caption-editor-data">(.*?)</script>', page.text, re.S)[1])  # type: ignore[index]
    assert data["cues"] == [
        {"start": 0, "end": 1500, "text": "Hej <b>&amp;</b>", "identifier": "", "settings": ""}
    ]
    assert data["rules"] == {
        "maxCharsPerSecond": 17,
        "maxLineLength": 42,
        "maxLines": 2,
        "minDurationMs": 1000,
        "minGapFrames": 2,
        "frameRate": [25, 1],
    }
    assert data["baseRevision"] == 2 and data["saveUrl"] == base
    assert 'Restore<span class="visually-hidden"> revision 1</span>' in page.text
    assert 'Restore<span class="visually-hidden"> revision 2' not in page.text  # the current one

    changes = client.get(f"/editor/items/{item_id}/captions/{track_id}/revisions/2/changes?lang=en")
    assert "Changes in revision 2 compared with revision 1" in changes.text
    assert "Hej &lt;b&gt;&amp;amp;&lt;/b&gt;" in changes.text  # user text escaped

    refused = client.post(f"/editor/items/{item_id}/captions/{track_id}/revisions/1/restore")
    assert refused.status_code == 403  # no CSRF token
    restored = client.post(
        f"/editor/items/{item_id}/captions/{track_id}/revisions/1/restore",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert restored.status_code == 303 and restored.headers["location"] == f"{edit}?notice=revision_restored"
    latest = client.get(base, headers=auth).json()[-1]
    assert (latest["number"], latest["origin"], latest["author"]) == (3, "restore", "anna")
