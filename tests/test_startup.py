"""What the service does once, at start, so that the first visitors after a restart do not
each wait for it; and uploads probed in the worker process, off the service's GIL."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import fastapi.dependencies.utils
import pytest
from fastapi.testclient import TestClient

from helpers import running_service
from media_service.app import prepare_for_requests
from media_service.config import Settings
from media_service.services import media
from media_service.web.templating import templates
from transcode.probe import NotMedia, TruncatedMedia, UnsupportedMedia


def counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[object]:
    """Replace ``owner.name`` with a wrapper that notes each call."""
    calls: list[object] = []
    original = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[:1])
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_the_first_pages_after_a_start_build_and_compile_nothing(
    settings: Settings, upload: Callable[..., dict], monkeypatch: pytest.MonkeyPatch, film: Path
) -> None:
    item = upload(film, published=True)
    with running_service(settings) as (client, _auth):
        # Jinja's environment is the module's: forget what earlier tests compiled.
        templates.env.cache.clear()
        prepare_for_requests(client.app)  # as `tolk serve` does
        routes_built = counting(monkeypatch, fastapi.dependencies.utils, "get_dependant")
        templates_compiled = counting(monkeypatch, templates.env, "compile")
        for path in ("/", f"/watch/{item['id']}", f"/watch/{item['id']}/transcript", "/api/media"):
            assert client.get(path).status_code == 200
    assert routes_built == []
    assert templates_compiled == []


@pytest.mark.parametrize("refusal", [NotMedia, UnsupportedMedia, TruncatedMedia])
def test_a_probers_refusal_crosses_from_the_worker_process_whole(refusal: type[Exception]) -> None:
    error = refusal("not a media file: x.txt", filename="x.txt")
    crossed = pickle.loads(pickle.dumps(error))
    assert type(crossed) is refusal
    assert str(crossed) == "not a media file: x.txt"
    assert crossed.filename == "x.txt"  # type: ignore[attr-defined]


def test_an_upload_is_probed_in_another_process(client: TestClient, auth: dict[str, str], film: Path) -> None:
    processes: list[int] = []
    original = media.in_worker_process

    def noting(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        processes.append(original(os.getpid))
        return original(function, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(media, "in_worker_process", noting)
        item = client.post("/api/media", json={"kind": "film", "title": "Probed"}, headers=auth).json()
        stored = client.put(
            f"/api/media/{item['id']}/file?filename=min film.mp4", content=film.read_bytes(), headers=auth
        )
    assert stored.status_code == 201, stored.text
    assert stored.json()["duration"] > 0
    assert processes and os.getpid() not in processes


def test_a_file_the_prober_dies_on_is_refused_by_name(
    client: TestClient, auth: dict[str, str], film: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def dies(*_args: Any, **_kwargs: Any) -> Any:
        raise BrokenProcessPool("A process in the process pool was terminated abruptly")

    monkeypatch.setattr(media, "in_worker_process", dies)
    item = client.post("/api/media", json={"kind": "film", "title": "Krasch"}, headers=auth).json()
    answer = client.put(
        f"/api/media/{item['id']}/file?filename=krasch.mp4",
        content=film.read_bytes(),
        headers={**auth, "Accept-Language": "sv"},
    )
    assert answer.status_code == 422
    message = answer.json()["error"]["message"]
    assert "krasch.mp4" in message and "ofullständig eller skadad" in message
    assert client.get(f"/api/media/{item['id']}", headers=auth).json()["source"] is None
