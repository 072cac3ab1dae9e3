"""The editor's pages without a browser: the layout preview and its refusals, form errors tied
to their fields, publishing, and deleting after a confirmation."""

from __future__ import annotations

from pathlib import Path

import pytest
from account_helpers import add_user, log_in
from fastapi.testclient import TestClient


@pytest.fixture
def editor(client: TestClient) -> tuple[TestClient, str]:
    """The test client logged in as an editor, and its CSRF token."""
    add_user(client, "anna")
    return client, log_in(client, "anna")


def film_with_interpreter(
    client: TestClient, auth: dict[str, str], film: Path, interpreter: Path
) -> tuple[int, int]:
    item_id = client.post("/api/media", json={"kind": "film", "title": "Tolkad"}, headers=auth).json()["id"]
    client.put(f"/api/media/{item_id}/file", content=film.read_bytes(), headers=auth)
    recording = client.post(
        f"/api/media/{item_id}/interpreters", content=interpreter.read_bytes(), headers=auth
    )
    return item_id, recording.json()["id"]


def test_the_layout_preview_is_a_png_of_the_unsaved_form(
    editor: tuple[TestClient, str], auth: dict[str, str], film: Path, interpreter: Path
) -> None:
    client, _token = editor
    item_id, recording_id = film_with_interpreter(client, auth, film, interpreter)
    url = f"/editor/items/{item_id}/interpreters/{recording_id}/preview"
    left = client.get(url, params={"corner": "bottom-left", "key": "green", "offset_seconds": "0.5"})
    right = client.get(url, params={"corner": "bottom-right", "key": "green", "offset_seconds": "0.5"})
    assert left.headers["content-type"] == right.headers["content-type"] == "image/png"
    assert left.content.startswith(b"\x89PNG") and left.content != right.content
    too_big = client.get(url, params={"corner": "bottom-left", "size": "0.95"})
    assert too_big.status_code == 422
    assert too_big.json()["error"]["problems"][0]["field"] == "layout.size"
    never_shown = client.get(url, params={"offset_seconds": "60"})
    assert never_shown.json()["error"]["problems"][0]["field"] == "offset_seconds"
    saved = client.get(f"/api/media/{item_id}/interpreters/{recording_id}", headers=auth).json()
    assert saved["layout"]["corner"] == "bottom-right"  # previews change nothing


def test_a_layout_that_does_not_fit_is_refused_next_to_its_field(
    editor: tuple[TestClient, str], auth: dict[str, str], film: Path, interpreter: Path
) -> None:
    client, token = editor
    item_id, recording_id = film_with_interpreter(client, auth, film, interpreter)
    form = {
        "corner": "top-left",
        "size": "",
        "margin": "0",
        "key": "green",
        "offset_seconds": "60",
        "csrf_token": token,
    }
    page = client.post(f"/editor/items/{item_id}/interpreters/{recording_id}?lang=en", data=form)
    assert page.status_code == 422
    field = f"field-offset_seconds-{recording_id}"
    assert f'aria-describedby="{field}-hint {field}-error" aria-invalid="true"' in page.text
    assert f'href="#{field}"' in page.text  # the error summary leads to the field
    assert 'value="60"' in page.text  # what was typed is kept
    saved = client.get(f"/api/media/{item_id}/interpreters/{recording_id}", headers=auth).json()
    assert (saved["layout"]["corner"], saved["offset_seconds"]) == ("bottom-right", 0.0)
    form["offset_seconds"] = "0.5"
    done = client.post(
        f"/editor/items/{item_id}/interpreters/{recording_id}", data=form, follow_redirects=False
    )
    assert done.headers["location"].endswith("/interpreter?notice=layout_saved")
    saved = client.get(f"/api/media/{item_id}/interpreters/{recording_id}", headers=auth).json()
    assert saved["layout"]["corner"] == "top-left" and saved["layout"]["key"]["colour"] == "0x00b140"


def test_ordering_nothing_or_what_cannot_be_made_is_explained(
    editor: tuple[TestClient, str], auth: dict[str, str], film: Path
) -> None:
    client, token = editor
    item_id = client.post("/api/media", json={"kind": "film", "title": "Film"}, headers=auth).json()["id"]
    page = client.get(f"/editor/items/{item_id}/variants?lang=en")
    assert page.text.count("Upload the film first.") == 9  # every kind needs the film
    client.put(f"/api/media/{item_id}/file", content=film.read_bytes(), headers=auth)
    nothing = client.post(f"/editor/items/{item_id}/variants?lang=en", data={"csrf_token": token})
    assert nothing.status_code == 422 and "Choose at least one variant." in nothing.text
    signed = client.post(f"/editor/items/{item_id}/variants", data={"kinds": "signed", "csrf_token": token})
    assert signed.status_code == 422 and "needs an interpreter recording" in signed.text


def test_publish_unpublish_and_delete_after_confirming(
    editor: tuple[TestClient, str], auth: dict[str, str]
) -> None:
    client, token = editor
    item_id = client.post("/api/media", json={"kind": "film", "title": "Kort"}, headers=auth).json()["id"]
    client.post(f"/editor/items/{item_id}/publish", data={"published": "true", "csrf_token": token})
    assert client.get(f"/api/media/{item_id}").json()["published"] is True
    client.post(f"/editor/items/{item_id}/publish", data={"published": "false", "csrf_token": token})
    assert client.get(f"/api/media/{item_id}").json()["published"] is False
    confirm = client.get(f"/editor/items/{item_id}/delete?lang=en")
    assert "This cannot be undone." in confirm.text
    assert f'action="/editor/items/{item_id}/delete"' in confirm.text
    deleted = client.post(
        f"/editor/items/{item_id}/delete", data={"csrf_token": token}, follow_redirects=False
    )
    assert deleted.headers["location"] == "/editor?notice=deleted"
    assert client.get(f"/api/media/{item_id}").status_code == 404
