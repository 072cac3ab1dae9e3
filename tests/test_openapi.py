"""The OpenAPI document tells the truth.

openapi-spec-validator checks the document itself; schemathesis (every check it has, a fixed
seed, a few examples an operation) then runs it against the app in-process, with an editor's
API token so that writes are exercised too, and fails on any server error, any status or
content type the document does not name and any answer that contradicts its schema (date-time
formats included).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate

from media_service.app import create_app
from media_service.auth import create_token
from media_service.config import Settings
from media_service.db import session_scope

EXAMPLES_PER_OPERATION = 8

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 10,
        "checks": {"enabled": True},
        "generation": {"max-examples": EXAMPLES_PER_OPERATION, "deterministic": True, "database": "none"},
        "operations": [
            # The oEmbed spec itself asks for 501 for a format that is not served.
            {
                "include-path": "/oembed",
                "checks": {"not_a_server_error": {"expected-statuses": ["2xx", "3xx", "4xx", "501"]}},
            },
            # A media upload is refused (415, 422) for what its bytes are (a still image sent as a
            # recording, a damaged film), which no schema of a binary body can say; the upload
            # tests check those refusals. Every other check still runs on these routes.
            {
                "include-path-regex": "^/api/media/\\{item_id\\}/(file|interpreters)$",
                "checks": {"positive_data_acceptance": {"enabled": False}},
            },
            # A new caption revision is refused (422) for what JSON Schema cannot say: a file that
            # is not WebVTT or SRT, a cue that does not end after it starts. test_caption_revisions
            # checks those; every other check still runs on these routes.
            {
                "include-path-regex": "/captions/\\{track_id\\}/(file|revisions)$",
                "checks": {"positive_data_acceptance": {"enabled": False}},
            },
            # tus's own rules on its headers (a Tus-Resumable of 1.0.0, an Upload-Length under the
            # limit, Upload-Metadata naming an existing item) answer tus's statuses (412, 413,
            # 422 ...), which OpenAPI cannot tie to header values; tests/test_tus_*.py check them
            # with real clients. Every other check (no server error, every status and body as
            # documented) still runs on these routes.
            {
                "include-path-regex": "^/api/uploads",
                "checks": {
                    "positive_data_acceptance": {"enabled": False},
                    # A request that breaks the document is still refused, with tus's status.
                    "negative_data_rejection": {
                        "expected-statuses": ["400", "401", "403", "404", "409", "412", "413", "415", "422"]
                    },
                },
            },
        ],
    }
)


# schemathesis makes its tests from the document when this module is collected (its lazy,
# fixture-made schema does not work with pytest 9), so the app is made here too.
DATA_DIR = Path(tempfile.mkdtemp(prefix="tolk-openapi-"))
APP = create_app(Settings(data_dir=DATA_DIR / "data", workers=0))
# A tus PATCH (and a POST with its first bytes) sends the raw bytes as the tus type says.
schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")
api = schemathesis.openapi.from_asgi("/openapi.json", APP, config=CONFIG)


@pytest.fixture(scope="module")
def service(film: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """The app running, with one published film (id 1) with captions, so that ids 1 find
    something, and an API token."""
    with TestClient(APP) as client:
        with session_scope(APP.state.sessions) as session:
            auth = {"Authorization": f"Bearer {create_token(session, 'schemathesis')}"}
        item = client.post("/api/media", json={"kind": "film", "title": "F", "published": True}, headers=auth)
        client.put(f"/api/media/{item.json()['id']}/file", content=film.read_bytes(), headers=auth)
        client.post(
            f"/api/media/{item.json()['id']}/captions",
            files={"file": ("sv.vtt", b"WEBVTT\n\n00:00.000 --> 00:01.000\nHej\n")},
            data={"language": "sv"},
            headers=auth,
        )
        yield client, auth
    shutil.rmtree(DATA_DIR, ignore_errors=True)


def test_the_document_is_valid_openapi(service: tuple[TestClient, dict[str, str]]) -> None:
    document = service[0].get("/openapi.json").json()
    validate(document)
    operations = [op for path in document["paths"].values() for op in path.values()]
    for operation in operations:
        for status, response in operation["responses"].items():
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            if status >= "400":
                assert schema == {"$ref": "#/components/schemas/Error"}, (operation["operationId"], status)
    assert "HTTPValidationError" not in document["components"]["schemas"]


@api.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_as_documented(
    case: schemathesis.Case, service: tuple[TestClient, dict[str, str]]
) -> None:
    case.call_and_validate(headers=service[1])
