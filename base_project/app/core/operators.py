"""Who may use the operational endpoints (enqueue, queues, jobs, detailed health, and
in production the API docs and the dashboard).

A caller is an operator when any check of `OPERATOR_CHECKS` accepts its request. The
core's check accepts the operations token `OPS_TOKEN` (in `.env`, generated, never
committed), sent as `X-Ops-Token: <token>` or as the password of HTTP Basic
credentials (what a browser asks for); services add their own (e.g. a superuser's
access token). Protect a route with `dependencies=[Operator]`.
"""

import base64
import binascii
import hmac
from collections.abc import Awaitable, Callable

from fastapi import Depends, HTTPException, status
from starlette.requests import HTTPConnection

from app.core.config import get_settings

OperatorCheck = Callable[[HTTPConnection], Awaitable[bool]]

OPS_TOKEN_HEADER = "X-Ops-Token"
CHALLENGE = {"WWW-Authenticate": 'Basic realm="operations", charset="UTF-8"'}


def basic_password(connection: HTTPConnection) -> str | None:
    """The password of `Authorization: Basic ...`, if the request carries one."""
    scheme, _, encoded = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded.partition(":")[2]


def same_secret(presented: str, expected: str) -> bool:
    """Whether two secrets are equal, in constant time (empty never matches)."""
    if not presented or not expected:
        return False
    return hmac.compare_digest(presented.encode(), expected.encode())


async def ops_token_operator(connection: HTTPConnection) -> bool:
    """The request carries `OPS_TOKEN` (header `X-Ops-Token`, or Basic password)."""
    expected = get_settings().ops_token
    presented = connection.headers.get(OPS_TOKEN_HEADER) or basic_password(connection)
    return same_secret(presented or "", expected)


OPERATOR_CHECKS: list[OperatorCheck] = [
    ops_token_operator,
]


async def is_operator(connection: HTTPConnection) -> bool:
    """Whether any operator check accepts this request."""
    for check in OPERATOR_CHECKS:
        if await check(connection):
            return True
    return False


def credentials_required() -> HTTPException:
    """The answer to a request without operator credentials."""
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        f"operator credentials required: send the operations token as "
        f"{OPS_TOKEN_HEADER} (OPS_TOKEN in .env)",
        headers=CHALLENGE,
    )


async def require_operator(connection: HTTPConnection) -> None:
    """A dependency: 401 unless the caller is an operator."""
    if not await is_operator(connection):
        raise credentials_required()


Operator = Depends(require_operator)
"""`dependencies=[Operator]` on a route or router: operators only."""
