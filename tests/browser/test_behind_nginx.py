"""docs/deployment.md followed: nginx, with deploy/nginx/tolk.conf as it is in the repository,
in front of two ``tolk serve`` processes; a film uploaded, fetched (HEAD, Range) and played
through it, once with Tolk sending the bytes and once with nginx sending them
(``TOLK_ACCEL_REDIRECT_PREFIX``: Tolk checks access and answers X-Accel-Redirect). Needs nginx
(``scripts/setup`` installs it as root); skipped with a message without."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tusclient.client import TusClient

from bench.live_server import free_port, operator_token, start_serving, stop_serving
from bench.nginx_front import ACCEL_PREFIX, NGINX, nginx_in_front

# Who sends a stored file's bytes: Tolk itself, or nginx after Tolk's X-Accel-Redirect.
SENDERS = ("tolk", "nginx")


class Site:
    def __init__(
        self, url: str, prefix: Path, token: str, ports: list[int], sender: str, files_dir: Path
    ) -> None:
        self.url = url
        self.files_dir = files_dir
        self.ports = ports
        self.prefix = prefix
        self.token = token
        self.sender = sender

    def upstreams(self) -> set[str]:
        """The API processes nginx passed requests to, from its access log."""
        lines = (self.prefix / "access.log").read_text().splitlines()
        return {line.rsplit(" ", 1)[-1] for line in lines} - {"-"}


@pytest.fixture(scope="module", params=SENDERS)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    sender = request.param
    if not Path(NGINX).exists():
        pytest.skip(f"nginx tests skipped: nginx not found at {NGINX} (scripts/setup installs it as root)")
    prefix = tmp_path_factory.mktemp("nginx")
    data_dir = tmp_path_factory.mktemp("live") / "data"
    listen, ports = free_port(), [free_port(), free_port()]
    url = f"http://127.0.0.1:{listen}"
    env = {
        **os.environ,
        "TOLK_DATA_DIR": str(data_dir),
        "TOLK_PUBLIC_URL": url,
        "TOLK_HLS": "false",
        "TOLK_FORWARDED_ALLOW_IPS": "127.0.0.1",
        "TOLK_METRICS": "loopback",
        "TOLK_ACCEL_REDIRECT_PREFIX": ACCEL_PREFIX if sender == "nginx" else "",
    }
    # One process runs the jobs, the other only answers: as with `tolk worker`s elsewhere.
    api = [
        start_serving({**env, "TOLK_WORKERS": workers}, f"http://127.0.0.1:{port}", port)
        for port, workers in zip(ports, ["1", "0"], strict=True)
    ]
    try:
        with nginx_in_front(prefix, ports, listen, data_dir / "files"):
            yield Site(url, prefix, operator_token(env, "nginx"), ports, sender, data_dir / "files")
    finally:
        for process in api:
            stop_serving(process)


@pytest.fixture(scope="module")
def played(site: Site, film: Path) -> dict:
    """A published film uploaded through nginx, streamed (not buffered: chunks of a generator)."""
    headers = {"Authorization": f"Bearer {site.token}"}
    with httpx.Client(base_url=site.url, headers=headers, timeout=30) as client:
        item = client.post("/api/media", json={"kind": "film", "title": "Genom nginx", "published": True})
        assert item.status_code == 201, item.text
        data = film.read_bytes()
        chunks = (data[i : i + 8192] for i in range(0, len(data), 8192))
        stored = client.put(f"/api/media/{item.json()['id']}/file?filename=film.mp4", content=chunks)
        assert stored.status_code in (200, 201), stored.text
        return client.get(f"/api/media/{item.json()['id']}").json()


def _source_url(item: dict) -> str:
    return item["source"]["url"]


def test_a_film_uploaded_through_nginx_is_served_whole_with_head_and_ranges(
    site: Site, played: dict, film: Path
) -> None:
    data = film.read_bytes()
    url = site.url + _source_url(played)
    head = httpx.head(url)
    assert head.status_code == 200
    assert int(head.headers["content-length"]) == len(data)
    assert head.headers["accept-ranges"] == "bytes"
    assert head.content == b""
    whole = httpx.get(url)
    assert whole.content == data
    first = httpx.get(url, headers={"Range": "bytes=0-99"})
    assert first.status_code == 206
    assert first.headers["content-range"] == f"bytes 0-99/{len(data)}"
    assert first.content == data[:100]
    tail = httpx.get(url, headers={"Range": "bytes=-500", "If-Range": head.headers["etag"]})
    assert tail.status_code == 206 and tail.content == data[-500:]
    several = httpx.get(url, headers={"Range": "bytes=0-9,200-209"})
    assert several.status_code == 206
    assert several.headers["content-type"].startswith("multipart/byteranges")
    assert data[200:210] in several.content
    unchanged = httpx.get(url, headers={"If-None-Match": head.headers["etag"]})
    assert unchanged.status_code == 304


def test_who_sends_the_bytes_keeps_access_and_headers(site: Site, played: dict, film: Path) -> None:
    """With X-Accel-Redirect nginx sends the file (its own ETag, "mtime-size" in hex) and Tolk
    still decides who gets it; Tolk's headers come with the file either way."""
    url = site.url + _source_url(played)
    whole = httpx.get(url)
    assert whole.status_code == 200 and whole.content == film.read_bytes()
    assert "x-accel-redirect" not in whole.headers
    nginx_tag = re.fullmatch(r'"[0-9a-f]+-[0-9a-f]+"', whole.headers["etag"]) is not None
    assert nginx_tag == (site.sender == "nginx"), whole.headers["etag"]
    assert whole.headers["access-control-allow-origin"] == "*"
    assert whole.headers["x-content-type-options"] == "nosniff"
    assert whole.headers["cache-control"] == "public, max-age=300"
    assert "script-src 'self'" in whole.headers["content-security-policy"]
    saved = httpx.get(url, params={"download": "1"})
    assert saved.headers["content-disposition"].startswith("attachment")
    # The internal location is nginx's alone: no client reaches the files directory by it.
    stored = [path.relative_to(site.files_dir).as_posix() for path in site.files_dir.glob("*/*.mp4")]
    assert stored
    for key in stored:
        assert httpx.get(f"{site.url}{ACCEL_PREFIX}{key}").status_code == 404
    # An unpublished film is the editors' only, whoever sends its bytes.
    headers = {"Authorization": f"Bearer {site.token}"}
    hidden = httpx.patch(f"{site.url}/api/media/{played['id']}", json={"published": False}, headers=headers)
    assert hidden.status_code == 200, hidden.text
    try:
        assert httpx.get(url).status_code == 404
        private = httpx.get(url, headers=headers)
        assert private.status_code == 200 and private.content == film.read_bytes()
        assert private.headers["cache-control"] == "private, no-cache"
    finally:
        httpx.patch(f"{site.url}/api/media/{played['id']}", json={"published": True}, headers=headers)


def test_requests_are_shared_between_both_api_processes(site: Site) -> None:
    for _ in range(6):
        assert httpx.get(site.url + "/healthz").json() == {"status": "alive"}
    assert len(site.upstreams()) == 2, site.upstreams()


def test_a_resumable_upload_goes_to_one_api_process_whole(site: Site, film: Path) -> None:
    """tus through nginx (tuspy, in several parts): every request of the upload reaches the
    process that keeps its parts (deploy/nginx/tolk.conf's tolk_uploads), and the film is whole."""
    headers = {"Authorization": f"Bearer {site.token}"}
    item = httpx.post(
        f"{site.url}/api/media", json={"kind": "film", "title": "Återupptagen"}, headers=headers
    ).json()
    size = film.stat().st_size
    uploader = TusClient(f"{site.url}/api/uploads", headers=headers).uploader(
        str(film),
        chunk_size=size // 4 + 1,
        metadata={"item_id": str(item["id"]), "target": "source", "filename": film.name},
    )
    uploader.upload()
    source = httpx.get(f"{site.url}/api/media/{item['id']}", headers=headers).json()["source"]
    assert source is not None and source["size_bytes"] == size
    assert httpx.get(site.url + source["url"], headers=headers).content == film.read_bytes()
    lines = (site.prefix / "access.log").read_text().splitlines()
    upload_lines = [line for line in lines if " /api/uploads" in line]
    assert len(upload_lines) >= 5  # the POST and four PATCHes at least
    assert len({line.rsplit(" ", 1)[-1] for line in upload_lines}) == 1, upload_lines


def test_nginx_keeps_metrics_from_the_internet_and_readiness_answers(site: Site) -> None:
    assert httpx.get(site.url + "/metrics").status_code == 404
    assert httpx.get(site.url + "/readyz").json()["status"] == "ready"


def test_loopback_metrics_are_open_only_to_this_host_unrelayed(site: Site) -> None:
    """Metrics set to loopback answer a scraper on this host, never a relayed request (nginx on
    this host relays from 127.0.0.1 too), whatever it claims."""
    direct = httpx.get(f"http://127.0.0.1:{site.ports[0]}/metrics")
    assert direct.status_code == 200 and "tolk_request_duration_seconds" in direct.text
    spoofed = httpx.get(f"http://127.0.0.1:{site.ports[0]}/metrics", headers={"X-Forwarded-For": "127.0.0.1"})
    assert spoofed.status_code == 403


def test_chromium_plays_the_film_through_nginx(site: Site, played: dict, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(site.url + played["watch_url"])
    page.locator("video").first.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.querySelector('video').currentTime > 0.5", timeout=15000)
    page.evaluate("""() => new Promise((resolve) => {
        const v = document.querySelector('video');
        v.addEventListener('seeked', resolve, { once: true });
        v.currentTime = 1.5;
    })""")
    assert page.evaluate("() => document.querySelector('video').currentTime") >= 1.4
