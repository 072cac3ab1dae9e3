"""Probed facts about a media file, shared by the prober, the builders and the service."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class VideoFacts:
    """The first video stream of a file."""

    codec: str
    width: int
    height: int
    frame_rate: float
    pixel_format: str | None
    rotation: int = 0
    sample_aspect_ratio: float = 1.0
    is_still_image: bool = False

    @property
    def display_size(self) -> tuple[int, int]:
        """Width and height as shown: rotation and non-square pixels applied."""
        width = round(self.width * self.sample_aspect_ratio)
        if self.rotation % 180:
            return self.height, width
        return width, self.height


@dataclass(frozen=True)
class AudioFacts:
    """The first audio stream of a file."""

    codec: str
    channels: int
    sample_rate: int


@dataclass(frozen=True)
class MediaFacts:
    """What PyAV found in a file: container, duration and its first video and audio stream."""

    container: str
    duration: float
    size_bytes: int
    video: VideoFacts | None = None
    audio: AudioFacts | None = None

    @property
    def has_video(self) -> bool:
        return self.video is not None and not self.video.is_still_image

    @property
    def browser_ready(self) -> bool:
        """True when browsers play the file as it is (H.264 yuv420p and AAC in MP4)."""
        if "mp4" not in self.container.split(","):
            return False
        video_ok = self.video is None or (
            self.video.codec == "h264"
            and self.video.pixel_format == "yuv420p"
            and self.video.rotation == 0
            and abs(self.video.sample_aspect_ratio - 1.0) < 1e-3
        )
        audio_ok = self.audio is None or self.audio.codec == "aac"
        return video_ok and audio_ok and (self.video is not None or self.audio is not None)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MediaFacts:
        video = data.get("video")
        audio = data.get("audio")
        return cls(
            container=data["container"],
            duration=data["duration"],
            size_bytes=data["size_bytes"],
            video=VideoFacts(**video) if video else None,
            audio=AudioFacts(**audio) if audio else None,
        )
