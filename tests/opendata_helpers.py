"""A small published library for the open-data tests, and documents made at test time."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient
from pypdf import PdfWriter

PUBLIC = "https://media.example.se"
PUBLISHER = "Örebro kommun"
PUBLISHER_URL = "https://www.orebro.se/"
CONTACT = "oppnadata@example.se"
WEBVTT = "WEBVTT\n\n00:00.000 --> 00:01.500\nHej och välkommen till Örebro\n\n00:01.500 --> 00:02.000\nTack\n"
DESCRIPTIONS = "WEBVTT\n\n00:00.200 --> 00:01.000\nEn flod i solsken\n"


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_bytes(members: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, text in members.items():
            package.writestr(name, text)
    return out.getvalue()


def odp_bytes() -> bytes:
    return zip_bytes(
        {
            "mimetype": "application/vnd.oasis.opendocument.presentation",
            "content.xml": "<office:document-content/>",
        }
    )


def pptx_bytes() -> bytes:
    return zip_bytes({"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<p:presentation/>"})


@dataclass
class Library:
    film: dict
    song: dict
    draft: dict
    document: dict
    auth: dict[str, str]


def upload_document(client: TestClient, auth: dict[str, str], item_id: int, data: bytes, **params: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/media/{item_id}/documents",
        params={"language": "sv", **params},
        content=data,
        headers={**auth, "content-type": "application/octet-stream"},
    )


def make_library(
    client: TestClient, auth: dict[str, str], film: Path, song: Path, interpreter: Path
) -> Library:
    """A published film (Swedish captions, audio description, a signer, a PDF, CC BY-SA), a
    published song (captions), and an unpublished film that must appear nowhere."""

    def item(path: Path, **fields: object) -> dict:
        created = client.post("/api/media", json=fields, headers=auth)
        assert created.status_code == 201, created.text
        put = client.put(
            f"/api/media/{created.json()['id']}/file?filename=x", content=path.read_bytes(), headers=auth
        )
        assert put.status_code == 201, put.text
        return put.json()

    def captions(item_id: int, text: str, kind: str = "captions") -> None:
        response = client.post(
            f"/api/media/{item_id}/captions",
            files={"file": ("c.vtt", text.encode(), "text/vtt")},
            data={"language": "sv", "kind": kind},
            headers=auth,
        )
        assert response.status_code == 201, response.text

    film_item = item(
        film,
        kind="film",
        title="Öppna Örebro <innovation> & data",
        description="Om öppna data.",
        language="sv",
        licence="CC-BY-SA-4.0",
    )
    captions(film_item["id"], WEBVTT)
    captions(film_item["id"], DESCRIPTIONS, kind="descriptions")
    signer = client.post(
        f"/api/media/{film_item['id']}/interpreters", content=interpreter.read_bytes(), headers=auth
    )
    assert signer.status_code == 201, signer.text
    document = upload_document(client, auth, film_item["id"], pdf_bytes(), title="Lättläst sammanfattning")
    assert document.status_code == 201, document.text
    song_item = item(song, kind="song", title="Vårsång", language="sv")
    captions(song_item["id"], WEBVTT)
    draft = item(film, kind="film", title="Hemligt utkast", language="sv")
    for published in (film_item, song_item):
        response = client.patch(f"/api/media/{published['id']}", json={"published": True}, headers=auth)
        assert response.status_code == 200, response.text
    return Library(film_item, song_item, draft, document.json(), auth)
