"""The accessibility summary (WCAG 2.1, 1.2.1–1.2.3 and 1.2.5–1.2.8) per case: items with and
without captions, descriptions, a signer and a transcript; through the API, on the watch page,
on the editor's item page and as the filter of the editor's item list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from account_helpers import add_user, log_in
from fastapi.testclient import TestClient

from media_service.models import (
    CaptionKind,
    CaptionTrack,
    FileRole,
    InterpreterRecording,
    MediaFile,
    MediaItem,
    MediaKind,
    Variant,
    VariantKind,
)
from media_service.services.accessibility import Level, Missing, Status, summarise

FILM_FACTS = {"video": {"is_still_image": False}, "audio": {"codec": "aac"}, "duration": 2.0}
SONG_FACTS = {"video": None, "audio": {"codec": "aac"}, "duration": 2.0}
SILENT_FACTS = {"video": {"is_still_image": False}, "audio": None, "duration": 2.0}


def item(
    facts: dict = FILM_FACTS,
    *,
    tracks: tuple[CaptionKind, ...] = (),
    signer: bool = False,
    variants: tuple[VariantKind, ...] = (),
) -> MediaItem:
    made = MediaItem(kind=MediaKind.FILM if facts["video"] else MediaKind.SONG, title="T", language="sv")
    made.files.append(MediaFile(role=FileRole.SOURCE, storage_key="k", content_type="video/mp4", facts=facts))
    for kind in tracks:
        made.captions.append(CaptionTrack(kind=kind, language="sv", label="sv", cue_count=3))
    if signer:
        made.interpreters.append(InterpreterRecording(language="swl"))
    made.variants.extend(Variant(kind=kind) for kind in variants)
    return made


def statuses(summary) -> dict[str, Status]:  # type: ignore[no-untyped-def]
    return {check.criterion: check.status for check in summary.checks}


MET, NOT, NA = Status.MET, Status.NOT_MET, Status.NOT_APPLICABLE


def test_a_film_with_nothing_meets_no_level_and_lacks_captions_and_descriptions() -> None:
    summary = summarise(item())
    assert statuses(summary) == {
        "1.2.1": NA, "1.2.2": NOT, "1.2.3": NOT, "1.2.5": NOT, "1.2.6": NOT, "1.2.7": NOT, "1.2.8": NOT,
    }  # fmt: skip
    assert summary.level is None
    assert summary.missing_for(Level.AA) == [Missing.CAPTIONS, Missing.DESCRIPTIONS]


def test_captions_alone_are_not_enough_for_a_film() -> None:
    summary = summarise(item(tracks=(CaptionKind.CAPTIONS,)))
    assert summary.features.transcript and summary.features.captions
    assert statuses(summary)["1.2.2"] is MET and statuses(summary)["1.2.5"] is NOT
    assert summary.level is None and summary.missing_for(Level.AA) == [Missing.DESCRIPTIONS]


def test_subtitles_give_a_transcript_but_not_captions() -> None:
    summary = summarise(item(tracks=(CaptionKind.SUBTITLES, CaptionKind.DESCRIPTIONS)))
    assert summary.features.transcript and not summary.features.captions
    assert statuses(summary)["1.2.2"] is NOT and statuses(summary)["1.2.8"] is MET


def test_captions_and_a_description_track_meet_aa_and_the_transcript_with_descriptions() -> None:
    summary = summarise(item(tracks=(CaptionKind.CAPTIONS, CaptionKind.DESCRIPTIONS)))
    assert summary.meets(Level.AA) and not summary.meets(Level.AAA)
    assert summary.level is Level.AA
    # The player speaks the track in extended mode too; the transcript includes it.
    assert statuses(summary)["1.2.7"] is MET and statuses(summary)["1.2.8"] is MET
    assert summary.missing_for(Level.AAA) == [Missing.SIGN_LANGUAGE]


def test_with_a_signer_too_it_meets_aaa() -> None:
    summary = summarise(item(tracks=(CaptionKind.CAPTIONS, CaptionKind.DESCRIPTIONS), signer=True))
    assert summary.level is Level.AAA and summary.missing_for(Level.AAA) == []


def test_burned_in_variants_count_but_give_no_text() -> None:
    summary = summarise(item(variants=(VariantKind.SIGNED_CAPTIONED_DESCRIBED,)))
    assert summary.level is Level.AA
    assert summary.features.sign_language and not summary.features.transcript
    assert statuses(summary)["1.2.7"] is NOT and statuses(summary)["1.2.8"] is NOT
    assert summary.missing_for(Level.AAA) == [Missing.EXTENDED_DESCRIPTIONS, Missing.TEXT_ALTERNATIVE]
    extended = summarise(
        item(variants=(VariantKind.SIGNED_CAPTIONED_DESCRIBED, VariantKind.DESCRIBED_EXTENDED))
    )
    assert statuses(extended)["1.2.7"] is MET


def test_a_song_needs_only_a_transcript() -> None:
    without = summarise(item(SONG_FACTS))
    assert statuses(without)["1.2.1"] is NOT and without.missing_for(Level.A) == [Missing.TRANSCRIPT]
    assert all(status is NA for criterion, status in statuses(without).items() if criterion != "1.2.1")
    with_transcript = summarise(item(SONG_FACTS, tracks=(CaptionKind.CAPTIONS,)))
    assert with_transcript.level is Level.AAA


def test_a_silent_film_needs_descriptions_and_no_captions() -> None:
    summary = summarise(item(SILENT_FACTS))
    assert statuses(summary)["1.2.1"] is NOT and statuses(summary)["1.2.2"] is NA
    assert summarise(item(SILENT_FACTS, tracks=(CaptionKind.DESCRIPTIONS,))).level is Level.AAA


def test_an_empty_track_counts_for_nothing() -> None:
    empty = item()
    empty.captions.append(CaptionTrack(kind=CaptionKind.CAPTIONS, language="sv", label="sv", cue_count=0))
    assert not summarise(empty).features.captions


# --- through the service ---------------------------------------------------------------------

VTT = b"WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nEn text.\n"


def statement(page: str) -> str:
    found = re.search(r'<p class="accessibility-statement">(.*?)</p>', page, re.S)
    assert found, "no accessibility statement"
    return found.group(1)


def add_track(client: TestClient, auth: dict[str, str], item_id: int, kind: str) -> None:
    response = client.post(
        f"/api/media/{item_id}/captions",
        files={"file": ("sv.vtt", VTT)},
        data={"language": "sv", "kind": kind},
        headers=auth,
    )
    assert response.status_code == 201, response.text


@pytest.fixture
def two_films(client: TestClient, auth: dict[str, str], upload, film: Path) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """One film with captions and descriptions (AA), one with captions alone (not AA)."""
    described = upload(film, title="Syntolkad", published=True)["id"]
    add_track(client, auth, described, "captions")
    add_track(client, auth, described, "descriptions")
    plain = upload(film, title="Bara textad", published=True)["id"]
    add_track(client, auth, plain, "captions")
    return described, plain


def test_the_api_gives_the_summary(client: TestClient, auth: dict[str, str], two_films) -> None:  # type: ignore[no-untyped-def]
    described, plain = two_films
    body = client.get(f"/api/media/{described}/accessibility").json()
    assert body["level"] == "AA" and body["meets_aa"] and not body["meets_aaa"]
    assert body["missing_for_aaa"] == ["sign_language"]
    assert body["has"]["descriptions"] and body["has"]["transcript"]
    assert [check["criterion"] for check in body["checks"]] == [
        "1.2.1", "1.2.2", "1.2.3", "1.2.5", "1.2.6", "1.2.7", "1.2.8",
    ]  # fmt: skip
    other = client.get(f"/api/media/{plain}/accessibility").json()
    assert other["level"] is None and other["missing_for_aa"] == ["descriptions"]
    assert client.get("/api/media/999999/accessibility").status_code == 404


@pytest.mark.parametrize(
    ("language", "words"), [("sv", "uppfyller WCAG 2.1 nivå AA"), ("en", "meets WCAG 2.1 level AA")]
)
def test_the_watch_page_states_it(client: TestClient, two_films, language: str, words: str) -> None:  # type: ignore[no-untyped-def]
    described, plain = two_films
    text = statement(client.get(f"/watch/{described}?lang={language}").text)
    assert words in text
    assert ("teckenspråk" if language == "sv" else "sign language") in text
    other = statement(client.get(f"/watch/{plain}?lang={language}").text)
    assert ("syntolkning" if language == "sv" else "audio description") in other


def test_the_editor_sees_a_checklist_and_filters_the_list_by_it(client: TestClient, two_films) -> None:  # type: ignore[no-untyped-def]
    _described, plain = two_films
    add_user(client, "anna")
    log_in(client, "anna")
    checklist = client.get(f"/editor/items/{plain}?lang=en").text
    rows = re.findall(r'<tr class="a11y-(\w+)">(.*?)</tr>', checklist, re.S)
    assert len(rows) == 7
    assert rows[3][0] == "not_met" and "Not met: audio description" in rows[3][1]

    def listed(query: str) -> list[str]:
        page = client.get(f"/editor?lang=en{query}").text
        return re.findall(r'<th scope="row"><a href="/editor/items/\d+" lang="sv">(.*?)</a>', page)

    assert set(listed("")) == {"Syntolkad", "Bara textad"}
    assert listed("&accessibility=not-aa") == ["Bara textad"]
    assert set(listed("&accessibility=not-aaa")) == {"Syntolkad", "Bara textad"}
    assert client.get("/editor?accessibility=nonsense").status_code == 422
