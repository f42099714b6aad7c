"""Login sessions: an access token plus a refresh token that is replaced at every use.

Each login starts a family of refresh tokens. Using a token marks it used and issues
the next one of the family; presenting a used (or revoked) token again means it was
copied, so the whole family is revoked: the thief and the owner both have to log in.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta
from uuid import uuid4

from sqlmodel import Session, col, select, update

from app.core.config import get_settings
from app.models.auth_tokens import RefreshToken
from app.models.user import User, as_utc, utc_now
from app.services.auth.tokens import (
    access_token_seconds,
    create_access_token,
    new_opaque_token,
    token_digest,
)

logger = logging.getLogger(__name__)


class InvalidRefreshToken(Exception):
    """Unknown, expired, revoked or replayed refresh token."""


@dataclass(frozen=True)
class TokenPair:
    """What a login or a refresh returns."""

    access_token: str
    refresh_token: str
    expires_in: int


def issue_tokens(
    session: Session, user: User, family_id: str | None = None
) -> TokenPair:
    """A new access token and refresh token (of a new family unless one is given)."""
    assert user.id is not None
    refresh, digest = new_opaque_token()
    lifetime = timedelta(days=get_settings().auth_refresh_token_days)
    session.add(
        RefreshToken(
            user_id=user.id,
            family_id=family_id or uuid4().hex,
            token_hash=digest,
            expires_at=utc_now() + lifetime,
        )
    )
    session.commit()
    return TokenPair(create_access_token(user.id), refresh, access_token_seconds())


def rotate_refresh_token(session: Session, token: str) -> TokenPair:
    """Replace a valid refresh token by a new pair; revoke its family on replay."""
    stored = session.exec(
        select(RefreshToken).where(RefreshToken.token_hash == token_digest(token))
    ).first()
    if stored is None:
        raise InvalidRefreshToken("unknown refresh token")
    if stored.used_at is not None or stored.revoked_at is not None:
        revoke_family(session, stored.family_id)
        logger.warning("refresh token replayed: family %s revoked", stored.family_id)
        raise InvalidRefreshToken("refresh token already used")
    if as_utc(stored.expires_at) <= utc_now():
        raise InvalidRefreshToken("refresh token expired")
    claimed = session.exec(
        update(RefreshToken)
        .where(
            col(RefreshToken.id) == stored.id,
            col(RefreshToken.used_at).is_(None),
            col(RefreshToken.revoked_at).is_(None),
        )
        .values(used_at=utc_now())
    )
    if claimed.rowcount != 1:  # used at the same moment by another request
        revoke_family(session, stored.family_id)
        raise InvalidRefreshToken("refresh token already used")
    session.commit()
    user = session.get(User, stored.user_id)
    if user is None or not user.is_active:
        raise InvalidRefreshToken("the user cannot log in")
    return issue_tokens(session, user, stored.family_id)


def revoke_family(session: Session, family_id: str) -> None:
    """End one login session: none of its refresh tokens works any more."""
    session.exec(
        update(RefreshToken)
        .where(
            col(RefreshToken.family_id) == family_id,
            col(RefreshToken.revoked_at).is_(None),
        )
        .values(revoked_at=utc_now())
    )
    session.commit()


def revoke_user_sessions(session: Session, user_id: int) -> None:
    """End every login session of a user (password changed, account deactivated)."""
    session.exec(
        update(RefreshToken)
        .where(
            col(RefreshToken.user_id) == user_id,
            col(RefreshToken.revoked_at).is_(None),
        )
        .values(revoked_at=utc_now())
    )
    session.commit()


def logout(session: Session, token: str) -> None:
    """Revoke the family of this refresh token (nothing happens for an unknown one)."""
    stored = session.exec(
        select(RefreshToken).where(RefreshToken.token_hash == token_digest(token))
    ).first()
    if stored is not None:
        revoke_family(session, stored.family_id)
