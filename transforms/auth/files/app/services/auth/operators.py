"""Superusers are operators: their access token opens the operational endpoints."""

import asyncio

from sqlmodel import Session
from starlette.requests import HTTPConnection

from app.core.database import get_engine
from app.models.user import User
from app.services.auth.tokens import InvalidToken, decode_access_token


def is_active_superuser(user_id: int) -> bool:
    """Whether the user exists, is active and is a superuser."""
    with Session(get_engine()) as session:
        user = session.get(User, user_id)
        return user is not None and user.is_active and user.is_superuser


async def superuser_operator(connection: HTTPConnection) -> bool:
    """The request carries the bearer access token of an active superuser."""
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return False
    try:
        user_id = decode_access_token(token)
    except InvalidToken:
        return False
    return await asyncio.to_thread(is_active_superuser, user_id)
