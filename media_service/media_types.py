"""HTTP content types and file extensions for the containers Tolk stores."""

from __future__ import annotations

from urllib.parse import quote

from transcode.facts import MediaFacts

# The first demuxer name PyAV reports for a container -> (extension, video type, audio-only type).
_CONTAINERS: dict[str, tuple[str, str, str]] = {
    "mov": ("mp4", "video/mp4", "audio/mp4"),
    "matroska": ("mkv", "video/x-matroska", "audio/x-matroska"),
    "webm": ("webm", "video/webm", "audio/webm"),
    "avi": ("avi", "video/x-msvideo", "video/x-msvideo"),
    "flv": ("flv", "video/x-flv", "video/x-flv"),
    "mpegts": ("ts", "video/mp2t", "video/mp2t"),
    "mpeg": ("mpg", "video/mpeg", "audio/mpeg"),
    "ogg": ("ogg", "video/ogg", "audio/ogg"),
    "wav": ("wav", "audio/wav", "audio/wav"),
    "mp3": ("mp3", "audio/mpeg", "audio/mpeg"),
    "flac": ("flac", "audio/flac", "audio/flac"),
    "aac": ("aac", "audio/aac", "audio/aac"),
    "asf": ("wmv", "video/x-ms-asf", "audio/x-ms-wma"),
    "w64": ("w64", "audio/x-w64", "audio/x-w64"),
    "aiff": ("aiff", "audio/aiff", "audio/aiff"),
    "caf": ("caf", "audio/x-caf", "audio/x-caf"),
    # Still images (posters, covers): no audio, so both types are the image's.
    "jpeg_pipe": ("jpg", "image/jpeg", "image/jpeg"),
    "png_pipe": ("png", "image/png", "image/png"),
    "webp_pipe": ("webp", "image/webp", "image/webp"),
}


# What an MP4 file may carry and browsers expect in one; a QuickTime file with anything else
# (ProRes, DNxHD, uncompressed picture or PCM sound, as studios deliver) is stored and served
# as what it is, ``.mov`` and ``video/quicktime``, never as an MP4 no browser plays.
_MP4_CODECS = frozenset(
    {"h264", "hevc", "av1", "vp9", "mpeg4", "aac", "mp3", "opus", "flac", "alac", "ac3", "eac3"}
)
_QUICKTIME = ("mov", "video/quicktime", "audio/quicktime")


def _container_entry(facts: MediaFacts) -> tuple[str, str, str]:
    names = facts.container.split(",")
    if names[0] == "mov":
        # PyAV names MP4 and QuickTime alike; the codecs tell which one the file is.
        codecs = {s.codec for s in (facts.video, facts.audio) if s is not None}
        if facts.video is not None and facts.video.is_still_image:
            codecs.discard(facts.video.codec)  # a cover image (MJPEG, PNG) is no picture stream
        return _CONTAINERS["mov"] if codecs <= _MP4_CODECS else _QUICKTIME
    if "webm" in names and facts.container.startswith("matroska"):
        # PyAV names both "matroska,webm"; the codecs tell which one the file is.
        webm_codecs = {"vp8", "vp9", "av1", "opus", "vorbis"}
        codecs = {s.codec for s in (facts.video, facts.audio) if s is not None}
        return _CONTAINERS["webm" if codecs <= webm_codecs else "matroska"]
    return _CONTAINERS.get(names[0], ("bin", "application/octet-stream", "application/octet-stream"))


def extension_for(facts: MediaFacts) -> str:
    """The file extension Tolk stores a probed file under."""
    return _container_entry(facts)[0]


def content_type_for(facts: MediaFacts) -> str:
    """The Content-Type to serve a probed file with."""
    _, video_type, audio_type = _container_entry(facts)
    return video_type if facts.has_video else audio_type


def attachment_disposition(name: str) -> str:
    """A Content-Disposition that saves the file as ``name`` (RFC 6266; RFC 5987 encoding for a
    name that is not plain ASCII): Tolk's own answers and the store's presigned ones alike."""
    quoted = quote(name)
    return f'attachment; filename="{name}"' if quoted == name else f"attachment; filename*=utf-8''{quoted}"
