"""Speech to captions, offline: recognise speech with faster-whisper, or time a given text to it.

A library of the service, like ``transcode``: it knows nothing of the database, the jobs or
the web (an import-linter contract says so); ``services.speech_jobs`` runs it in a job.

- ``model``: which Whisper model (a packaged one joined from its PyPI parts and checked
  against a pinned sha256, or a directory), whether it loads; ``ModelUnavailable`` says why not.
- ``recognise``: words with times and confidence from 16 kHz mono audio (faster-whisper with
  voice-activity filtering, so music without words gives none).
- ``align``: the editor's own text placed on the recognised words (tolerates recognition errors).
- ``cues``: timed words to cues that keep the caption quality rules where the speech allows.
- ``wer``: the word error rate, for the benchmark.

faster-whisper is an optional extra (``tolk[asr]``): only ``model.load_model`` and
``recognise`` import it, so everything else works without it.
"""
