"""Documents with an item, judged by their bytes and never shown by the browser: a real PDF
(made with pypdf at test time) is accepted; an HTML or SVG page named .pdf, programs and an
empty file are refused with a 4xx in the asker's language and leave no row, no stored file, no
scratch file and no audit entry; a served document is always a download (attachment, nosniff,
a sandboxing CSP). Through the JSON API and through the editor's documents tab."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from account_helpers import add_user, log_in
from fastapi.testclient import TestClient
from opendata_helpers import odp_bytes, pdf_bytes, pptx_bytes, upload_document, zip_bytes
from pypdf import PdfReader
from sqlalchemy import func, select

from helpers import running_service
from media_service.config import Settings
from media_service.db import session_scope
from media_service.models import AuditEntry, Document, MediaFile

HTML_PAGE = b"<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>\n"
SVG_PAGE = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>\n'
)
# A Windows program's start (the MZ header with its PE offset); the ELF one is a real program.
PE_PROGRAM = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"\x40\x00\x00\x00"
)


def elf_program() -> bytes:
    found = shutil.which("true")
    assert found, "no program to upload"
    return Path(found).read_bytes()


# What each refused upload is, its name (always .pdf: the name must not count), and the status.
REFUSED: dict[str, tuple[bytes | None, int]] = {
    "html named .pdf": (HTML_PAGE, 415),
    "svg named .pdf": (SVG_PAGE, 415),
    "elf program": (None, 415),
    "windows program": (PE_PROGRAM, 415),
    "zip that is no document": (b"", 415),
    "html after a pdf header": (b"%PDF-1.7\n" + HTML_PAGE, 422),
    "empty file": (b"", 422),
}


def refused_body(case: str) -> bytes:
    if case == "elf program":
        return elf_program()
    if case == "zip that is no document":
        return zip_bytes({"index.html": HTML_PAGE.decode()})
    body, _status = REFUSED[case]
    assert body is not None
    return body


@dataclass
class Site:
    client: TestClient
    auth: dict[str, str]
    settings: Settings
    item_id: int
    csrf: str


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One service for the module, an unpublished film item (documents need no film file) and
    an editor logged in like a browser."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("documents") / "data", workers=0)
    with running_service(settings) as (client, auth):
        created = client.post("/api/media", json={"kind": "film", "title": "Öppna Örebro"}, headers=auth)
        assert created.status_code == 201, created.text
        add_user(client, "redaktor")
        token = log_in(client, "redaktor")
        yield Site(client, auth, settings, created.json()["id"], token)


@dataclass(frozen=True)
class Traces:
    """Everything an upload could leave: rows, stored files, scratch files, audit entries."""

    documents: int
    files: int
    audit: int
    stored: frozenset[Path]
    scratch: frozenset[Path]


def traces(site: Site) -> Traces:
    with session_scope(site.client.app.state.sessions) as session:  # type: ignore[attr-defined]
        counts = [
            session.scalar(select(func.count()).select_from(m)) or 0
            for m in (Document, MediaFile, AuditEntry)
        ]
    stored = frozenset(p for p in site.settings.files_dir.rglob("*") if p.is_file())
    scratch = frozenset(p for p in site.settings.scratch_dir.rglob("*") if p.is_file())
    return Traces(*counts, stored, scratch)


def assert_download(response, content_type: str) -> None:  # type: ignore[no-untyped-def]
    """The headers that keep a browser from rendering what it fetched."""
    assert response.headers["content-type"].startswith(content_type)
    assert response.headers["content-disposition"].startswith("attachment"), response.headers
    assert response.headers["x-content-type-options"] == "nosniff"
    policy = [p.strip() for p in response.headers["content-security-policy"].split(";")]
    assert "sandbox" in policy and "default-src 'none'" in policy


# The JSON API -------------------------------------------------------------------------------------


def test_a_real_pdf_is_accepted_stored_whole_and_listed(site: Site) -> None:
    before = traces(site)
    body = pdf_bytes(pages=2)
    assert len(PdfReader(io.BytesIO(body)).pages) == 2  # a real PDF, as pypdf reads it
    response = upload_document(
        site.client, site.auth, site.item_id, body, title="Lättläst", filename="lattlast.pdf"
    )
    assert response.status_code == 201, response.text
    document = response.json()
    assert document["content_type"] == "application/pdf" and document["format"] == "PDF"
    assert document["size_bytes"] == len(body) and document["sha256"] == hashlib.sha256(body).hexdigest()
    assert (document["title"], document["language"]) == ("Lättläst", "sv")
    after = traces(site)
    assert (after.documents, after.files, after.audit) == (
        before.documents + 1,
        before.files + 1,
        before.audit + 1,
    )
    (new_file,) = after.stored - before.stored
    assert new_file.read_bytes() == body and new_file.suffix == ".pdf"
    assert after.scratch == frozenset()
    listed = site.client.get(f"/api/media/{site.item_id}/documents", headers=site.auth).json()
    assert document["id"] in [d["id"] for d in listed]


@pytest.mark.parametrize(
    ("make", "content_type"),
    [
        (odp_bytes, "application/vnd.oasis.opendocument.presentation"),
        (pptx_bytes, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ],
)
def test_presentations_are_taken_for_their_package_not_their_name(
    site: Site, make, content_type: str
) -> None:  # type: ignore[no-untyped-def]
    response = upload_document(site.client, site.auth, site.item_id, make(), filename="bilder.pdf")
    assert response.status_code == 201, response.text
    assert response.json()["content_type"] == content_type
    assert response.json()["url"].rsplit(".", 1)[1] in ("odp", "pptx")  # not the name's .pdf


@pytest.mark.parametrize("case", list(REFUSED))
@pytest.mark.parametrize("language", ["sv", "en"])
def test_what_is_no_document_is_refused_in_the_askers_language_and_leaves_nothing(
    site: Site, case: str, language: str
) -> None:
    before = traces(site)
    client = site.client
    response = client.post(
        f"/api/media/{site.item_id}/documents",
        params={"language": "sv", "filename": "broschyr.pdf"},
        content=refused_body(case),
        headers={**site.auth, "content-type": "application/pdf", "accept-language": language},
    )
    assert response.status_code == REFUSED[case][1], response.text
    error = response.json()["error"]
    assert '"broschyr.pdf"' in error["message"]  # the user's own name for the file
    assert "Traceback" not in error["message"] and "partial-" not in error["message"]
    swedish = ("inget dokument", "går inte att läsa", "är tom")
    english = ("not a document", "cannot be read", "is empty")
    wanted, unwanted = (swedish, english) if language == "sv" else (english, swedish)
    assert any(w in error["message"] for w in wanted), error["message"]
    assert not any(w in error["message"] for w in unwanted), error["message"]
    if REFUSED[case][1] == 415:
        assert "PDF" in error["message"]  # says what would be accepted
    assert traces(site) == before


def test_a_refused_upload_after_an_accepted_one_leaves_the_accepted_one(site: Site) -> None:
    kept = upload_document(site.client, site.auth, site.item_id, pdf_bytes(), filename="a.pdf").json()
    refused = upload_document(site.client, site.auth, site.item_id, HTML_PAGE, filename="b.pdf")
    assert refused.status_code == 415
    assert site.client.get(kept["url"], headers=site.auth).content.startswith(b"%PDF-")


def test_a_document_for_a_missing_item_is_refused_before_it_is_read(site: Site) -> None:
    before = traces(site)
    response = upload_document(site.client, site.auth, 999_999, pdf_bytes())
    assert response.status_code == 404
    assert traces(site) == before


def viewer(site: Site) -> TestClient:
    """A client of the same service with no token and no session: a viewer."""
    return TestClient(site.client.app)


def test_a_document_needs_an_editor(site: Site) -> None:
    before = traces(site)
    response = upload_document(viewer(site), {}, site.item_id, pdf_bytes())
    assert response.status_code == 401
    assert traces(site) == before


# Serving -----------------------------------------------------------------------------------------


def test_a_served_document_is_always_a_download(site: Site) -> None:
    body = pdf_bytes()
    document = upload_document(site.client, site.auth, site.item_id, body, filename="folder.pdf").json()
    client = site.client
    assert viewer(site).get(document["url"]).status_code == 404  # the item is not published yet
    whole = client.get(document["url"], headers=site.auth)
    assert whole.status_code == 200 and whole.content == body
    assert_download(whole, "application/pdf")
    assert ".pdf" in whole.headers["content-disposition"]
    part = client.get(document["url"], headers={**site.auth, "range": "bytes=0-4"})
    assert part.status_code == 206 and part.content == b"%PDF-"
    assert_download(part, "application/pdf")
    head = client.head(document["url"], headers=site.auth)
    assert_download(head, "application/pdf")
    # The same file through the general file route, even when asked for inline: still a download.
    with session_scope(client.app.state.sessions) as session:  # type: ignore[attr-defined]
        file_id = session.get(Document, document["id"]).file_id
    direct = client.get(f"/files/{file_id}.pdf", params={"download": "0", "inline": "1"}, headers=site.auth)
    assert direct.status_code == 200 and direct.content == body
    assert_download(direct, "application/pdf")
    # Published: a viewer fetches it, cacheable, with the same headers.
    published = client.patch(f"/api/media/{site.item_id}", json={"published": True}, headers=site.auth)
    assert published.status_code == 200, published.text
    try:
        seen = viewer(site).get(document["url"])
        assert seen.status_code == 200 and seen.content == body
        assert_download(seen, "application/pdf")
        assert viewer(site).get(document["url"].replace(".pdf", ".html")).status_code == 404
    finally:
        client.patch(f"/api/media/{site.item_id}", json={"published": False}, headers=site.auth)


def test_a_removed_document_leaves_nothing(site: Site) -> None:
    before = traces(site)
    document = upload_document(site.client, site.auth, site.item_id, pdf_bytes(), filename="bort.pdf").json()
    removed = site.client.delete(f"/api/media/{site.item_id}/documents/{document['id']}", headers=site.auth)
    assert removed.status_code == 204
    after = traces(site)
    assert (after.documents, after.files, after.stored, after.scratch) == (
        before.documents,
        before.files,
        before.stored,
        before.scratch,
    )
    assert site.client.get(document["url"], headers=site.auth).status_code == 404


# The editor's documents tab ----------------------------------------------------------------------

_ERROR = re.compile(r'id="field-file-error"[^>]*>(.*?)</', re.S)


def editor_upload(site: Site, name: str, body: bytes, language: str, **form: str):  # type: ignore[no-untyped-def]
    return site.client.post(
        f"/editor/items/{site.item_id}/documents?lang={language}",
        files={"file": (name, body, "application/pdf")},
        data={"title": "", "language": "sv", "csrf_token": site.csrf, **form},
        follow_redirects=False,
    )


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_documents_tab_adds_a_pdf(site: Site, language: str) -> None:
    page = site.client.get(f"/editor/items/{site.item_id}/documents?lang={language}")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text and 'name="file"' in page.text
    assert ("Lägg till ett dokument" if language == "sv" else "Add a document") in page.text
    before = traces(site)
    title = f"Seminariebilder {language}"
    done = editor_upload(site, "seminarium.pdf", pdf_bytes(), language, title=title)
    assert done.status_code == 303, done.text
    assert done.headers["location"].endswith(f"/editor/items/{site.item_id}/documents?notice=document_added")
    listed = site.client.get(done.headers["location"] + f"&lang={language}")
    assert ("Dokumentet är tillagt." if language == "sv" else "The document is added.") in listed.text
    assert title in listed.text
    after = traces(site)
    assert (after.documents, after.files, len(after.stored)) == (
        before.documents + 1,
        before.files + 1,
        len(before.stored) + 1,
    )


# The refusal as the editor reads it, in each language; the other language's words never appear.
EDITOR_REFUSALS = {
    "html named .pdf": ("inget dokument som Tolk tar emot", "is not a document Tolk accepts"),
    "svg named .pdf": ("inget dokument som Tolk tar emot", "is not a document Tolk accepts"),
    "elf program": ("inget dokument som Tolk tar emot", "is not a document Tolk accepts"),
    "empty file": ("är tom", "is empty"),
    "html after a pdf header": ("går inte att läsa", "cannot be read"),
}


@pytest.mark.parametrize("case", list(EDITOR_REFUSALS))
@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_documents_tab_shows_refusals_in_the_editors_language(
    site: Site, case: str, language: str
) -> None:
    before = traces(site)
    page = editor_upload(site, "broschyr.pdf", refused_body(case), language, title="Broschyr")
    assert page.status_code == REFUSED[case][1], page.text
    swedish, english = EDITOR_REFUSALS[case]
    wanted, unwanted = (swedish, english) if language == "sv" else (english, swedish)
    (message,) = _ERROR.findall(page.text)
    assert wanted in message and "broschyr.pdf" in message
    assert unwanted not in page.text
    assert 'aria-invalid="true"' in page.text and 'href="#field-file"' in page.text  # tied to the field
    assert 'value="Broschyr"' in page.text  # what was typed is kept
    assert "<script>alert" not in page.text  # nothing of the refused file is echoed
    assert traces(site) == before


def test_the_documents_tab_needs_a_signed_in_editor_and_its_form_token(site: Site) -> None:
    before = traces(site)
    forged = editor_upload(site, "x.pdf", pdf_bytes(), "sv", csrf_token="not-the-token")
    assert forged.status_code == 403
    assert traces(site) == before
