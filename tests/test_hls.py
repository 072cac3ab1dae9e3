"""HLS ladders: the builder's arguments (without ffmpeg), and a made ladder as a player reads
it: playlists parsed by the ``m3u8`` package, every segment decoded by PyAV, resolutions and
bitrates as declared, keyframes aligned across renditions, nothing above the source; serving
(content types, caching, Range, conditional requests), subtitles, deletion."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path

import av
import m3u8
import pytest
from fastapi.testclient import TestClient
from variant_helpers import Api, wait_until

from helpers import running_service
from media_service.config import Settings
from media_service.models import HlsLadder
from transcode import hls
from transcode.facts import MediaFacts, VideoFacts
from transcode.safety import check_arguments

SOURCE_SIZE = (640, 360)
SEGMENT_SECONDS = 2.0
FILM_SECONDS = 4


def _facts(width: int, height: int, *, audio: bool = True) -> MediaFacts:
    from transcode.facts import AudioFacts

    return MediaFacts(
        container="mov,mp4,m4a,3gp,3g2,mj2",
        duration=10.0,
        size_bytes=1000,
        video=VideoFacts("h264", width, height, 25.0, "yuv420p"),
        audio=AudioFacts("aac", 2, 48000) if audio else None,
    )


@pytest.mark.parametrize(
    ("size", "heights"),
    [
        ((1920, 1080), [1080, 720, 480, 360, 240]),
        ((3840, 2160), [1080, 720, 480, 360, 240]),
        ((1280, 720), [720, 480, 360, 240]),
        ((1024, 576), [576, 480, 360, 240]),
        ((640, 360), [360, 240]),
        ((320, 180), [180]),
        ((1080, 1920), [1080, 720, 480, 360, 240]),  # upright: heights are capped the same
    ],
)
def test_the_ladder_never_exceeds_the_source(size: tuple[int, int], heights: list[int]) -> None:
    rungs = hls.ladder_rungs(_facts(*size))
    assert [r.height for r in rungs] == heights
    for rung in rungs:
        assert rung.width <= size[0] and rung.height <= size[1]
        assert rung.width % 2 == 0 and rung.height % 2 == 0
        assert rung.width / rung.height == pytest.approx(size[0] / size[1], rel=0.02)
    assert [r.max_kbps for r in rungs] == sorted((r.max_kbps for r in rungs), reverse=True)


def test_one_run_decodes_once_and_scales_once_per_rung(tmp_path: Path) -> None:
    plan = hls.build_ladder(hls.LadderJob(tmp_path / "in.mp4", _facts(1280, 720), tmp_path / "out"))
    args = plan.args
    check_arguments(args)  # the runner's input allow-list holds
    assert args.count("-i") == 1
    graph = args[args.index("-filter_complex") + 1]
    assert graph.count("split=4") == 1 and graph.count("scale=") == 4
    assert "expr:gte(t,n_forced*4)" in args and args[args.index("-sc_threshold") + 1] == "0"
    assert args[args.index("-hls_segment_type") + 1] == "fmp4"
    assert args[args.index("-var_stream_map") + 1] == (
        "v:0,name:720p v:1,name:480p v:2,name:360p v:3,name:240p a:0,name:audio"
    )
    assert [f.name for f in plan.folders] == ["720p", "480p", "360p", "240p", "audio"]
    silent = hls.build_ladder(
        hls.LadderJob(tmp_path / "in.mp4", _facts(1280, 720), tmp_path / "out", with_audio=False)
    )
    assert "0:a:0" not in silent.args and not silent.has_audio


def test_settings_and_pictures_that_cannot_make_a_ladder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="2 to 6 s"):
        hls.LadderSettings(segment_seconds=10)
    with pytest.raises(ValueError, match="moving picture"):
        hls.ladder_rungs(MediaFacts("wav", 1.0, 10))
    with pytest.raises(ValueError, match="too small"):
        hls.ladder_rungs(_facts(48, 32))


def test_master_playlist_quotes_what_it_is_given() -> None:
    ladder = hls.Ladder(
        [hls.Rendition("240p", "avc1.640015", 500_000, 400_000, 426, 240, 25.0)],
        hls.Rendition("audio", hls.AUDIO_CODECS, 130_000, 128_000),
        10.0,
        2.0,
    )
    text = hls.master_playlist(
        ladder, subtitles=[hls.SubtitleRendition('Svenska "SDH"\n', "sv", "subtitles/1.m3u8", True)]
    )
    parsed = m3u8.loads(text)
    (variant,) = parsed.playlists
    assert variant.stream_info.bandwidth == 630_000
    assert variant.stream_info.average_bandwidth == 528_000
    (subtitle,) = [m for m in parsed.media if m.type == "SUBTITLES"]
    assert subtitle.name == "Svenska 'SDH' " and subtitle.language == "sv"


# --- a made ladder, through the service ----------------------------------------------------------


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("hls") / "data",
        workers=1,
        hls_segment_seconds=SEGMENT_SECONDS,
        variant_preset="ultrafast",
    )
    with running_service(settings) as running:
        yield running


def _ladder_of(api: Api, item_id: int) -> str:
    def ready() -> str | None:
        return api.variants(item_id).get("web", {}).get("hls_url")

    return wait_until(ready, timeout=90)


@pytest.fixture(scope="module")
def made(
    service: tuple[TestClient, dict[str, str]], make_media: Callable[..., Path]
) -> tuple[Api, dict, str]:
    client, auth = service
    api = Api(client, auth)
    film = make_media("film", duration=FILM_SECONDS, width=SOURCE_SIZE[0], height=SOURCE_SIZE[1], grain=6)
    item = api.item_with_film(film)
    return api, item, _ladder_of(api, item["id"])


# H.264 profile_idc as RFC 6381 writes it, and the word FFmpeg's name of the profile has.
PROFILES = {66: "Baseline", 77: "Main", 100: "High"}


def _profile(client: TestClient, playlist_uri: str) -> str:
    playlist = m3u8.loads(client.get(playlist_uri).text, uri=playlist_uri)
    init = client.get(playlist.segment_map[0].absolute_uri).content
    segment = client.get(playlist.segments[0].absolute_uri).content
    with av.open(io.BytesIO(init + segment), format="mp4") as container:
        return str(container.streams.video[0].codec_context.profile)


def _decode(data: bytes) -> list[av.VideoFrame]:
    with av.open(io.BytesIO(data), format="mp4") as container:
        return list(container.decode(video=0))


def _packets(data: bytes) -> list[tuple[float, bool]]:
    """(time, is a keyframe) of each video packet, in order."""
    with av.open(io.BytesIO(data), format="mp4") as container:
        stream = container.streams.video[0]
        base = stream.time_base or Fraction(1, 90000)
        return [(float(p.pts * base), p.is_keyframe) for p in container.demux(stream) if p.pts is not None]


def test_the_ladder_parses_decodes_and_is_what_its_master_playlist_says(made: tuple[Api, dict, str]) -> None:
    api, _, url = made
    client = api.client
    master_response = client.get(url)
    assert master_response.status_code == 200
    assert master_response.headers["content-type"].startswith("application/vnd.apple.mpegurl")
    master = m3u8.loads(master_response.text, uri=f"http://testserver{url}")
    assert master.is_variant
    heights = [p.stream_info.resolution[1] for p in master.playlists]
    assert heights == [360, 240]  # up to the source's height, never above it
    (audio,) = [m for m in master.media if m.type == "AUDIO"]
    audio_bits, audio_seconds, _ = _rendition(client, audio.absolute_uri)
    keyframe_times = []
    for variant in master.playlists:
        info = variant.stream_info
        video_codecs, audio_codecs = info.codecs.split(",")
        assert audio_codecs == "mp4a.40.2"
        assert PROFILES[int(video_codecs[5:7], 16)] in _profile(client, variant.absolute_uri)
        assert info.audio == audio.group_id
        bits, seconds, frames_and_keys = _rendition(client, variant.absolute_uri, decode=True)
        assert seconds == pytest.approx(FILM_SECONDS, abs=0.1)
        measured = bits / seconds + audio_bits / audio_seconds
        assert measured == pytest.approx(info.average_bandwidth, rel=0.2)
        assert measured <= info.bandwidth * 1.2
        frames, keyframes, sizes = frames_and_keys
        assert frames == FILM_SECONDS * 25  # every segment decodes, every frame is there
        assert sizes == {info.resolution}
        keyframe_times.append(keyframes)
    assert keyframe_times[0] == keyframe_times[1]  # aligned across renditions
    # One every segment (the muxer's start offset aside, which every rendition shares).
    first = keyframe_times[0][0]
    assert first < 0.1
    expected = [first + n * SEGMENT_SECONDS for n in range(int(FILM_SECONDS / SEGMENT_SECONDS))]
    assert keyframe_times[0] == pytest.approx(expected, abs=1e-3)


def _rendition(client: TestClient, uri: str, *, decode: bool = False) -> tuple[int, float, tuple]:
    """Bits and seconds of a rendition (its init segment and segments) and, decoded, its frame
    count, keyframe times and frame sizes; each segment must start on a keyframe."""
    playlist_response = client.get(uri)
    assert playlist_response.status_code == 200
    playlist = m3u8.loads(playlist_response.text, uri=uri)
    assert playlist.is_endlist and playlist.playlist_type == "vod"
    assert playlist.target_duration <= 6
    init = client.get(playlist.segment_map[0].absolute_uri)
    assert init.headers["content-type"] == "video/mp4"
    bits = 8 * len(init.content)
    seconds = 0.0
    frames = 0
    keyframes: list[float] = []
    sizes: set[tuple[int, int]] = set()
    for segment in playlist.segments:
        response = client.get(segment.absolute_uri)
        assert response.status_code == 200
        assert response.headers["content-type"] == "video/iso.segment"
        bits += 8 * len(response.content)
        seconds += segment.duration
        if decode:
            packets = _packets(init.content + response.content)
            assert packets[0][1], f"{segment.uri} does not start on a keyframe"
            keyframes += [time for time, key in packets if key]
            decoded = _decode(init.content + response.content)
            frames += len(decoded)
            sizes |= {(f.width, f.height) for f in decoded}
    return bits, seconds, (frames, keyframes, sizes)


def test_segments_are_cached_long_and_answer_ranges_and_conditions(made: tuple[Api, dict, str]) -> None:
    api, _, url = made
    client = api.client
    master = m3u8.loads(client.get(url).text, uri=f"http://testserver{url}")
    playlist_uri = master.playlists[0].absolute_uri
    playlist = client.get(playlist_uri)
    assert playlist.headers["cache-control"] == "public, max-age=10"
    assert client.get(url).headers["cache-control"] == "public, max-age=10"
    segment_uri = m3u8.loads(playlist.text, uri=playlist_uri).segments[0].absolute_uri
    whole = client.get(segment_uri)
    assert whole.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert whole.headers["access-control-allow-origin"] == "*"
    part = client.get(segment_uri, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.content == whole.content[10:20]
    assert client.get(segment_uri, headers={"If-None-Match": whole.headers["etag"]}).status_code == 304
    again = client.get(url, headers={"If-None-Match": client.get(url).headers["etag"]})
    assert again.status_code == 304
    assert client.head(segment_uri).headers["content-length"] == str(len(whole.content))
    # Only the ladder's own files: no way out of its folder, no other names.
    ladder_id = url.split("/")[2]
    for path in ["../../x/master.m3u8", "360p/..%2f..%2fx.mp4", "360p/index.txt", "other/index.m3u8"]:
        assert client.get(f"/hls/{ladder_id}/{path}").status_code == 404, path
    assert client.get(f"{url}?height=1080").status_code == 404
    one = m3u8.loads(client.get(f"{url}?height=240").text)
    assert [p.stream_info.resolution for p in one.playlists] == [(426, 240)]


def test_captions_are_subtitle_renditions_and_an_unpublished_ladder_is_hidden(
    made: tuple[Api, dict, str],
) -> None:
    api, item, url = made
    client = api.client
    track = api.add_captions(item["id"])
    master = m3u8.loads(client.get(url).text, uri=f"http://testserver{url}")
    (subtitle,) = [m for m in master.media if m.type == "SUBTITLES"]
    assert subtitle.language == "sv" and all(
        p.stream_info.subtitles == subtitle.group_id for p in master.playlists
    )
    vtt_playlist = m3u8.loads(client.get(subtitle.absolute_uri).text)
    assert [s.uri for s in vtt_playlist.segments] == [f"/captions/{track['id']}.vtt"]
    client.patch(f"/api/media/{item['id']}", json={"published": False}, headers=api.auth)
    try:
        assert client.get(url).status_code == 404  # a viewer sees nothing of it
        assert client.get(url, headers=api.auth).headers["cache-control"] == "private, no-cache"
    finally:
        client.patch(f"/api/media/{item['id']}", json={"published": True}, headers=api.auth)


def test_the_interpreter_gets_a_silent_ladder_and_deletion_removes_every_ladder(
    service: tuple[TestClient, dict[str, str]], make_media: Callable[..., Path], interpreter: Path
) -> None:
    client, auth = service
    api = Api(client, auth)
    item = api.item_with_film(make_media("film", duration=2, width=SOURCE_SIZE[0], height=SOURCE_SIZE[1]))
    film_ladder = _ladder_of(api, item["id"])
    recording = api.add_interpreter(item["id"], interpreter)

    def signer_ladder() -> str | None:
        listed = client.get(f"/api/media/{item['id']}/interpreters", headers=auth).json()
        return next(r["file"]["hls_url"] for r in listed if r["id"] == recording["id"])

    url = wait_until(signer_ladder, timeout=60)
    master = m3u8.loads(client.get(url).text)
    assert [m for m in master.media if m.type == "AUDIO"] == []
    assert [p.stream_info.resolution for p in master.playlists] == [(320, 360), (214, 240)]
    storage = client.app.state.storage
    with client.app.state.sessions() as session:
        folders = [ladder.folder_key for ladder in session.query(HlsLadder).all()]
    assert folders and all(storage.exists(f"{folder}/{hls.MASTER_NAME}") for folder in folders)
    response = client.delete(f"/api/media/{item['id']}", headers=auth)
    assert response.status_code == 204, response.text
    assert client.get(url, headers=auth).status_code == 404
    assert client.get(film_ladder, headers=auth).status_code == 404
    with client.app.state.sessions() as session:
        remaining = {ladder.folder_key for ladder in session.query(HlsLadder).all()}
    assert [f for f in folders if storage.exists(f)] == [f for f in folders if f in remaining]
