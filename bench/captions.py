"""Parse and normalise a 2,000-cue WebVTT file and print the time per cue (and the same for
120,000 cues, about 5 MB, the size issue 11 names).

Targets: 120,000 cues read in well under 2 s; the 2,000-cue file is what the caption editor
saves. Then the editor's save of a 2,000-cue track (its cues posted as JSON to
``POST /api/media/{id}/captions/{track}/revisions``, a new revision written, checked and
recorded) is timed against uploading the same track as a file, interleaved (upload, save,
save, upload), through the app in this process. Run: ``.venv/bin/python -m bench.captions``.
Each step is timed in rounds, interleaved (read, normalise, report, report, normalise, read),
and the median printed with CPU time
beside wall time, so that a busy machine shows as wall time well above CPU time.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from media_service.app import create_app
from media_service.auth import create_token
from media_service.config import Settings
from media_service.db import session_scope
from transcode.captions import caption_report, format_timestamp, read_captions, write_webvtt


def make_webvtt(cues: int) -> bytes:
    """A realistic track: identifiers, settings on every tenth cue, two lines on every third."""
    parts = ["WEBVTT\nKind: captions\n\nSTYLE\n::cue { color: yellow }\n\n"]
    for n in range(cues):
        start = n * 2_500
        settings = " line:-3 align:start" if n % 10 == 0 else ""
        text = f"Rad {n}: vem du än är" + ("\n<i>är du välkommen hit</i>" if n % 3 == 0 else "")
        parts.append(
            f"{n + 1}\n{format_timestamp(start)} --> {format_timestamp(start + 2_000)}{settings}\n{text}\n\n"
        )
    return "".join(parts).encode("utf-8")


def timed(step: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    step()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cues", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--large", type=int, default=120_000, help="cues in the large file (0: skip)")
    args = parser.parse_args()
    for count, rounds in ((args.cues, args.rounds), (args.large, 1)):
        if not count:
            continue
        data = make_webvtt(count)
        document = read_captions(data)
        steps: dict[str, Callable[[], object]] = {
            "read": lambda data=data: read_captions(data),
            "normalise": lambda document=document: write_webvtt(document),
            "report": lambda document=document: caption_report(document),
        }
        order = [*steps, *reversed(steps)]  # A B C C B A
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in steps}
        for _ in range(rounds):
            for name in order:
                results[name].append(timed(steps[name]))
        print(f"{count} cues, {len(data) / 1e6:.1f} MB, {rounds * 2} runs of each step:")
        for name, runs in results.items():
            wall = statistics.median(run[0] for run in runs)
            cpu = statistics.median(run[1] for run in runs)
            print(
                f"  {name:10} {wall:7.3f} s wall ({wall / count * 1e6:6.1f} µs a cue), "
                f"{cpu:7.3f} s CPU ({cpu / count * 1e6:6.1f} µs a cue)"
            )
        total = sum(statistics.median(run[0] for run in results[name]) for name in ("read", "normalise"))
        print(f"  read + normalise: {total / count * 1e6:.1f} µs a cue")
    if args.cues:
        bench_editor_save(args.cues, args.rounds)


def bench_editor_save(count: int, rounds: int) -> None:
    """The editor's save of a ``count``-cue track against uploading it as a file."""
    data = make_webvtt(count)
    cues = [
        {
            "start_ms": c.start_ms,
            "end_ms": c.end_ms,
            "text": c.text,
            "identifier": c.identifier,
            "settings": c.settings,
        }
        for c in read_captions(data).cues
    ]
    with (
        tempfile.TemporaryDirectory() as folder,
        TestClient(create_app(Settings(data_dir=Path(folder), workers=0))) as client,
    ):
        with session_scope(client.app.state.sessions) as session:
            auth = {"Authorization": f"Bearer {create_token(session, 'bench')}"}
        item = client.post("/api/media", json={"kind": "film", "title": "Bench"}, headers=auth).json()
        upload_url = f"/api/media/{item['id']}/captions"

        def upload() -> object:
            response = client.post(
                upload_url, files={"file": ("sv.vtt", data)}, data={"language": "sv"}, headers=auth
            )
            assert response.status_code == 201, response.text
            return response

        track = upload().json()  # type: ignore[attr-defined]
        save_url = f"{upload_url}/{track['id']}/revisions"

        def save() -> object:
            response = client.post(save_url, json={"cues": cues}, headers=auth)
            assert response.status_code == 201, response.text
            return response

        steps = {"upload": upload, "save": save}
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in steps}
        for _ in range(rounds):
            for name in ("upload", "save", "save", "upload"):  # A B B A
                results[name].append(timed(steps[name]))
    print(f"The editor's save of {count} cues (JSON, a new revision), {rounds * 2} runs each:")
    medians = {}
    for name, runs in results.items():
        wall = statistics.median(run[0] for run in runs)
        cpu = statistics.median(run[1] for run in runs)
        medians[name] = wall
        print(f"  {name:10} {wall:7.3f} s wall ({wall / count * 1e6:6.1f} µs a cue), {cpu:7.3f} s CPU")
    print(f"  save / upload of the same track: {medians['save'] / medians['upload']:.2f}")


if __name__ == "__main__":
    main()
