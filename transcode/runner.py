"""The one place that runs ffmpeg: progress, timeout, cancellation and clear failures.

``run_ffmpeg(args, ffmpeg=...)`` runs an argument list from a builder (without the binary),
reads ffmpeg's ``-progress`` report from stdout and turns it into ``Progress`` for the
caller. ffmpeg runs without a shell, in its own session, and is killed whenever the call
ends early (cancel, timeout, an exception in a callback, ``KeyboardInterrupt``), so no ffmpeg
outlives its caller. Where util-linux's ``setpriv`` exists (Linux), ffmpeg is also started
with a parent-death signal, so even a SIGKILLed caller leaves no orphan encoding behind.
Calls share no state and may run from several threads at once.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from transcode.safety import check_arguments

# Options the runner relies on, added unless the arguments already have one of the names.
_GLOBAL_DEFAULTS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("-nostdin",), ("-nostdin",)),
    (("-hide_banner",), ("-hide_banner",)),
    (("-loglevel", "-v"), ("-loglevel", "error")),
    (("-progress",), ("-progress", "pipe:1")),
    (("-nostats", "-stats"), ("-nostats",)),
)
_PROGRESS_TARGET = "pipe:1"
_STDERR_TAIL_LINES = 20
_REPORT_INTERVAL = 0.25  # seconds between on_progress calls: at most four a second
_POLL_INTERVAL = 0.05  # how often cancel and the timeout are checked
_END_OF_OUTPUT = None


@dataclass(frozen=True)
class Progress:
    """How far a run is: fraction of the expected output duration, 0..1."""

    fraction: float
    seconds_done: float
    eta_seconds: float | None
    speed: float | None


@dataclass(frozen=True)
class RunResult:
    """A finished run: exit code, wall time and the last lines ffmpeg wrote to stderr."""

    returncode: int
    elapsed_seconds: float
    stderr_tail: str


class FfmpegError(RuntimeError):
    """Any failure to run ffmpeg to a good end."""


class FfmpegFailed(FfmpegError):
    """ffmpeg exited with a non-zero code; ``stderr_tail`` says why."""

    def __init__(self, returncode: int, stderr_tail: str) -> None:
        last_line = stderr_tail.strip().splitlines()[-1] if stderr_tail.strip() else "no message"
        super().__init__(f"ffmpeg failed with exit code {returncode}: {last_line}")
        self.returncode = returncode
        self.stderr_tail = stderr_tail


class FfmpegTimeout(FfmpegError):
    """ffmpeg ran longer than the timeout and was killed."""


class FfmpegCancelled(FfmpegError):
    """The caller cancelled the run and ffmpeg was killed."""


def ffmpeg_command(args: list[str], *, ffmpeg: str) -> list[str]:
    """The full command line: binary, the options the runner needs, then ``args``."""
    if "-progress" in args:
        position = args.index("-progress")
        if args[position + 1 : position + 2] != [_PROGRESS_TARGET]:
            raise ValueError(f"the runner reads -progress from {_PROGRESS_TARGET}; leave it out")
    added: list[str] = []
    for names, option in _GLOBAL_DEFAULTS:
        if not any(name in args for name in names):
            added += option
    return [ffmpeg, *added, *args]


# setpriv sets PR_SET_PDEATHSIG and then execs ffmpeg; unlike a preexec_fn it is safe to use
# from the worker threads that call run_ffmpeg.
_SETPRIV = shutil.which("setpriv")


def _die_with_caller(command: list[str]) -> list[str]:
    """``command`` prefixed so that ffmpeg gets SIGKILL when the thread that started it dies."""
    if _SETPRIV is None:
        return command
    return [_SETPRIV, "--pdeathsig", "KILL", "--", *command]


def run_ffmpeg(
    args: list[str],
    *,
    ffmpeg: str,
    duration: float | None = None,
    timeout: float | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
) -> RunResult:
    """Run ffmpeg with ``args``; report progress against ``duration`` (seconds of output).

    ``on_progress`` is called in the calling thread, at most four times a second, and once
    with ``fraction`` 1.0 after ffmpeg succeeded. Without ``duration`` the fraction stays 0
    until then.

    Raises ``FfmpegFailed`` on a non-zero exit, ``FfmpegTimeout`` after ``timeout`` seconds,
    ``FfmpegCancelled`` soon after ``cancel`` is set; ffmpeg is killed in the last two cases.
    """
    check_arguments(args)  # raises UnsafeArguments: no run may open more than its inputs
    if shutil.which(ffmpeg) is None:  # checked here: behind setpriv it would only exit 127
        raise FfmpegError(f"cannot start ffmpeg at {ffmpeg!r}: no such executable")
    command = ffmpeg_command(args, ffmpeg=ffmpeg)
    started = time.monotonic()
    try:
        process = subprocess.Popen(
            _die_with_caller(command),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            start_new_session=True,  # its own process group, killed as a whole
        )
    except OSError as error:
        raise FfmpegError(f"cannot start ffmpeg at {ffmpeg!r}: {error}") from error
    assert process.stdout is not None and process.stderr is not None
    blocks: queue.Queue[dict[str, str] | None] = queue.Queue()
    stderr_lines: deque[str] = deque(maxlen=_STDERR_TAIL_LINES)
    readers = [
        threading.Thread(target=_read_progress, args=(process.stdout, blocks), daemon=True),
        threading.Thread(target=stderr_lines.extend, args=(process.stderr,), daemon=True),
    ]
    for reader in readers:
        reader.start()
    try:
        done, speed = _follow(process, blocks, started, duration, timeout, on_progress, cancel)
    except BaseException:
        _kill(process)
        raise
    finally:
        for reader in readers:
            reader.join()
        process.stdout.close()
        process.stderr.close()
    stderr_tail = "".join(stderr_lines)
    returncode = process.returncode
    if returncode != 0:
        raise FfmpegFailed(returncode, stderr_tail)
    if on_progress is not None:
        on_progress(Progress(1.0, duration or done, 0.0, speed))
    return RunResult(returncode, time.monotonic() - started, stderr_tail)


def _read_progress(stdout: IO[str], blocks: queue.Queue[dict[str, str] | None]) -> None:
    """Collect ``key=value`` lines into one block per report; a report ends with ``progress=``."""
    block: dict[str, str] = {}
    for line in stdout:
        key, separator, value = line.strip().partition("=")
        if not separator:
            continue
        block[key] = value
        if key == "progress":
            blocks.put(block)
            block = {}
    blocks.put(_END_OF_OUTPUT)


def _follow(
    process: subprocess.Popen[str],
    blocks: queue.Queue[dict[str, str] | None],
    started: float,
    duration: float | None,
    timeout: float | None,
    on_progress: Callable[[Progress], None] | None,
    cancel: threading.Event | None,
) -> tuple[float, float | None]:
    """Report progress until ffmpeg has exited; return the seconds done and the last speed."""
    deadline = None if timeout is None else started + timeout
    last_report = float("-inf")
    done = 0.0
    speed: float | None = None
    output_ended = False
    while not (output_ended and process.poll() is not None):
        try:
            block = blocks.get(timeout=_POLL_INTERVAL)
        except queue.Empty:
            block = {}
        if cancel is not None and cancel.is_set():
            _kill(process)
            raise FfmpegCancelled("ffmpeg was cancelled")
        now = time.monotonic()
        if deadline is not None and now > deadline:
            _kill(process)
            raise FfmpegTimeout(f"ffmpeg ran longer than {timeout:g} s and was stopped")
        if block is _END_OF_OUTPUT:
            output_ended = True
            continue
        if not block:
            continue
        done = max(done, _seconds_done(block) or 0.0)
        speed = _speed(block) or speed
        # The end is reported once, by the caller, after ffmpeg exited with 0.
        due = now - last_report >= _REPORT_INTERVAL and block.get("progress") != "end"
        if on_progress is not None and due:
            on_progress(_progress(done, duration, speed, now - started))
            last_report = now
    return done, speed


def _seconds_done(block: dict[str, str]) -> float | None:
    # out_time_ms is in microseconds too (a long-standing ffmpeg quirk).
    for key in ("out_time_us", "out_time_ms"):
        with contextlib.suppress(KeyError, ValueError):
            return max(0.0, int(block[key]) / 1_000_000)
    with contextlib.suppress(KeyError, ValueError):
        hours, minutes, seconds = block["out_time"].split(":")
        return max(0.0, int(hours) * 3600 + int(minutes) * 60 + float(seconds))
    return None


def _speed(block: dict[str, str]) -> float | None:
    with contextlib.suppress(KeyError, ValueError):
        speed = float(block["speed"].strip().removesuffix("x"))
        return speed if speed > 0 else None
    return None


def _progress(done: float, duration: float | None, speed: float | None, elapsed: float) -> Progress:
    if not duration or duration <= 0:
        return Progress(0.0, done, None, speed)
    fraction = min(1.0, done / duration)
    remaining = duration - min(done, duration)
    if speed:
        eta: float | None = remaining / speed
    elif fraction > 0:
        eta = elapsed * (1 - fraction) / fraction
    else:
        eta = None
    return Progress(fraction, done, eta, speed)


def _kill(process: subprocess.Popen[str]) -> None:
    """Kill ffmpeg's process group (if still running) and reap it."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait()
