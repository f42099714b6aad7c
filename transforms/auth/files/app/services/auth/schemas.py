"""What the auth API reads and returns."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
)

from app.services.auth.passwords import password_problem
from app.services.auth.users import normalize_email


def _normalized(value: Any) -> Any:
    return normalize_email(value) if isinstance(value, str) else value


def _acceptable(password: str) -> str:
    problem = password_problem(password)
    if problem is not None:
        raise ValueError(problem)
    return password


Email = Annotated[EmailStr, BeforeValidator(_normalized)]
"""An e-mail address, normalised (trimmed, NFKC, lower case) and validated."""

NewPassword = Annotated[str, AfterValidator(_acceptable)]
"""A password that follows the rules of the settings (length; any character)."""


class UserRead(BaseModel):
    """A user as the API shows it (never the password hash)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    is_active: bool
    is_superuser: bool
    created_at: datetime


class RegisterRequest(BaseModel):
    """Body of `POST /auth/register`."""

    email: Email
    password: NewPassword


class TokenResponse(BaseModel):
    """A login or a refresh: the bearer access token and the next refresh token."""

    access_token: str
    token_type: str = "bearer"
    expires_in: int
    refresh_token: str


class RefreshRequest(BaseModel):
    """Body of `POST /auth/refresh` and `POST /auth/logout`."""

    refresh_token: str = Field(max_length=200)


class ProfileUpdate(BaseModel):
    """Body of `PATCH /auth/me`: the current password is always required."""

    current_password: str = Field(max_length=4096)
    email: Email | None = None
    password: NewPassword | None = None


class PasswordResetRequest(BaseModel):
    """Body of `POST /auth/password-reset`."""

    email: str = Field(max_length=320)


class PasswordResetConfirm(BaseModel):
    """Body of `POST /auth/password-reset/confirm`."""

    token: str = Field(max_length=200)
    new_password: NewPassword


class UserAdminUpdate(BaseModel):
    """Body of `PATCH /auth/users/{id}` (superusers only)."""

    is_active: bool | None = None
    is_superuser: bool | None = None
