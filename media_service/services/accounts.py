"""Accounts: adding editors and admins, logging in (rate-limited), and API tokens per user."""

from __future__ import annotations

import math
import re
import time

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import select
from sqlalchemy.orm import Session

from media_service.auth import (
    WeakPassword,
    create_token,
    end_all_sessions,
    end_session,
    hash_password,
    hash_token,
    password_needs_rehash,
    spend_password_check_time,
    start_session,
    verify_password,
)
from media_service.config import Settings, redis_url
from media_service.errors import Conflict, Invalid, NotFound, ServiceError
from media_service.models import ApiToken, User, UserRole, utcnow

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@+-]{0,99}$")
# Failed logins allowed in a moving window: per account, against guessing one password; per
# address, against trying many accounts. A success clears the account's count.
ATTEMPTS_PER_ACCOUNT = "5/15minutes"
ATTEMPTS_PER_ADDRESS = "20/15minutes"


class LoginRefused(ServiceError):
    """Wrong username or password; deliberately not saying which."""

    status_code = 401
    code = "login_failed"


class TooManyAttempts(ServiceError):
    status_code = 429
    code = "too_many_attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed logins; try again in {retry_after} s")
        self.retry_after = retry_after


def normalise_username(username: str) -> str:
    """Usernames are compared in lower case: ``Anna`` and ``anna`` are one account."""
    name = username.strip().lower()
    if not _USERNAME.match(name):
        raise Invalid(
            f"{username!r} is not a username: use 1 to 100 letters a-z, digits and . _ @ + -, "
            "starting with a letter or digit"
        )
    return name


def add_user(
    session: Session,
    username: str,
    password: str,
    *,
    role: UserRole = UserRole.EDITOR,
    display_name: str = "",
) -> User:
    """A new account; refuses a taken username (409) or a weak password (422)."""
    name = normalise_username(username)
    if find_user(session, name) is not None:
        raise Conflict(f"there is already an account named {name!r}")
    user = User(
        username=name,
        display_name=display_name.strip()[:200],
        password_hash=_password_hash(password),
        role=role,
    )
    session.add(user)
    session.flush()
    return user


def _password_hash(password: str) -> str:
    try:
        return hash_password(password)
    except WeakPassword as error:
        raise Invalid(str(error)) from error


def set_password(session: Session, user: User, password: str) -> None:
    """A new password; every session of the account ends."""
    user.password_hash = _password_hash(password)
    end_all_sessions(session, user)
    session.flush()


def set_disabled(session: Session, user: User, disabled: bool) -> None:
    """Disable an account (its sessions end and its tokens stop working) or enable it again."""
    user.disabled = disabled
    if disabled:
        end_all_sessions(session, user)
    session.flush()


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username.strip().lower()))


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no account with id {user_id}")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


class LoginThrottle:
    """Counts login attempts per account and per address in a moving window (``limits``); a
    successful login clears its account's count.

    In memory by default, which is right for one process; with ``TOLK_QUEUE_URL`` pointing at
    Redis, every process sharing that Redis shares the counts.
    """

    def __init__(self, storage_uri: str = "memory://") -> None:
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))
        self._per_account = parse(ATTEMPTS_PER_ACCOUNT)
        self._per_address = parse(ATTEMPTS_PER_ADDRESS)

    @classmethod
    def for_settings(cls, settings: Settings) -> LoginThrottle:
        url = redis_url(settings)
        if url is None:
            return cls()
        # limits names a Redis socket redis+unix://, where Redis and Huey say unix://.
        return cls("redis+" + url if url.startswith("unix://") else url)

    def _windows(self, username: str, address: str) -> list[tuple[object, tuple[str, ...]]]:
        return [
            (self._per_account, ("login-account", username)),
            (self._per_address, ("login-address", address)),
        ]

    def take_attempt(self, username: str, address: str) -> None:
        """Count a login attempt, before its password is checked; raise TooManyAttempts (with
        the seconds to wait) when either count is used up.

        Counting first, in one atomic step of the limiter, is what keeps 30 simultaneous guesses
        at one account down to the limit: checking first and counting after the (slow, on
        purpose) password check would let every guess in flight through.
        """
        for limit, key in self._windows(username, address):
            if not self._limiter.hit(limit, *key):  # type: ignore[arg-type]
                reset = self._limiter.get_window_stats(limit, *key).reset_time  # type: ignore[arg-type]
                raise TooManyAttempts(max(1, math.ceil(reset - time.time())))

    def succeeded(self, username: str) -> None:
        self._limiter.clear(self._per_account, "login-account", username)


def log_in(
    session: Session, throttle: LoginThrottle, username: str, password: str, address: str
) -> tuple[User, str]:
    """Check a username and password and start a session: the account and its cookie value.

    Raises TooManyAttempts before checking anything once the attempts are used up, and
    LoginRefused for a wrong username or password (or a disabled account) alike.
    """
    name = username.strip().lower()[:100]
    throttle.take_attempt(name, address)
    user = find_user(session, name) if name else None
    if user is None or user.disabled:
        spend_password_check_time(password)
        raise LoginRefused("wrong username or password")
    if not verify_password(user.password_hash, password):
        raise LoginRefused("wrong username or password")
    if password_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    throttle.succeeded(name)
    return user, start_session(session, user)


def log_out(session: Session, cookie: str) -> None:
    """End the login session whose cookie value is ``cookie`` (nothing when there is none)."""
    end_session(session, cookie)


# --- API tokens for scripts --------------------------------------------------------------------


def list_tokens(session: Session, owner: User | None) -> list[ApiToken]:
    """A user's tokens (``None``: the operator's, made with ``tolk token create``), newest first."""
    condition = ApiToken.user_id.is_(None) if owner is None else ApiToken.user_id == owner.id
    return list(session.scalars(select(ApiToken).where(condition).order_by(ApiToken.id.desc())))


def issue_token(session: Session, owner: User | None, name: str) -> tuple[ApiToken, str]:
    """A new token acting as ``owner`` (``None``: an operator's token, acting as an editor):
    the record and its only plaintext copy."""
    name = name.strip()
    if not name or len(name) > 100:
        raise Invalid("name the token (what it is for) in 1 to 100 characters")
    plaintext = create_token(session, name, user=owner)
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(plaintext)))
    assert token is not None
    return token, plaintext


def get_token(session: Session, token_id: int, *, owner: User | None, any_owner: bool = False) -> ApiToken:
    """A token of ``owner`` (or anyone's, for admins); NotFound for others' tokens."""
    token = session.get(ApiToken, token_id)
    if token is None or not (any_owner or token.user_id == (owner.id if owner else None)):
        raise NotFound(f"no API token with id {token_id}")
    return token


def revoke_token(session: Session, token: ApiToken) -> ApiToken:
    """Revoke a token for good (it stays listed, marked revoked)."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
    return token
