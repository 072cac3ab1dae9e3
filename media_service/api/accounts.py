"""/api/me, /api/tokens and /api/users: who is asking, API tokens per user, and (for admins)
the accounts.

Tokens are for scripts: each acts with its owner's role, is stored as a SHA-256 hash, is
shown once when made, and can be revoked. An editor sees and revokes their own; an admin
anyone's (``?user_id=``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict, Field

from media_service.api.schemas import Timestamp
from media_service.auth import Actor
from media_service.deps import AdminActor, EditorActor, SessionDep
from media_service.models import ApiToken, User
from media_service.openapi import MAX_ID, Id, errors
from media_service.services import accounts

router = APIRouter(prefix="/api", tags=["accounts"])


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    disabled: bool
    last_login_at: Timestamp | None


class MeOut(BaseModel):
    role: str
    label: str
    user: UserOut | None = Field(description="null for an operator's token (`tolk token create`)")


class TokenOut(BaseModel):
    id: int
    name: str
    user_id: int | None
    created_at: Timestamp
    last_used_at: Timestamp | None
    revoked_at: Timestamp | None


class NewTokenOut(TokenOut):
    token: str = Field(description="The token itself: shown this once, stored only as a hash")


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=100, description="What the token is for")]


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role.value,
        disabled=user.disabled,
        last_login_at=user.last_login_at,
    )


def token_out(token: ApiToken) -> TokenOut:
    return TokenOut(
        id=token.id,
        name=token.name,
        user_id=token.user_id,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        revoked_at=token.revoked_at,
    )


def _account(actor: Actor) -> User:
    if actor.user is None:
        raise HTTPException(
            status_code=403, detail="an operator's token has no account: manage its tokens with `tolk token`"
        )
    return actor.user


@router.get("/me", response_model=MeOut, summary="Who is asking")
def me(actor: EditorActor) -> MeOut:
    return MeOut(role=actor.role.value, label=actor.label, user=user_out(actor.user) if actor.user else None)


@router.get("/tokens", response_model=list[TokenOut], summary="List API tokens", responses=errors(404))
def list_tokens(
    session: SessionDep,
    actor: EditorActor,
    user_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Another account's (admins only)")
    ] = None,
) -> list[TokenOut]:
    """Your tokens, newest first, revoked ones included."""
    owner = _account(actor)
    if user_id is not None and user_id != owner.id:
        if not actor.is_admin:
            raise HTTPException(status_code=403, detail="only an admin may list another account's tokens")
        owner = accounts.get_user(session, user_id)
    return [token_out(t) for t in accounts.list_tokens(session, owner)]


@router.post(
    "/tokens", response_model=NewTokenOut, status_code=status.HTTP_201_CREATED, summary="Make an API token"
)
def create_token(body: TokenCreate, session: SessionDep, actor: EditorActor) -> NewTokenOut:
    """A token acting as you; its value is in the answer and nowhere else."""
    token, plaintext = accounts.issue_token(session, _account(actor), body.name)
    return NewTokenOut(**token_out(token).model_dump(), token=plaintext)


@router.delete("/tokens/{token_id}", response_model=TokenOut, summary="Revoke an API token")
def revoke_token(token_id: Id, session: SessionDep, actor: EditorActor) -> TokenOut:
    """Your own token (an admin: anyone's). It stays listed, marked revoked."""
    token = accounts.get_token(session, token_id, owner=_account(actor), any_owner=actor.is_admin)
    return token_out(accounts.revoke_token(session, token))


@router.get("/users", response_model=list[UserOut], summary="List accounts (admins)")
def list_users(session: SessionDep, actor: AdminActor) -> list[UserOut]:
    return [user_out(u) for u in accounts.list_users(session)]
