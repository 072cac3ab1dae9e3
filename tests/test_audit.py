"""The audit log: every change, by whom and when, written with the change itself (a refused
change leaves no entry), with secrets left out, and shown to admins only."""

from __future__ import annotations

from pathlib import Path

from account_helpers import add_user, log_in
from fastapi.testclient import TestClient
from sqlalchemy import select
from upload_helpers import create_upload, patch

from media_service.db import session_scope
from media_service.models import AuditEntry, UserRole
from media_service.services import audit


def entries(client: TestClient) -> list[AuditEntry]:
    with session_scope(client.app.state.sessions) as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_api_writes_are_logged_with_who_what_and_which_item(client: TestClient, auth: dict[str, str]) -> None:
    item = client.post("/api/media", json={"kind": "film", "title": "Örebro"}, headers=auth).json()
    client.patch(f"/api/media/{item['id']}", json={"title": "Örebro slott", "published": True}, headers=auth)
    client.delete(f"/api/media/{item['id']}", headers=auth)
    logged = [(e.actor, e.action, e.method, e.item_id, e.item_title, e.details) for e in entries(client)]
    assert logged == [
        ("token 'tests'", "create_media", "POST", item["id"], "Örebro", {"kind": "film", "title": "Örebro"}),
        (
            "token 'tests'",
            "update_media",
            "PATCH",
            item["id"],
            "Örebro slott",
            {"title": "Örebro slott", "published": True},
        ),
        # A deleted item keeps the title it had.
        ("token 'tests'", "delete_media", "DELETE", item["id"], "Örebro slott", {}),
    ]
    assert all(e.at is not None and e.path.startswith("/api/media") for e in entries(client))


def test_refused_changes_leave_no_entry(client: TestClient, auth: dict[str, str]) -> None:
    assert client.post("/api/media", json={"kind": "film", "title": " "}, headers=auth).status_code == 422
    assert client.delete("/api/media/999", headers=auth).status_code == 404
    assert client.post("/api/media", json={"kind": "film", "title": "x"}).status_code == 401
    assert entries(client) == []


def test_editor_page_writes_name_the_account_and_keep_no_secrets(client: TestClient) -> None:
    add_user(client, "anna")
    token = log_in(client, "anna")
    client.post(
        "/editor/items", data={"kind": "song", "title": "Visan", "language": "sv", "csrf_token": token}
    )
    client.post("/editor/items/1/publish", data={"published": "true", "csrf_token": token})
    made = client.post("/editor/tokens", data={"name": "backup", "csrf_token": token})
    plaintext = made.text.split('id="new-token" value="')[1].split('"')[0]
    refused = client.post(
        "/editor/items/1", data={"kind": "song", "title": "", "language": "sv", "csrf_token": token}
    )
    assert refused.status_code == 422
    logged = entries(client)
    assert [(e.actor, e.action, e.item_id, e.item_title) for e in logged] == [
        ("anna", "create_item", 1, "Visan"),
        ("anna", "publish_item", 1, "Visan"),
        ("anna", "create_api_token", None, ""),
    ]
    assert logged[1].details == {"published": "true"}
    assert logged[2].details == {"name": "backup"}
    for entry in logged:
        assert token not in str(entry.details) and plaintext not in str(entry.details)
    assert all(e.user_id is not None for e in logged)


def test_a_finished_resumable_upload_is_logged(client: TestClient, auth: dict[str, str], film: Path) -> None:
    item_id = client.post("/api/media", json={"kind": "film", "title": "Filmen"}, headers=auth).json()["id"]
    data = film.read_bytes()
    created = create_upload(
        client, auth, len(data), item_id=item_id, target="source", filename="f.mp4", filetype="video/mp4"
    )
    half = len(data) // 2
    patch(client, auth, created.headers["location"], 0, data[:half])
    patch(client, auth, created.headers["location"], half, data[half:])
    chunks_and_all = [(e.action, e.item_id, e.details) for e in entries(client)]
    # One entry for the upload, not one per chunk.
    assert chunks_and_all == [
        ("create_media", item_id, {"kind": "film", "title": "Filmen"}),
        ("upload_source", item_id, {"file": "f.mp4"}),
    ]


def test_the_audit_page_is_for_admins(client: TestClient, auth: dict[str, str]) -> None:
    add_user(client, "anna")
    add_user(client, "root", UserRole.ADMIN)
    client.post("/api/media", json={"kind": "film", "title": "Loggad <film>"}, headers=auth)
    log_in(client, "anna")
    assert client.get("/editor/audit").status_code == 403
    with TestClient(client.app) as admin:
        log_in(admin, "root")
        page = admin.get("/editor/audit?lang=en")
        assert page.status_code == 200
        assert "Audit log" in page.text
        assert "Create an item" in page.text and "token &#39;tests&#39;" in page.text
        assert "Loggad &lt;film&gt;" in page.text  # escaped
        assert admin.get("/editor/audit?item=1").text.count("<tr>") == 2  # the header and the entry
        assert admin.get("/editor/audit?item=2").text.count("<tr>") == 0


def test_details_are_redacted_and_cut_at_any_depth() -> None:
    details = audit.safe_details(
        {"layout": {"key": {"colour": "green"}, "password": "x"}, "notes": ["y" * 5000], "token": "t"}
    )
    assert details == {
        "layout": {"key": {"colour": "green"}},
        "notes": ["y" * audit.MAX_DETAIL_CHARS + "…"],
    }
