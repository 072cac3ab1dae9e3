"""transcode.runner: progress, failure text, cancel, timeout, and no ffmpeg left behind."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import av
import psutil
import pytest

from transcode.runner import (
    FfmpegCancelled,
    FfmpegError,
    FfmpegFailed,
    FfmpegTimeout,
    Progress,
    ffmpeg_command,
    run_ffmpeg,
)


def endless_input() -> list[str]:
    """A lavfi source read at real time: runs for a minute unless stopped."""
    return ["-re", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=60", "-f", "null", "-"]


def ffmpeg_children() -> list[psutil.Process]:
    return [child for child in psutil.Process().children(recursive=True) if "ffmpeg" in child.name()]


def encode_args(output: Path, seconds: float) -> list[str]:
    return [
        "-re",
        "-f",
        "lavfi",
        "-i",
        f"testsrc2=size=160x90:rate=25:duration={seconds}",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-tune",
        "zerolatency",
        "-pix_fmt",
        "yuv420p",
        "-y",
        str(output),
    ]


def decoded_frames(path: Path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


def test_progress_rises_to_one(ffmpeg: str, tmp_path: Path) -> None:
    reports: list[tuple[float, Progress]] = []
    output = tmp_path / "out.mp4"
    started = time.monotonic()
    result = run_ffmpeg(
        encode_args(output, 2.4),
        ffmpeg=ffmpeg,
        duration=2.4,
        on_progress=lambda p: reports.append((time.monotonic(), p)),
    )
    assert result.returncode == 0 and result.elapsed_seconds >= 1.5  # -re: 0.5 s burst
    fractions = [progress.fraction for _, progress in reports]
    assert fractions == sorted(fractions)
    assert any(0.0 < fraction < 1.0 for fraction in fractions)
    final = reports[-1][1]
    assert final.fraction == 1.0 and final.seconds_done == 2.4 and final.eta_seconds == 0.0
    assert [progress.fraction for _, progress in reports].count(1.0) == 1
    middle = next(progress for _, progress in reports if 0.0 < progress.fraction < 1.0)
    assert middle.eta_seconds is not None and 0.0 < middle.eta_seconds < 5.0
    assert middle.speed is not None and 0.3 < middle.speed < 3.0  # read at real time
    # At most about four reports a second (plus the final one).
    assert len(reports) <= (time.monotonic() - started) * 4 + 2
    assert decoded_frames(output) == 60


def test_unknown_duration_reports_zero_then_one(ffmpeg: str, tmp_path: Path) -> None:
    reports: list[Progress] = []
    run_ffmpeg(encode_args(tmp_path / "out.mp4", 1.2), ffmpeg=ffmpeg, on_progress=reports.append)
    assert all(progress.fraction == 0.0 for progress in reports[:-1])
    assert reports[-1].fraction == 1.0 and reports[-1].seconds_done > 1.0


def test_cancel_kills_ffmpeg_quickly(ffmpeg: str) -> None:
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(FfmpegCancelled):
        run_ffmpeg(endless_input(), ffmpeg=ffmpeg, duration=60, cancel=cancel)
    assert time.monotonic() - started < 1.5
    assert ffmpeg_children() == []


def test_timeout_kills_ffmpeg(ffmpeg: str) -> None:
    started = time.monotonic()
    with pytest.raises(FfmpegTimeout, match=r"longer than 0\.5 s"):
        run_ffmpeg(endless_input(), ffmpeg=ffmpeg, timeout=0.5)
    assert time.monotonic() - started < 1.5
    assert ffmpeg_children() == []


def test_failure_carries_stderr(ffmpeg: str) -> None:
    args = ["-f", "lavfi", "-i", "testsrc2=duration=1", "-c:v", "no_such_encoder", "-f", "null", "-"]
    with pytest.raises(FfmpegFailed) as caught:
        run_ffmpeg(args, ffmpeg=ffmpeg)
    assert caught.value.returncode != 0
    assert "Unknown encoder 'no_such_encoder'" in caught.value.stderr_tail
    assert "exit code" in str(caught.value)
    assert isinstance(caught.value, FfmpegError) and isinstance(caught.value, RuntimeError)


def test_exception_in_callback_kills_ffmpeg(ffmpeg: str) -> None:
    def explode(_: Progress) -> None:
        raise KeyError("the job row is gone")

    with pytest.raises(KeyError):
        run_ffmpeg(endless_input(), ffmpeg=ffmpeg, duration=60, on_progress=explode)
    assert ffmpeg_children() == []


def test_chatty_stderr_does_not_block(ffmpeg: str) -> None:
    # showinfo logs a line per frame: about 400 KB, far past a pipe's buffer.
    args = [
        "-loglevel",
        "info",
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=160x90:rate=50:duration=20",
        "-vf",
        "showinfo",
        "-f",
        "null",
        "-",
    ]
    result = run_ffmpeg(args, ffmpeg=ffmpeg, timeout=60)
    tail = result.stderr_tail.splitlines()
    assert len(tail) == 20 and any("showinfo" in line for line in tail)


def test_parallel_runs(ffmpeg: str, tmp_path: Path) -> None:
    outputs = [tmp_path / f"out{number}.mp4" for number in range(3)]
    finals: dict[Path, float] = {}
    errors: list[BaseException] = []

    def run(output: Path) -> None:
        try:
            run_ffmpeg(
                encode_args(output, 1.0),
                ffmpeg=ffmpeg,
                duration=1.0,
                on_progress=lambda p: finals.__setitem__(output, p.fraction),
            )
        except BaseException as error:  # collected and re-raised in the test thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(output,)) for output in outputs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert all(finals[output] == 1.0 and decoded_frames(output) == 25 for output in outputs)


def test_command_adds_runner_options_once() -> None:
    args = ["-hide_banner", "-nostdin", "-v", "warning", "-i", "in.mp4", "out.mp4"]
    command = ffmpeg_command(args, ffmpeg="/usr/bin/ffmpeg")
    assert command[0] == "/usr/bin/ffmpeg" and command[-len(args) :] == args
    for option in ("-hide_banner", "-nostdin", "-nostats", "-progress"):
        assert command.count(option) == 1
    assert "-loglevel" not in command and command[command.index("-v") + 1] == "warning"
    assert command[command.index("-progress") + 1] == "pipe:1"


def test_command_refuses_another_progress_target() -> None:
    with pytest.raises(ValueError, match="-progress"):
        ffmpeg_command(["-progress", "progress.txt", "-i", "in.mp4", "out.mp4"], ffmpeg="ffmpeg")


def test_missing_binary(tmp_path: Path) -> None:
    with pytest.raises(FfmpegError, match="cannot start ffmpeg"):
        run_ffmpeg(["-version"], ffmpeg=str(tmp_path / "no-ffmpeg"))


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="needs util-linux setpriv (Linux)")
def test_ffmpeg_dies_with_a_killed_caller(ffmpeg: str, tmp_path: Path) -> None:
    pid_file = tmp_path / "ffmpeg.pid"
    script = f"""
import threading, psutil, os, time
from transcode.runner import run_ffmpeg
def report():
    while True:
        children = psutil.Process(os.getpid()).children(recursive=True)
        if children:
            open({str(pid_file)!r}, "w").write(str(children[-1].pid))
            return
        time.sleep(0.05)
threading.Thread(target=report, daemon=True).start()
run_ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-t", "600", "-f", "null", "-"],
           ffmpeg={ffmpeg!r})
"""
    caller = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 20
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline, "ffmpeg did not start"
        time.sleep(0.05)
    ffmpeg_process = psutil.Process(int(pid_file.read_text()))
    caller.kill()
    caller.wait()
    ffmpeg_process.wait(timeout=5)
    assert not ffmpeg_process.is_running()
