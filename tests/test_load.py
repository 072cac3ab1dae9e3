"""Under load, against a live ``tolk serve`` on SQLite and on PostgreSQL: 20 uploads at once
(PUT and tus in turn), 20 API writers (item changes, caption files) and 20 page readers for
60 s (the scenario of ``bench/load.py``, which prints the figures). No answer is a server
error, every refusal is a 429 or 503 that says when to try again, every upload answered 2xx
has its film, byte for byte, and page reads stay under 1 s at the 99th percentile."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from bench import load
from bench.live_server import live_server

T = TypeVar("T")


def run_apart(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on its own loop in its own thread: a browser test earlier in the same
    pytest process may have left Playwright's loop running in this one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_sixty_seconds_of_uploads_writes_and_reads(database_url: str, tmp_path: Path, film: Path) -> None:
    data = film.read_bytes()
    with live_server(tmp_path / "data", database_url=database_url, **load.SERVER_SETTINGS) as server:
        report = run_apart(load.run_load(server, database_url, data, load.SECONDS))
        print("\n" + "\n".join(report.lines()))
        missing = run_apart(
            load.films_missing(server.url, load.make_tokens(database_url, 1)[0], report.uploaded, data)
        )
    assert report.server_errors() == []
    assert [a for a in report.refusals() if not load.is_refusal(a)] == []  # each says when to retry
    others = [a for a in report.answers if a.status not in (200, 201, 204) and not load.is_refusal(a)]
    assert others == []
    assert len(report.uploaded) >= load.UPLOADERS  # each uploader got films in, not refusals only
    assert missing == []
    assert len(report.of(load.PAGE)) > 200
    assert report.p99(load.PAGE) < 1.0, f"page reads' p99 is {report.p99(load.PAGE):.2f} s, the target 1 s"
