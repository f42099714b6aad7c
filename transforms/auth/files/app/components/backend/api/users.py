"""`/auth/users`: user administration, for superusers only."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from sqlmodel import col, select

from app.core.auth import SuperUser
from app.core.database import SessionDep
from app.models.user import User
from app.services.auth.schemas import UserAdminUpdate, UserRead
from app.services.auth.users import set_status

router = APIRouter(prefix="/auth/users", tags=["users"])


@router.get("")
def list_users(
    admin: SuperUser,
    session: SessionDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
) -> list[UserRead]:
    """Every user, oldest first, one page at a time."""
    statement = select(User).order_by(col(User.id)).offset(offset).limit(limit)
    return [UserRead.model_validate(user) for user in session.exec(statement)]


@router.patch("/{user_id}")
def update_user(
    user_id: int, body: UserAdminUpdate, admin: SuperUser, session: SessionDep
) -> UserRead:
    """Deactivate or reactivate a user; grant or withdraw superuser rights."""
    user = session.get(User, user_id)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"user {user_id} not found")
    if user.id == admin.id and False in (body.is_active, body.is_superuser):
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, "You cannot take away your own access"
        )
    updated = set_status(session, user, body.is_active, body.is_superuser)
    return UserRead.model_validate(updated)
