"""With auth, a superuser's access token opens the operational endpoints; other users'
tokens do not (the operations token still does, for machines)."""

from collections.abc import Callable

from operations import OPERATOR_HEADERS
from sqlmodel import Session

from app.core.database import get_engine
from app.models.user import User
from app.services.auth.users import get_user_by_email
from tests.auth.support import PASSWORD, AuthApi

MakeUser = Callable[..., User]


def bearer(api: AuthApi, email: str) -> dict[str, str]:
    """The Authorization header of a fresh login."""
    token = api.login(email, PASSWORD).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def test_a_superuser_token_opens_detailed_health(
    api: AuthApi, make_user: MakeUser
) -> None:
    make_user("root@example.com", superuser=True)
    response = api.client.get(
        "/health/detailed", headers=bearer(api, "root@example.com")
    )
    assert response.status_code in (200, 503)
    assert "checks" in response.json()


def test_a_plain_user_token_is_refused(api: AuthApi, make_user: MakeUser) -> None:
    make_user("someone@example.com")
    response = api.client.get(
        "/health/detailed", headers=bearer(api, "someone@example.com")
    )
    assert response.status_code == 401


def test_a_deactivated_superuser_is_refused(api: AuthApi, make_user: MakeUser) -> None:
    make_user("root@example.com", superuser=True)
    headers = bearer(api, "root@example.com")
    admin = api.client.get("/health/detailed", headers=headers)
    assert admin.status_code in (200, 503)
    with Session(get_engine()) as session:
        user = get_user_by_email(session, "root@example.com")
        assert user is not None
        user.is_active = False
        session.add(user)
        session.commit()
    assert api.client.get("/health/detailed", headers=headers).status_code == 401


def test_no_token_or_a_forged_one_is_refused(api: AuthApi) -> None:
    for headers in ({}, {"Authorization": "Bearer not-a-jwt"}):
        assert api.client.get("/health/detailed", headers=headers).status_code == 401


def test_the_operations_token_still_works(api: AuthApi) -> None:
    response = api.client.get("/health/detailed", headers=OPERATOR_HEADERS)
    assert response.status_code in (200, 503)
