"""Users: registration, login, password changes and resets, administration."""

import logging
import unicodedata
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select, update

from app.core.config import get_settings
from app.core.database import get_engine
from app.models.auth_tokens import OneTimeToken
from app.models.user import User, as_utc, utc_now
from app.services.auth.mail import get_email_sender
from app.services.auth.passwords import dummy_hash, hash_password, verify_password
from app.services.auth.sessions import revoke_user_sessions
from app.services.auth.tokens import new_opaque_token, token_digest

logger = logging.getLogger(__name__)

PASSWORD_RESET = "password_reset"


class EmailTaken(Exception):
    """Another user has this e-mail address."""


class InvalidResetToken(Exception):
    """Unknown, used or expired password-reset token."""


def normalize_email(email: str) -> str:
    """Trimmed, NFKC, lower case: `Ｂob@Example.com ` and `bob@example.com` are one."""
    return unicodedata.normalize("NFKC", email).strip().lower()


def get_user_by_email(session: Session, email: str) -> User | None:
    """The user with this address (in any case or Unicode form), or None."""
    statement = select(User).where(User.email == normalize_email(email))
    return session.exec(statement).first()


def create_user(
    session: Session, email: str, password: str, is_superuser: bool = False
) -> User:
    """Store a new user; `EmailTaken` when the normalised address exists."""
    user = User(
        email=normalize_email(email),
        hashed_password=hash_password(password),
        is_superuser=is_superuser,
    )
    session.add(user)
    try:
        session.commit()
    except IntegrityError as error:
        session.rollback()
        raise EmailTaken(user.email) from error
    session.refresh(user)
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, else None.

    Exactly one password verification runs whether or not the address exists, so
    the response time does not tell which addresses are registered. A legacy
    bcrypt hash (or an Argon2 hash with old parameters) is replaced on success.
    """
    user = get_user_by_email(session, email)
    valid, new_hash = verify_password(
        password, user.hashed_password if user else dummy_hash()
    )
    if user is None or not valid or not user.is_active:
        return None
    if new_hash is not None:
        user.hashed_password = new_hash
        user.updated_at = utc_now()
        session.add(user)
        session.commit()
        session.refresh(user)
    return user


def change_email(session: Session, user: User, email: str) -> None:
    """Give the user another address; `EmailTaken` when someone has it."""
    user.email = normalize_email(email)
    user.updated_at = utc_now()
    session.add(user)
    try:
        session.commit()
    except IntegrityError as error:
        session.rollback()
        raise EmailTaken(user.email) from error


def set_password(session: Session, user: User, password: str) -> None:
    """Give the user a new password and end every session they have."""
    user.hashed_password = hash_password(password)
    user.updated_at = utc_now()
    session.add(user)
    session.commit()
    assert user.id is not None
    revoke_user_sessions(session, user.id)


def set_status(
    session: Session,
    user: User,
    is_active: bool | None = None,
    is_superuser: bool | None = None,
) -> User:
    """Activate or deactivate a user, grant or withdraw superuser rights."""
    if is_active is not None:
        user.is_active = is_active
    if is_superuser is not None:
        user.is_superuser = is_superuser
    user.updated_at = utc_now()
    session.add(user)
    session.commit()
    session.refresh(user)
    if not user.is_active:
        assert user.id is not None
        revoke_user_sessions(session, user.id)
    return user


def count_users(session: Session) -> tuple[int, int]:
    """How many users there are, and how many of them are active."""
    total = session.exec(select(func.count()).select_from(User)).one()
    active = session.exec(
        select(func.count()).select_from(User).where(col(User.is_active))
    ).one()
    return total, active


def request_password_reset(email: str) -> None:
    """Send a reset link if the address belongs to an active user; else nothing.

    Runs after the response is sent (a background task), so that the answer of
    `POST /auth/password-reset` looks and takes the same for every address.
    """
    settings = get_settings()
    with Session(get_engine()) as session:
        user = get_user_by_email(session, email)
        if user is None or not user.is_active:
            return
        assert user.id is not None
        session.exec(
            update(OneTimeToken)
            .where(
                col(OneTimeToken.user_id) == user.id,
                col(OneTimeToken.purpose) == PASSWORD_RESET,
                col(OneTimeToken.used_at).is_(None),
            )
            .values(used_at=utc_now())
        )
        token, digest = new_opaque_token()
        minutes = settings.auth_reset_token_minutes
        session.add(
            OneTimeToken(
                user_id=user.id,
                purpose=PASSWORD_RESET,
                token_hash=digest,
                expires_at=utc_now() + timedelta(minutes=minutes),
            )
        )
        session.commit()
        address = user.email
    get_email_sender().send(
        address,
        "Reset your password",
        f"To choose a new password, open this link within {minutes} minutes:\n\n"
        f"{settings.auth_reset_url}?token={token}\n\n"
        "It works once. If you did not ask for it, ignore this message.\n",
    )


def reset_password(session: Session, token: str, password: str) -> User:
    """Use a reset token (once) to set a new password; `InvalidResetToken` otherwise."""
    stored = session.exec(
        select(OneTimeToken).where(
            OneTimeToken.token_hash == token_digest(token),
            OneTimeToken.purpose == PASSWORD_RESET,
        )
    ).first()
    if stored is None or stored.used_at is not None:
        raise InvalidResetToken("unknown or used token")
    if as_utc(stored.expires_at) <= utc_now():
        raise InvalidResetToken("expired token")
    claimed = session.exec(
        update(OneTimeToken)
        .where(col(OneTimeToken.id) == stored.id, col(OneTimeToken.used_at).is_(None))
        .values(used_at=utc_now())
    )
    if claimed.rowcount != 1:
        raise InvalidResetToken("token used at the same moment")
    session.commit()
    user = session.get(User, stored.user_id)
    if user is None or not user.is_active:
        raise InvalidResetToken("the user cannot log in")
    set_password(session, user, password)
    return user
