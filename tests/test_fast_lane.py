"""The watchable lane: a new film's remux never waits behind variant jobs, and H.264/AAC in
Matroska, MOV or WebM is remuxed into MP4 rather than re-encoded."""

from __future__ import annotations

import subprocess
from pathlib import Path

import av
import pytest
from variant_helpers import Api, read_in_real_time, wait_until

from helpers import running_service
from media_service.config import Settings
from media_service.db import session_scope
from media_service.models import Job, JobLane
from transcode.facts import AudioFacts, MediaFacts, VideoFacts
from transcode.kinds import VariantKind
from transcode.probe import probe
from transcode.runner import run_ffmpeg
from transcode.variants import MediaFile, VariantJob, build_variants, web_is_remux

MATROSKA = "matroska,webm"
MP4 = "mov,mp4,m4a,3gp,3g2,mj2"


def facts(
    container: str = MATROSKA,
    *,
    video_codec: str = "h264",
    pixel_format: str = "yuv420p",
    rotation: int = 0,
    audio_codec: str | None = "aac",
) -> MediaFacts:
    return MediaFacts(
        container=container,
        duration=2.0,
        size_bytes=1000,
        video=VideoFacts(video_codec, 320, 180, 25.0, pixel_format, rotation=rotation),
        audio=AudioFacts(audio_codec, 2, 48000) if audio_codec else None,
    )


def web_options(source: MediaFacts, tmp_path: Path) -> list[str]:
    output = tmp_path / "web.mp4"
    plan = build_variants(VariantJob(MediaFile(tmp_path / "source", source), {VariantKind.WEB: output}))
    return plan.args[plan.args.index("-map") : plan.args.index("file:" + str(output))]


def option(options: list[str], name: str) -> str | None:
    return options[options.index(name) + 1] if name in options else None


@pytest.mark.parametrize("container", [MATROSKA, MP4])
def test_browser_playable_h264_in_matroska_webm_or_mov_is_remuxed_into_mp4(
    container: str, tmp_path: Path
) -> None:
    options = web_options(facts(container), tmp_path)
    assert (option(options, "-c:v"), option(options, "-c:a")) == ("copy", "copy")
    assert (option(options, "-f"), option(options, "-movflags")) == ("mp4", "+faststart")
    assert "-filter_complex" not in options and "libx264" not in options


def test_sound_browsers_do_not_play_in_mp4_is_encoded_while_the_picture_is_copied(tmp_path: Path) -> None:
    options = web_options(facts(audio_codec="opus"), tmp_path)
    chosen = [option(options, name) for name in ("-c:v", "-c:a", "-b:a")]
    assert chosen == ["copy", "aac", "128k"]


@pytest.mark.parametrize(
    "source",
    [
        facts(video_codec="hevc"),
        facts(video_codec="vp9"),
        facts(pixel_format="yuv422p"),
        facts(rotation=90),
        facts("avi"),
    ],
    ids=["hevc", "vp9", "4:2:2", "rotated", "avi"],
)
def test_other_pictures_are_encoded(source: MediaFacts, tmp_path: Path) -> None:
    assert not web_is_remux(source)
    assert option(web_options(source, tmp_path), "-c:v") == "libx264"


def test_an_h264_aac_matroska_film_becomes_a_browser_ready_mp4_without_a_re_encode(
    film: Path, ffmpeg: str, tmp_path: Path
) -> None:
    mkv = tmp_path / "film.mkv"
    remux = [ffmpeg, "-loglevel", "error", "-i", str(film), "-c", "copy", str(mkv)]
    subprocess.run(remux, check=True, capture_output=True)
    source = MediaFile(mkv, probe(mkv))
    assert not source.facts.browser_ready and web_is_remux(source.facts)
    output = tmp_path / "web.mp4"
    plan = build_variants(VariantJob(source, {VariantKind.WEB: output}))
    run_ffmpeg(plan.args, ffmpeg=ffmpeg, duration=plan.duration)
    made = probe(output)
    assert made.browser_ready
    assert made.duration == pytest.approx(source.facts.duration, abs=0.05)

    def video_packets(path: Path) -> list[bytes]:
        with av.open(str(path)) as container:
            return [bytes(packet) for packet in container.demux(video=0) if packet.size]

    assert video_packets(output) == video_packets(film)  # the very same pictures: copied


def test_a_films_remux_runs_while_a_variant_job_holds_the_general_worker(
    tmp_path: Path, film: Path, interpreter: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read_in_real_time(monkeypatch)  # each encode takes as long as its film plays
    settings = Settings(data_dir=tmp_path / "data", workers=1)
    with running_service(settings) as (client, auth):
        api = Api(client, auth)
        first = api.item_with_film(film)
        api.wait_for_job(api.web_job(first["id"])["id"])
        api.add_captions(first["id"])
        long_jobs = [api.order(first["id"], kind) for kind in ("captioned", "captioned", "captioned")]
        wait_until(lambda: api.job(long_jobs[0]["id"])["state"] == "running")

        second = api.item_with_film(film)
        web = api.wait_for_job(api.web_job(second["id"])["id"], timeout=20)

        assert web["state"] == "done"
        assert "web" in api.variants(second["id"])
        # The variant jobs were still under way: the remux did not wait for them.
        assert api.job(long_jobs[0]["id"])["state"] == "running"
        assert [api.job(job["id"])["state"] for job in long_jobs[1:]] == ["queued", "queued"]
        with session_scope(client.app.state.sessions) as session:
            lanes = {job_id: session.get(Job, job_id).lane for job_id in (web["id"], long_jobs[0]["id"])}
        assert lanes == {web["id"]: JobLane.WATCHABLE, long_jobs[0]["id"]: JobLane.GENERAL}
