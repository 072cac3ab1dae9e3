"""The sign window's own file: the builder's arguments (without ffmpeg), honest content types
for what studios deliver, and through the service the file a job makes of a ProRes .mov, a
VP9 Matroska and an H.264 MP4 with its index at the end (browser-ready H.264, index first,
frame rate kept), which the player is given instead of the upload."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import av
import pytest
from fastapi.testclient import TestClient
from variant_helpers import Api, wait_until

from helpers import running_service
from media_service.config import Settings
from media_service.media_types import content_type_for, extension_for
from media_service.models import FileRole, InterpreterRecording, MediaFile
from media_service.web.views import _interpreter_view
from transcode.facts import AudioFacts, MediaFacts, VideoFacts
from transcode.safety import check_arguments
from transcode.signer_window import WindowSettings, build_window, window_is_remux, window_size

QUICKTIME = "mov,mp4,m4a,3gp,3g2,mj2"


def _facts(
    codec: str, width: int = 320, height: int = 360, *, container: str = QUICKTIME, **video
) -> MediaFacts:
    pixel_format = video.pop("pixel_format", "yuv420p")
    return MediaFacts(
        container=container,
        duration=2.0,
        size_bytes=1000,
        video=VideoFacts(codec, width, height, video.pop("frame_rate", 25.0), pixel_format, **video),
    )


def test_h264_is_only_remuxed_into_mp4_with_the_index_first(tmp_path: Path) -> None:
    plan = build_window(tmp_path / "in.mp4", _facts("h264"), tmp_path / "out.mp4", WindowSettings())
    check_arguments(plan.args)  # the runner's allow-list holds
    assert plan.remux
    assert plan.args[plan.args.index("-c:v") + 1] == "copy"
    assert "-vf" not in plan.args and "-an" in plan.args  # the window is silent
    assert plan.args[plan.args.index("-movflags") + 1] == "+faststart"
    assert plan.args[-1].startswith("file:") and plan.args[-1].endswith("out.mp4")


@pytest.mark.parametrize(
    "facts",
    [
        _facts("prores", pixel_format="yuv422p10le"),
        _facts("vp9", container="matroska,webm", frame_rate=30.0),
        _facts("dnxhd", pixel_format="yuv422p"),
        _facts("h264", pixel_format="yuv422p"),  # 4:2:2 H.264: few browsers decode it
        _facts("h264", rotation=90),
        _facts("h264", 1920, 1080),  # taller than the window ever needs
    ],
    ids=["prores", "vp9-mkv", "dnxhd", "h264-422", "rotated", "1080p"],
)
def test_anything_else_is_encoded_to_h264_at_its_own_rate(tmp_path: Path, facts: MediaFacts) -> None:
    plan = build_window(
        tmp_path / "in", facts, tmp_path / "out.mp4", WindowSettings(preset="ultrafast", crf=26)
    )
    check_arguments(plan.args)
    assert not plan.remux and not window_is_remux(facts)
    args = plan.args
    assert args[args.index("-c:v") + 1] == "libx264" and args[args.index("-preset") + 1] == "ultrafast"
    width, height = window_size(facts)
    assert args[args.index("-vf") + 1] == f"scale={width}:{height},setsar=1,format=yuv420p"
    assert width % 2 == 0 and height % 2 == 0 and height <= 720
    assert facts.video is not None
    assert args[args.index("-g") + 1] == str(round(facts.video.frame_rate))  # a keyframe a second
    assert "-r" not in args  # 25, 30 and 50 fps stay as filmed


def test_sizes_follow_the_displayed_picture() -> None:
    assert window_size(_facts("prores", 1920, 1080)) == (1280, 720)
    assert window_size(_facts("h264", 640, 360, rotation=90)) == (360, 640)
    assert window_size(_facts("h264", 720, 576, sample_aspect_ratio=16 / 15)) == (768, 576)
    assert window_size(_facts("h264", 321, 181)) == (320, 180)
    with pytest.raises(ValueError, match="moving picture"):
        window_size(MediaFacts(container=QUICKTIME, duration=2.0, size_bytes=1))
    with pytest.raises(ValueError, match="no duration"):
        build_window(
            Path("/in"), MediaFacts(QUICKTIME, 0.0, 1, _facts("h264").video), Path("/o"), WindowSettings()
        )


def test_quicktime_files_are_labelled_as_what_they_are() -> None:
    prores = _facts("prores", pixel_format="yuv422p10le")
    assert (extension_for(prores), content_type_for(prores)) == ("mov", "video/quicktime")
    h264 = _facts("h264")
    assert (extension_for(h264), content_type_for(h264)) == ("mp4", "video/mp4")
    with_pcm = MediaFacts(QUICKTIME, 2.0, 1, h264.video, AudioFacts("pcm_s16le", 2, 48000))
    assert content_type_for(with_pcm) == "video/quicktime"
    covered_song = MediaFacts(
        QUICKTIME,
        2.0,
        1,
        VideoFacts("mjpeg", 64, 64, 0.0, "yuvj420p", is_still_image=True),
        AudioFacts("aac", 2, 48000),
    )
    assert content_type_for(covered_song) == "audio/mp4"
    assert content_type_for(_facts("vp9", container="matroska,webm")) == "video/webm"


def test_a_recording_with_neither_window_file_nor_ladder_gets_no_window() -> None:
    upload = MediaFile(role=FileRole.INTERPRETER, storage_key="ab/x.mov", content_type="video/quicktime")
    recording = InterpreterRecording(file=upload, layout={}, offset_seconds=0.0, language="swl")
    assert _interpreter_view(recording) is None  # never the upload, never a black window
    window = MediaFile(role=FileRole.SIGNER_WINDOW, storage_key="ab/y.mp4", content_type="video/mp4")
    window.id = 7
    recording.window_file = window
    recording.layout = {"key": {"colour": "0x00b140", "similarity": 0.1, "blend": 0.04, "despill": 1.0}}
    view = _interpreter_view(recording)
    assert view is not None and view["url"] == "/files/7.mp4" and view["hls"] is None
    assert view["key"]["similarity"] == 0.1 and len(view["key"]["chroma"]) == 2


# --- made by the service -------------------------------------------------------------------------

# name -> (ffmpeg output options, frame rate, the content type the upload is stored with)
FORMATS = {
    "prores.mov": (["-r", "25", "-c:v", "prores_ks", "-profile:v", "2"], 25, "video/quicktime"),
    "vp9.mkv": (
        ["-r", "30", "-c:v", "libvpx-vp9", "-b:v", "300k", "-deadline", "realtime", "-cpu-used", "8"],
        30,
        "video/webm",
    ),
    # No +faststart: the index (moov) is written after the pictures (mdat).
    "index-at-end.mp4": (
        ["-r", "50", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
        50,
        "video/mp4",
    ),
}


def recording_as(made: Callable[..., Path], interpreter: Path, name: str) -> Path:
    options, _, _ = FORMATS[name]
    return made(f"signer-{name}", "-i", str(interpreter), *options)


def index_first(data: bytes) -> bool:
    return 0 <= data.find(b"moov") < data.find(b"mdat")


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("window") / "data", workers=1, hls=False, variant_preset="ultrafast"
    )
    with running_service(settings) as running:
        yield running


@pytest.mark.parametrize("name", list(FORMATS))
def test_every_delivery_gets_a_browser_ready_window_file(
    service: tuple[TestClient, dict[str, str]],
    made: Callable[..., Path],
    interpreter: Path,
    film: Path,
    tmp_path: Path,
    name: str,
) -> None:
    client, auth = service
    api = Api(client, auth)
    upload = recording_as(made, interpreter, name)
    _, rate, upload_type = FORMATS[name]
    if name == "index-at-end.mp4":
        assert not index_first(upload.read_bytes())  # the fixture is what it says
    item = api.item_with_film(film)
    recording = api.add_interpreter(item["id"], upload, layout={"key": {"colour": "green"}})
    assert recording["file"]["content_type"] == upload_type  # never video/mp4 when it is not
    url = f"/api/media/{item['id']}/interpreters/{recording['id']}"

    def window() -> dict | None:
        return client.get(url, headers=auth).json()["window_file"]

    made_file = wait_until(window, timeout=60)
    assert made_file["content_type"] == "video/mp4" and made_file["role"] == "signer_window"
    data = client.get(made_file["url"]).content
    assert index_first(data)
    path = tmp_path / "window.mp4"
    path.write_bytes(data)
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264" and stream.codec_context.pix_fmt == "yuv420p"
        assert round(float(stream.average_rate)) == rate
        assert not container.streams.audio
        frames = sum(1 for _ in container.decode(stream))
    assert frames == pytest.approx(2 * rate, abs=2)

    page = client.get(f"/watch/{item['id']}").text
    config = json.loads(re.search(r'class="tp-config"[^>]*>(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    assert config["interpreter"]["url"] == made_file["url"]  # the window plays it, not the upload
    assert config["interpreter"]["url"] != recording["file"]["url"]
    assert config["interpreter"]["key"]["despill"] == 1.0

    editor = client.get(f"/editor/items/{item['id']}/interpreter?lang=en", headers=auth).text
    assert "The recording is ready for every browser" in editor
    assert f'class="sync-signer" src="{made_file["url"]}"' in editor  # the timing check plays it too

    deleted = client.delete(url, headers=auth)
    assert deleted.status_code == 204
    assert client.get(made_file["url"]).status_code == 404


def test_until_its_file_is_made_there_is_no_window_and_the_editor_says_why(
    tmp_path: Path, made: Callable[..., Path], interpreter: Path, film: Path
) -> None:
    # No workers: the job waits in the queue.
    settings = Settings(data_dir=tmp_path / "data", workers=0, hls=False)
    with running_service(settings) as (client, auth):
        api = Api(client, auth)
        item = api.item_with_film(film)
        recording = api.add_interpreter(item["id"], recording_as(made, interpreter, "prores.mov"))
        assert recording["window_file"] is None
        page = client.get(f"/watch/{item['id']}?lang=en").text
        assert 'class="tp-signer"' not in page  # never the ProRes upload in a black window
        for language, words in (("en", "being made ready for browsers"), ("sv", "görs klar för webbläsarna")):
            editor = client.get(f"/editor/items/{item['id']}/interpreter?lang={language}", headers=auth).text
            assert words in editor
            assert 'class="job" data-events-url="/api/jobs/' in editor and 'data-state="queued"' in editor
            assert "sync-signer" not in editor
