"""`tolk user password` and `tolk user disable`: an operator's account chores."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from media_service.auth import verify_password
from media_service.config import Settings
from media_service.db import make_engine, make_session_factory, session_scope
from media_service.models import AuditEntry, User
from media_service.services import accounts


def tolk(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TOLK_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "media_service.cli", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
    )


def test_password_and_disable(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert tolk(data, "user", "add", "anna", "--password-stdin", stdin="first-password-1\n").returncode == 0
    assert (
        tolk(data, "user", "password", "anna", "--password-stdin", stdin="second-password-2\n").returncode
        == 0
    )
    assert tolk(data, "user", "disable", "anna").returncode == 0
    missing = tolk(data, "user", "disable", "nobody")
    assert missing.returncode == 1 and "no account 'nobody'" in missing.stderr
    sessions = make_session_factory(make_engine(Settings(data_dir=data).resolved_database_url))
    with session_scope(sessions) as session:
        user = session.scalars(select(User)).one()
        assert user.disabled
        assert verify_password(user.password_hash, "second-password-2")
        assert accounts.find_user(session, "anna") is user
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions == ["add_user", "set_password", "disable_user"]
    assert tolk(data, "user", "disable", "anna", "--enable").returncode == 0


def test_token_create_is_recorded_in_the_audit_log(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert tolk(data, "user", "add", "anna", "--password-stdin", stdin="first-password-1\n").returncode == 0
    made = [tolk(data, "token", "create", "backup", "--user", "anna"), tolk(data, "token", "create", "cron")]
    assert [result.returncode for result in made] == [0, 0]
    assert all(result.stdout.startswith("tolk_") for result in made)
    refused = tolk(data, "token", "create", " ")
    assert refused.returncode == 1 and "name the token" in refused.stderr
    sessions = make_session_factory(make_engine(Settings(data_dir=data).resolved_database_url))
    with session_scope(sessions) as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "create_token")).all()
        assert [(e.actor, e.details) for e in entries] == [
            ("tolk (command line)", {"name": "backup", "username": "anna"}),
            ("tolk (command line)", {"name": "cron", "username": None}),
        ]
