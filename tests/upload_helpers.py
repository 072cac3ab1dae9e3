"""Talking tus 1.0 to the service from tests, as a client library would."""

from __future__ import annotations

import base64

from fastapi.testclient import TestClient

TUS = {"Tus-Resumable": "1.0.0"}


def metadata(**fields: object) -> str:
    return ",".join(
        f"{name} {base64.b64encode(str(value).encode()).decode()}" for name, value in fields.items()
    )


def create_upload(client: TestClient, auth: dict[str, str], size: int, **fields: object):  # type: ignore[no-untyped-def]
    headers = {**TUS, **auth, "Upload-Length": str(size), "Upload-Metadata": metadata(**fields)}
    return client.post("/api/uploads", headers=headers)


def patch(client: TestClient, auth: dict[str, str], location: str, offset: int, data: bytes):  # type: ignore[no-untyped-def]
    headers = {**TUS, **auth, "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"}
    return client.patch(location, content=data, headers=headers)


def upload_id(location: str) -> str:
    return location.rsplit("/", 1)[1]
