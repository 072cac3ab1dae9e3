"""Every refusal in both languages (issue #13): every message key the code raises and every
error code the service can answer has a Swedish and an English text with the same
placeholders, and no Swedish page or Swedish answer to a set of refusals contains the English
text of any message."""

from __future__ import annotations

import ast
import html
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from account_helpers import add_user, log_in
from fastapi.testclient import TestClient

import media_service
from helpers import running_service
from media_service.api_messages import API_MESSAGES, ERROR_CODE_MESSAGES
from media_service.app import create_app
from media_service.config import Settings
from media_service.errors import ServiceError

SOURCES = Path(media_service.__file__).parent


def _trees() -> Iterator[tuple[Path, ast.AST]]:
    for path in sorted(SOURCES.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def used_message_keys() -> dict[str, str]:
    """Every API message key the code raises with (``told("…")``, ``key="…"``, ``.key = "…"``),
    and where it is used first."""
    found: dict[str, str] = {}
    for path, tree in _trees():
        for node in ast.walk(tree):
            keys: list[object] = []
            if isinstance(node, ast.Call):
                if isinstance(node.func, ast.Attribute) and node.func.attr == "told" and node.args:
                    keys.append(getattr(node.args[0], "value", None))
                keys += [getattr(k.value, "value", None) for k in node.keywords if k.arg == "key"]
            elif isinstance(node, ast.Assign):
                for target, value in _pairs(node):
                    if isinstance(target, ast.Attribute) and target.attr == "key":
                        keys.append(getattr(value, "value", None))
            for key in keys:
                if isinstance(key, str):
                    found.setdefault(key, f"{path.relative_to(SOURCES.parent)}:{node.lineno}")  # type: ignore[attr-defined]
    return found


def _pairs(node: ast.Assign) -> Iterator[tuple[ast.expr, ast.expr]]:
    for target in node.targets:
        if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
            yield from zip(target.elts, node.value.elts, strict=False)
        else:
            yield target, node.value


def http_statuses_raised() -> set[int]:
    """The statuses of every ``HTTPException(status_code=…)`` in the code, and routing's own."""
    statuses = {404, 405}
    for _path, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "HTTPException":
                statuses |= {
                    k.value.value
                    for k in node.keywords
                    if k.arg == "status_code" and isinstance(k.value, ast.Constant)
                }
    return statuses


def answered_codes() -> set[str]:
    """Every ``code`` an error body can carry: each ServiceError's (the app imports them all),
    the app's own handlers' and routing's."""
    create_app  # noqa: B018 (imported for its imports: every route module and its errors)
    codes: set[str] = set()
    pending = [ServiceError]
    while pending:
        kind = pending.pop()
        codes.add(kind.code)
        pending += kind.__subclasses__()
    return codes | {"invalid", "busy"} | {f"http_{s}" for s in http_statuses_raised()}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_key_raised_has_swedish_and_english_with_the_same_placeholders() -> None:
    used = used_message_keys()
    assert len(used) > 20, used  # the walk finds the keys (told, key=, .key =)
    missing = {key: where for key, where in used.items() if key not in API_MESSAGES}
    assert not missing, f"raised but not in API_MESSAGES: {missing}"
    for key in used:
        texts = API_MESSAGES[key]
        assert texts.get("sv") and texts.get("en"), key
        assert placeholders(texts["sv"]) == placeholders(texts["en"]), key
        if key != "api_file_unnamed":
            assert texts["sv"] != texts["en"], f"{key} is not translated"


def test_every_error_code_the_service_answers_has_swedish_and_english() -> None:
    codes = answered_codes()
    assert {"not_found", "invalid", "unsupported_media", "login_failed", "http_403", "cut_off"} <= codes
    missing = codes - set(ERROR_CODE_MESSAGES)
    assert not missing, f"error codes without words: {sorted(missing)}"
    for code in codes:
        texts = ERROR_CODE_MESSAGES[code]
        assert texts["sv"] and texts["en"] and texts["sv"] != texts["en"], code
        assert not placeholders(texts["sv"]) and not placeholders(texts["en"]), code


def english_fragments() -> list[str]:
    """The fixed words of every English message (between its placeholders), long enough to
    be English prose rather than a shared word or name."""
    fragments = set()
    for texts in API_MESSAGES.values():
        for literal, *_ in string.Formatter().parse(texts["en"]):
            piece = literal.strip(" .:;,()\"'")
            if len(piece) >= 12 and piece not in texts.get("sv", ""):
                fragments.add(piece)
    return sorted(fragments)


# Refusals -----------------------------------------------------------------------------------------

HTML = {"accept": "text/html"}
NOT_A_FILM = b"<!DOCTYPE html><html><body>not a film</body></html>"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str], int, str]]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("messages") / "data", workers=0)
    with running_service(settings) as (client, auth):
        item = client.post("/api/media", json={"kind": "film", "title": "Film"}, headers=auth).json()
        add_user(client, "anna")
        yield client, auth, item["id"], log_in(client, "anna")


def refusals(item_id: int, token: str) -> dict[str, dict]:
    """Requests a Swedish user might meet as a refusal: ``lang`` is filled in per language."""
    return {
        "watch page that does not exist": {"method": "GET", "url": "/watch/987654", "headers": HTML},
        "page that does not exist": {"method": "GET", "url": "/ingen/sida", "headers": HTML},
        "wrong method on a page": {"method": "DELETE", "url": "/", "headers": HTML},
        "admin page for an editor": {"method": "GET", "url": "/editor/audit", "headers": HTML},
        "editor item that does not exist": {"method": "GET", "url": "/editor/items/987654", "headers": HTML},
        "api item that does not exist": {"method": "GET", "url": "/api/media/987654"},
        "api item with a bad body": {"method": "POST", "url": "/api/media", "json": {"kind": "dikt"}},
        "api upload that is no film": {
            "method": "PUT",
            "url": f"/api/media/{item_id}/file?filename=film.mp4",
            "content": NOT_A_FILM,
        },
        "api document that is html": {
            "method": "POST",
            "url": f"/api/media/{item_id}/documents?language=sv&filename=a.pdf",
            "content": NOT_A_FILM,
        },
        "api captions that are not captions": {
            "method": "POST",
            "url": f"/api/media/{item_id}/captions",
            "files": {"file": ("c.vtt", b"\x00\x01 not captions", "text/vtt")},
            "data": {"language": "sv"},
        },
        "editor document that is html": {
            "method": "POST",
            "url": f"/editor/items/{item_id}/documents",
            "files": {"file": ("a.pdf", NOT_A_FILM, "application/pdf")},
            "data": {"title": "", "language": "sv", "csrf_token": token},
            "headers": HTML,
        },
    }


def _send(client: TestClient, auth: dict[str, str], request: dict, language: str) -> tuple[int, str]:
    """Pages as the signed-in editor's browser asks; the API with a token."""
    request = dict(request)
    headers = request.pop("headers", None) or auth
    headers = {**headers, "accept-language": language}
    url = request.pop("url")
    url += ("&" if "?" in url else "?") + f"lang={language}"
    response = client.request(request.pop("method"), url, headers=headers, **request)
    if response.headers["content-type"].startswith("application/json"):
        return response.status_code, response.json()["error"]["message"]
    # The page's text as a reader sees it (the language switch names English in English).
    text = html.unescape(re.sub(r"<[^>]+>", " ", response.text))
    return response.status_code, text


@pytest.mark.parametrize("case", list(refusals(0, "")))
def test_a_swedish_refusal_contains_no_english_message(
    site: tuple[TestClient, dict[str, str], int, str], case: str
) -> None:
    client, auth, item_id, token = site
    request = refusals(item_id, token)[case]
    status, swedish = _send(client, auth, request, "sv")
    english_status, english = _send(client, auth, request, "en")
    assert 400 <= status < 500 and status == english_status, (status, swedish)
    assert swedish.strip() and swedish != english
    leaked = [fragment for fragment in english_fragments() if fragment in swedish]
    assert not leaked, f"English in the Swedish answer: {leaked}\n{swedish}"
    if request.get("headers") is not HTML:  # a JSON answer: its English message is not in the Swedish
        assert english not in swedish
