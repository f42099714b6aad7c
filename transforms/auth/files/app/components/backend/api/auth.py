"""`/auth`: register, log in, refresh, log out, the own profile, password reset."""

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from app.core.auth import BEARER, CurrentUser
from app.core.database import SessionDep
from app.services.auth.limits import login_retry_after, reset_retry_after
from app.services.auth.passwords import verify_password
from app.services.auth.schemas import (
    PasswordResetConfirm,
    PasswordResetRequest,
    ProfileUpdate,
    RefreshRequest,
    RegisterRequest,
    TokenResponse,
    UserRead,
)
from app.services.auth.sessions import (
    InvalidRefreshToken,
    TokenPair,
    issue_tokens,
    logout,
    rotate_refresh_token,
)
from app.services.auth.users import (
    EmailTaken,
    InvalidResetToken,
    authenticate,
    change_email,
    create_user,
    normalize_email,
    request_password_reset,
    reset_password,
    set_password,
)

router = APIRouter(prefix="/auth", tags=["auth"])

LoginForm = Annotated[OAuth2PasswordRequestForm, Depends()]

LOGIN_FAILED = "Incorrect email or password"
EMAIL_TAKEN = "This e-mail address is already registered"


def client_address(request: Request) -> str:
    """The caller's address (behind a proxy, run uvicorn with --proxy-headers)."""
    return request.client.host if request.client else "unknown"


def too_many(retry_after: int) -> HTTPException:
    """429 with the seconds to wait in `Retry-After`."""
    return HTTPException(
        status.HTTP_429_TOO_MANY_REQUESTS,
        "Too many attempts; try again later",
        headers={"Retry-After": str(retry_after)},
    )


async def limit_login(request: Request, form: LoginForm) -> None:
    """At most AUTH_LOGIN_LIMIT attempts per window, per client and e-mail."""
    email = normalize_email(form.username)
    retry_after = await login_retry_after(client_address(request), email)
    if retry_after is not None:
        raise too_many(retry_after)


def token_response(pair: TokenPair) -> TokenResponse:
    """The API form of a token pair."""
    return TokenResponse(
        access_token=pair.access_token,
        expires_in=pair.expires_in,
        refresh_token=pair.refresh_token,
    )


@router.post("/register", status_code=status.HTTP_201_CREATED)
def register(body: RegisterRequest, session: SessionDep) -> UserRead:
    """Create an account."""
    try:
        user = create_user(session, body.email, body.password)
    except EmailTaken:
        raise HTTPException(status.HTTP_409_CONFLICT, EMAIL_TAKEN) from None
    return UserRead.model_validate(user)


@router.post("/token", dependencies=[Depends(limit_login)])
def login(form: LoginForm, session: SessionDep) -> TokenResponse:
    """Log in with e-mail (`username`) and password: an access and a refresh token."""
    user = authenticate(session, form.username, form.password)
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, LOGIN_FAILED, headers=BEARER)
    return token_response(issue_tokens(session, user))


@router.post("/refresh")
def refresh(body: RefreshRequest, session: SessionDep) -> TokenResponse:
    """Trade a refresh token for a new pair; the old one stops working."""
    try:
        return token_response(rotate_refresh_token(session, body.refresh_token))
    except InvalidRefreshToken:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "Invalid refresh token", headers=BEARER
        ) from None


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def log_out(body: RefreshRequest, session: SessionDep) -> None:
    """End the session of this refresh token."""
    logout(session, body.refresh_token)


@router.get("/me")
def read_me(user: CurrentUser) -> UserRead:
    """The logged-in user."""
    return UserRead.model_validate(user)


@router.patch("/me")
def update_me(body: ProfileUpdate, user: CurrentUser, session: SessionDep) -> UserRead:
    """Change the own e-mail or password; the current password is required."""
    valid, _ = verify_password(body.current_password, user.hashed_password)
    if not valid:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, "The current password is not correct"
        )
    if body.email is not None and body.email != user.email:
        try:
            change_email(session, user, body.email)
        except EmailTaken:
            raise HTTPException(status.HTTP_409_CONFLICT, EMAIL_TAKEN) from None
    if body.password is not None:
        set_password(session, user, body.password)
    session.refresh(user)
    return UserRead.model_validate(user)


@router.post("/password-reset", status_code=status.HTTP_202_ACCEPTED)
async def ask_password_reset(
    body: PasswordResetRequest, request: Request, background: BackgroundTasks
) -> dict[str, str]:
    """Send a reset link if the address is registered; the answer is always the same."""
    email = normalize_email(body.email)
    retry_after = await reset_retry_after(client_address(request), email)
    if retry_after is not None:
        raise too_many(retry_after)
    background.add_task(request_password_reset, email)
    return {"detail": "If this address is registered, a reset link is on its way"}


@router.post("/password-reset/confirm", status_code=status.HTTP_204_NO_CONTENT)
def confirm_password_reset(body: PasswordResetConfirm, session: SessionDep) -> None:
    """Set a new password with the token of the e-mail (once, before it expires)."""
    try:
        reset_password(session, body.token, body.new_password)
    except InvalidResetToken:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, "This reset link is invalid or has expired"
        ) from None
