"""Credentials: passwords (Argon2), login sessions with their CSRF tokens, and API tokens.

- A password is kept only as an Argon2id hash, with OWASP's recommended minimum cost
  (19 MiB, 2 passes, 1 lane: about 30 ms here); ``password_needs_rehash`` lets a login
  upgrade an old hash when the cost is raised.
- A login session is a random token in an HttpOnly cookie; the database keeps its SHA-256, so
  a leaked database opens no session. A session ends after ``SESSION_IDLE`` without use and,
  however busy, ``SESSION_LIFETIME`` after it began. Each has a random CSRF token that every
  form and script of that browser sends back (the synchronizer-token pattern).
- An API token is 32 random bytes shown once; only its SHA-256 is stored. Its entropy makes a
  slow hash unnecessary, and a plain digest lets a request be checked with one indexed lookup.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from media_service.models import ApiToken, LoginSession, User, UserRole, utcnow

TOKEN_PREFIX = "tolk_"
SESSION_IDLE = timedelta(hours=12)
SESSION_LIFETIME = timedelta(days=7)
# last_seen_at is written at most this often, not on every request.
SESSION_TOUCH_INTERVAL = timedelta(minutes=5)
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@dataclass(frozen=True)
class Actor:
    """Who is asking: a signed-in account (``login`` is its session), a script's API token,
    or the operator at the command line. ``label`` names them in the audit log."""

    role: UserRole
    label: str
    user: User | None = None
    token: ApiToken | None = None
    login: LoginSession | None = None

    @classmethod
    def signed_in(cls, login: LoginSession) -> Actor:
        return cls(role=login.user.role, label=login.user.username, user=login.user, login=login)

    @classmethod
    def script(cls, token: ApiToken, owner: User | None) -> Actor:
        """A token acts with its owner's role; an operator's token (no owner) as an editor."""
        if owner is None:
            return cls(role=UserRole.EDITOR, label=f"token {token.name!r}", token=token)
        return cls(role=owner.role, label=f"{owner.username} (token {token.name!r})", user=owner, token=token)

    @classmethod
    def operator(cls) -> Actor:
        return cls(role=UserRole.ADMIN, label="tolk (command line)")

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user else None

    @property
    def is_admin(self) -> bool:
        return self.role == UserRole.ADMIN


class WeakPassword(ValueError):
    """A password Tolk refuses to set; the message says why."""


def check_password_strength(password: str) -> None:
    """Raise WeakPassword for a password that is too short or too long."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(f"a password may have at most {MAX_PASSWORD_LENGTH} characters")


def hash_password(password: str) -> str:
    """The Argon2id hash of an acceptable password (raises WeakPassword otherwise)."""
    check_password_strength(password)
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; never raises for a wrong one."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@functools.cache
def _decoy_hash() -> str:
    return _hasher.hash(secrets.token_hex(16))


def spend_password_check_time(password: str) -> None:
    """Check ``password`` against a decoy, so an unknown username costs what a known one does
    and response times do not tell which usernames exist."""
    verify_password(_decoy_hash(), password)


def random_token() -> str:
    """43 URL-safe characters of 32 random bytes."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def tokens_match(expected: str, given: str | None) -> bool:
    """Compare secrets in constant time."""
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


# --- API tokens -------------------------------------------------------------------------------


def create_token(session: Session, name: str, *, user: User | None = None) -> str:
    """Store a new token under ``name`` (owned by ``user``, if given) and return its only
    plaintext copy."""
    token = TOKEN_PREFIX + random_token()
    session.add(ApiToken(name=name, token_hash=hash_token(token), user_id=user.id if user else None))
    session.flush()
    return token


TOKEN_USE_RESOLUTION = timedelta(minutes=1)


def verify_token(session: Session, token: str) -> ApiToken | None:
    """The live token matching ``token``, marked as used (to the minute), or None (revoked, or
    its user disabled)."""
    record = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if record is None or record.revoked_at is not None:
        return None
    if record.user_id is not None:
        owner = session.get(User, record.user_id)
        if owner is None or owner.disabled:
            return None
    now = utcnow()
    # At most one write a minute per token: a write on every request would make each script
    # request a writer, queued behind every other one on SQLite's single write lock.
    if record.last_used_at is None or now - record.last_used_at >= TOKEN_USE_RESOLUTION:
        record.last_used_at = now
    return record


# --- login sessions ---------------------------------------------------------------------------


def start_session(session: Session, user: User) -> str:
    """A new login session for ``user``; returns the cookie value (its only plaintext copy)."""
    now = utcnow()
    session.execute(delete(LoginSession).where(LoginSession.expires_at < now))  # housekeeping
    token = random_token()
    session.add(
        LoginSession(
            token_hash=hash_token(token),
            user_id=user.id,
            csrf_token=random_token(),
            created_at=now,
            last_seen_at=now,
            expires_at=now + SESSION_IDLE,
        )
    )
    user.last_login_at = now
    session.flush()
    return token


def find_session(session: Session, token: str) -> LoginSession | None:
    """The live session for a cookie value, its idle expiry pushed on; None if there is none."""
    record = session.scalar(select(LoginSession).where(LoginSession.token_hash == hash_token(token)))
    now = utcnow()
    if record is None or record.expires_at <= now or record.user.disabled:
        return None
    if now - record.last_seen_at >= SESSION_TOUCH_INTERVAL:
        record.last_seen_at = now
        record.expires_at = min(now + SESSION_IDLE, record.created_at + SESSION_LIFETIME)
    return record


def end_session(session: Session, token: str) -> None:
    """Log out: the session's row is deleted, so the cookie opens nothing even if kept."""
    session.execute(delete(LoginSession).where(LoginSession.token_hash == hash_token(token)))


def end_all_sessions(session: Session, user: User) -> None:
    """Log a user out everywhere (a new password, a disabled account)."""
    session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
