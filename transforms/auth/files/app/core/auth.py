"""Who is calling: `CurrentUser` and `SuperUser`, for any route of the project.

    from app.core.auth import CurrentUser, SuperUser

    @router.get("/notes")
    def my_notes(user: CurrentUser) -> list[Note]: ...

Both answer 401 without a valid access token (or for an inactive user);
`SuperUser` answers 403 to a user who is not a superuser.
"""

from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer

from app.core.database import SessionDep
from app.models.user import User
from app.services.auth.tokens import InvalidToken, decode_access_token

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token")

BEARER = {"WWW-Authenticate": "Bearer"}


def credentials_error() -> HTTPException:
    """The one answer to every token that is not accepted."""
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, "Could not validate credentials", headers=BEARER
    )


def get_current_user(
    token: Annotated[str, Depends(oauth2_scheme)], session: SessionDep
) -> User:
    """The active user of the bearer access token."""
    try:
        user_id = decode_access_token(token)
    except InvalidToken:
        raise credentials_error() from None
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise credentials_error()
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_superuser(user: CurrentUser) -> User:
    """The current user, if they are a superuser."""
    if not user.is_superuser:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Superusers only")
    return user


SuperUser = Annotated[User, Depends(get_superuser)]
