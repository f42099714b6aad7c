"""Access tokens (short-lived JWTs) and opaque tokens (refresh, password reset)."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import jwt

from app.core.config import get_settings
from app.services.auth.secret import signing_key

ALGORITHM = "HS256"
ACCESS = "access"
REQUIRED_CLAIMS = ["sub", "exp", "iat", "jti", "typ", "aud"]
OPAQUE_TOKEN_BYTES = 32


class InvalidToken(Exception):
    """A token that must not be accepted: bad signature, expired, wrong type, ..."""


def token_audience() -> str:
    """Who the tokens are for: AUTH_TOKEN_AUDIENCE, else APP_NAME."""
    settings = get_settings()
    return settings.auth_token_audience or settings.app_name


def access_token_seconds() -> int:
    """How long an access token is valid."""
    return get_settings().auth_access_token_minutes * 60


def create_access_token(user_id: int) -> str:
    """A signed JWT for the user: `sub`, `exp`, `iat`, `jti`, `typ` and `aud`."""
    now = datetime.now(UTC)
    claims = {
        "sub": str(user_id),
        "iat": now,
        "exp": now + timedelta(seconds=access_token_seconds()),
        "jti": uuid4().hex,
        "typ": ACCESS,
        "aud": token_audience(),
    }
    return jwt.encode(claims, signing_key(), algorithm=ALGORITHM)


def decode_access_token(token: str) -> int:
    """The user id of a valid access token; `InvalidToken` for anything else.

    Only HS256 with our key is accepted (never `alg=none`), every claim is
    required, unknown `crit` headers are refused, and `typ` must be `access`.
    """
    try:
        claims = jwt.decode(
            token,
            signing_key(),
            algorithms=[ALGORITHM],
            audience=token_audience(),
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.PyJWTError as error:
        raise InvalidToken(str(error)) from error
    if claims["typ"] != ACCESS:
        raise InvalidToken(f"a {claims['typ']!r} token is not an access token")
    try:
        return int(claims["sub"])
    except (TypeError, ValueError) as error:
        raise InvalidToken("the subject is not a user id") from error


def token_digest(token: str) -> str:
    """What is stored of an opaque token: its SHA-256, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_opaque_token() -> tuple[str, str]:
    """A new random token and its digest."""
    token = secrets.token_urlsafe(OPAQUE_TOKEN_BYTES)
    return token, token_digest(token)
