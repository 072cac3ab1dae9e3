"""Catalogue search: the index of what an item can be found by, and the query over it.

An item is found by its title, its description and every cue of its caption tracks (with the
moment the cue starts, so a hit links to where it is said). Those pieces of text are rows of
``search_entries``, kept in step here and only here: ``media.create_item``/``update_item``
call ``index_item``, and every save of a caption track (upload, editor, restore) goes through
``caption_revisions.add_revision``, which calls ``index_track``. Deleting an item or a track
deletes its rows by the foreign keys' ``ON DELETE CASCADE`` (and the SQLite triggers of
migrations 0004 and 0012 take them out of the FTS5 table too).

The full-text index is the engine's own. On SQLite, FTS5 indexes the ``stems`` column: the
words of the text as Swedish Snowball stems (PyStemmer), and a query is stemmed the same way,
so "kommunen" finds "kommun". On PostgreSQL the GIN index on ``to_tsvector('swedish', text)``
does its own Swedish stemming (and drops stop words). Every word of a query must occur
somewhere in an item (title, description or any cue); items are ranked by their best entry, a
title counting more than a description, and a description more than a cue.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import Stemmer
from sqlalchemy import Float, Integer, bindparam, delete, func, insert, select, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Subquery

from media_service.models import CaptionTrack, MediaItem, SearchEntry, SearchField
from media_service.storage import Storage
from transcode.captions import PlainCue, plain_cues, read_captions

# Longer queries are refused (the routes say so); more words than this are not looked for.
MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 8
# How many of an item's cues a result shows and links to.
CUES_PER_RESULT = 3
# How much a hit counts by where it is: the title most (FTS5's bm25 column weights; the same
# factors multiply PostgreSQL's ts_rank).
FIELD_WEIGHTS = {SearchField.TITLE: 10.0, SearchField.DESCRIPTION: 4.0, SearchField.CAPTION: 1.0}

# Letters and digits: what FTS5's unicode61 tokenizer keeps as a word (underscore is not one).
_WORD = re.compile(r"[^\W_]+")
_stemmers = threading.local()  # a PyStemmer stemmer must not be shared between threads


def _stemmer() -> Any:
    stemmer = getattr(_stemmers, "swedish", None)
    if stemmer is None:
        stemmer = _stemmers.swedish = Stemmer.Stemmer("swedish")
    return stemmer


def _words(value: str) -> list[re.Match[str]]:
    return list(_WORD.finditer(unicodedata.normalize("NFC", value)))


def stem_words(words: Sequence[str]) -> list[str]:
    """Swedish stems of ``words``, lower-cased."""
    return list(_stemmer().stemWords([word.lower() for word in words]))


def stems(value: str) -> str:
    """The words of ``value`` as Swedish stems, space-separated: what FTS5 indexes."""
    return " ".join(stem_words([match.group() for match in _words(value)]))


def query_words(query: str) -> list[str]:
    """The words a query looks for (at most ``MAX_QUERY_WORDS``, each once)."""
    words = [match.group().lower() for match in _words(query[:MAX_QUERY_LENGTH])]
    return list(dict.fromkeys(words))[:MAX_QUERY_WORDS]


# --- keeping the index in step ------------------------------------------------------------


def _entry(item_id: int, field: SearchField, value: str, **extra: Any) -> dict[str, Any]:
    return {"item_id": item_id, "field": field, "text": value, "stems": stems(value), **extra}


def index_item(session: Session, item: MediaItem) -> None:
    """Make the item's title and description entries match the item (call after a flush)."""
    session.execute(
        delete(SearchEntry).where(
            SearchEntry.item_id == item.id,
            SearchEntry.field.in_((SearchField.TITLE, SearchField.DESCRIPTION)),
        )
    )
    rows = [_entry(item.id, SearchField.TITLE, item.title)]
    if (item.description or "").strip():
        rows.append(_entry(item.id, SearchField.DESCRIPTION, item.description))
    session.execute(insert(SearchEntry), rows)


def cue_entries(
    item_id: int, track_id: int, cues: Iterable[PlainCue], indexed: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """One entry per cue that has words: its plain text (as a viewer reads it) and start;
    ``indexed`` holds each cue's ``stems`` when they were made already (in a worker process)."""
    cues = list(cues)
    stemmed = indexed if len(indexed) == len(cues) else [stems(cue.text) for cue in cues]
    return [
        {
            "item_id": item_id,
            "field": SearchField.CAPTION,
            "text": cue.text,
            "stems": cue_stems,
            "track_id": track_id,
            "start_ms": cue.start_ms,
        }
        for cue, cue_stems in zip(cues, stemmed, strict=True)
        if cue_stems  # no words, no stems
    ]


def index_track(
    session: Session, track: CaptionTrack, cues: Iterable[PlainCue], indexed: Sequence[str] = ()
) -> None:
    """Make the track's cue entries ``cues``, those of its current revision (call after a
    flush, so the track has its id); ``indexed`` as ``cue_entries`` takes it."""
    session.execute(delete(SearchEntry).where(SearchEntry.track_id == track.id))
    rows = cue_entries(track.item_id, track.id, cues, indexed)
    if rows:
        session.execute(insert(SearchEntry), rows)


def index_stored_track(session: Session, storage: Storage, track: CaptionTrack) -> None:
    """Index a track from its stored current file (a draft just approved, a rebuild)."""
    data = storage.read_bytes(track.storage_key)
    index_track(session, track, plain_cues(read_captions(data, "stored.vtt")))


# --- the query ---------------------------------------------------------------------------


def _fts5_phrase(stem: str) -> str:
    # A stem is letters and digits only (see _WORD), so quoting makes it one FTS5 term.
    return f'"{stem}"'


def _any_stem(words: list[str]) -> str:
    """An FTS5 query for entries holding any of ``words`` (by stem)."""
    return " OR ".join(_fts5_phrase(stem) for stem in dict.fromkeys(stem_words(words)))


# On SQLite an entry's rowid in ``search_fts`` is ``(item_id << 32) | id`` (migration 0012):
# the index itself says which item every match is of, with no lookup in ``search_entries``.
_FTS_ITEM = "(rowid >> 32)"
_FTS_ROWID = "((item_id << 32) | id)"  # of a search_entries row
_FTS_ENTRY = "(rowid & 4294967295)"


def _sqlite_hits(words: list[str]) -> Any:
    weights = ", ".join(str(weight) for weight in FIELD_WEIGHTS.values())  # the FTS5 columns' order
    word_stems = list(dict.fromkeys(stem_words(words)))
    params: dict[str, Any] = {"any_word": _any_stem(words)}
    every_word = []
    if len(word_stems) > 1:
        for number, stem in enumerate(word_stems):
            params[f"word_{number}"] = _fts5_phrase(stem)
            every_word.append(
                f"AND item_id IN (SELECT {_FTS_ITEM} FROM search_fts WHERE search_fts MATCH :word_{number})"
            )
    # bm25() only works in the query that scans the FTS5 table: materialised before the grouping.
    sql = (
        f"WITH matched AS MATERIALIZED (SELECT {_FTS_ITEM} AS item_id, "
        f"bm25(search_fts, {weights}) AS score FROM search_fts WHERE search_fts MATCH :any_word) "
        f"SELECT item_id, min(score) AS score FROM matched WHERE 1 = 1 {' '.join(every_word)} "
        "GROUP BY item_id"
    )
    return text(sql).bindparams(**params)


_PG_DOCUMENT = "to_tsvector('swedish'::regconfig, e.text)"  # the expression of the GIN index


def _postgresql_hits(words: list[str]) -> Any:
    params: dict[str, Any] = {f"word_{n}": word for n, word in enumerate(words)}
    any_word = " || ".join(f"plainto_tsquery('swedish'::regconfig, :word_{n})" for n in range(len(words)))
    weight = " ".join(f"WHEN '{field.value}' THEN {factor}" for field, factor in FIELD_WEIGHTS.items())
    every_word = []
    if len(words) > 1:
        for n in range(len(words)):
            word_query = f"plainto_tsquery('swedish'::regconfig, :word_{n})"
            # A stop word ("och") has no lexeme: it is not looked for.
            every_word.append(
                f"AND (numnode({word_query}) = 0 OR e.item_id IN (SELECT w.item_id FROM search_entries w "
                f"WHERE to_tsvector('swedish'::regconfig, w.text) @@ {word_query}))"
            )
    sql = (
        f"SELECT e.item_id AS item_id, -max(ts_rank({_PG_DOCUMENT}, ({any_word})) "
        f"* CASE e.field {weight} ELSE 1 END) AS score FROM search_entries e "
        f"WHERE {_PG_DOCUMENT} @@ ({any_word}) {' '.join(every_word)} GROUP BY e.item_id"
    )
    return text(sql).bindparams(**params)


def hits(session: Session, query: str) -> Subquery | None:
    """The items whose entries hold every word of ``query``, as a subquery of ``item_id`` and
    ``score`` (lower is better), or None when the query has no words."""
    words = query_words(query)
    if not words:
        return None
    dialect = session.get_bind().dialect.name
    statement = _postgresql_hits(words) if dialect == "postgresql" else _sqlite_hits(words)
    return statement.columns(item_id=Integer, score=Float).subquery("search_hits")


@dataclass(frozen=True)
class Match:
    """Where an item matched: its title, description or a cue (``start_ms``), with the
    character ``spans`` of the matching words in ``text``."""

    item_id: int
    field: SearchField
    text: str
    start_ms: int | None
    spans: tuple[tuple[int, int], ...]

    @property
    def start_seconds(self) -> float | None:
        return None if self.start_ms is None else self.start_ms / 1000


def word_spans(value: str, query: str) -> tuple[tuple[int, int], ...]:
    """The spans of the words of ``value`` that share a stem with a word of ``query``."""
    wanted = set(stem_words(query_words(query)))
    found = _words(value)
    found_stems = stem_words([match.group() for match in found])
    return tuple(match.span() for match, stem in zip(found, found_stems, strict=True) if stem in wanted)


def _matching_entries(session: Session, item_ids: Iterable[int], query: str) -> Any:
    words = query_words(query)
    ids = list(item_ids)
    columns = select(SearchEntry.item_id, SearchEntry.field, SearchEntry.text, SearchEntry.start_ms)
    base = columns.where(SearchEntry.item_id.in_(ids))
    if session.get_bind().dialect.name == "postgresql":
        any_word = " || ".join(f"plainto_tsquery('swedish'::regconfig, :word_{n})" for n in range(len(words)))
        condition = text(f"to_tsvector('swedish'::regconfig, search_entries.text) @@ ({any_word})")
        return base.where(condition.bindparams(**{f"word_{n}": w for n, w in enumerate(words)}))
    # The page's own entries are named to FTS5 by rowid: it then tests those few against the
    # query instead of listing every entry that matches (60 ms for a common word in 100,000
    # items against 2 ms; bench/catalogue.py).
    matching = text(
        f"SELECT {_FTS_ENTRY} AS entry_id FROM search_fts WHERE search_fts MATCH :any_word "
        f"AND rowid IN (SELECT {_FTS_ROWID} FROM search_entries WHERE item_id IN :item_ids)"
    )
    matching = matching.bindparams(
        bindparam("item_ids", expanding=True), any_word=_any_stem(words), item_ids=ids
    )
    return base.where(SearchEntry.id.in_(matching.columns(entry_id=Integer)))


def matches(session: Session, item_ids: Sequence[int], query: str) -> dict[int, list[Match]]:
    """What matched ``query`` in each of ``item_ids`` (a page of results): its title or
    description, and its first few matching cues by time."""
    if not item_ids or not query_words(query):
        return {}
    found: dict[int, list[Match]] = {item_id: [] for item_id in item_ids}
    cues: dict[int, list[Match]] = {item_id: [] for item_id in item_ids}
    rows = session.execute(_matching_entries(session, item_ids, query)).all()
    order = {SearchField.TITLE: 0, SearchField.DESCRIPTION: 1}
    for item_id, field, value, start_ms in sorted(rows, key=lambda r: (order.get(r[1], 2), r[3] or 0)):
        match = Match(item_id, SearchField(field), value, start_ms, word_spans(value, query))
        if match.field == SearchField.CAPTION:
            if len(cues[item_id]) < CUES_PER_RESULT and all(c.text != value for c in cues[item_id]):
                cues[item_id].append(match)
        else:
            found[item_id].append(match)
    return {item_id: found[item_id] + cues[item_id] for item_id in item_ids}


def rebuild(session: Session, storage: Storage) -> int:
    """Index every item and caption track afresh from the library (for one made before the
    index existed: ``tolk search-index``); returns the number of entries written."""
    session.execute(delete(SearchEntry))
    for item in session.scalars(select(MediaItem)):
        index_item(session, item)
    for track in session.scalars(select(CaptionTrack).where(CaptionTrack.draft.is_(False))):
        index_stored_track(session, storage, track)
    return session.scalar(select(func.count(SearchEntry.id))) or 0
