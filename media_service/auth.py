"""API tokens for scripts and, until editor accounts exist, for every write.

A token is 32 random bytes shown once; only its SHA-256 is stored. Its entropy makes a slow
password hash unnecessary, and a plain digest lets a request be checked with one indexed lookup.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from media_service.models import ApiToken, utcnow

TOKEN_PREFIX = "tolk_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, name: str) -> str:
    """Store a new token under ``name`` and return its only plaintext copy."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(name=name, token_hash=hash_token(token)))
    session.flush()
    return token


def verify_token(session: Session, token: str) -> ApiToken | None:
    """The live token matching ``token``, marked as used, or None."""
    record = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if record is None or record.revoked_at is not None:
        return None
    record.last_used_at = utcnow()
    return record
