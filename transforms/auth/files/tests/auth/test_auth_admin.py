"""Superuser-only user administration."""

from collections.abc import Callable

from app.models.user import User
from tests.auth.support import AuthApi, bearer


def test_superuser_routes_refuse_a_normal_user(
    api: AuthApi, make_user: Callable[..., User]
) -> None:
    target = make_user("target@example.com")
    make_user("normal@example.com")
    normal = bearer(api.tokens("normal@example.com")["access_token"])
    assert api.client.get("/auth/users", headers=normal).status_code == 403
    patched = api.client.patch(
        f"/auth/users/{target.id}", headers=normal, json={"is_superuser": True}
    )
    assert patched.status_code == 403
    assert patched.json() == {"detail": "Superusers only"}
    assert api.client.get("/auth/users").status_code == 401


def test_a_superuser_lists_users_and_grants_rights(
    api: AuthApi, make_user: Callable[..., User]
) -> None:
    make_user("root@example.com", superuser=True)
    target = make_user("target@example.com")
    admin = bearer(api.tokens("root@example.com")["access_token"])

    listed = api.client.get("/auth/users", headers=admin)
    assert listed.status_code == 200
    assert [u["email"] for u in listed.json()] == [
        "root@example.com",
        "target@example.com",
    ]
    page = api.client.get("/auth/users", headers=admin, params={"offset": 1})
    assert [u["email"] for u in page.json()] == ["target@example.com"]

    granted = api.client.patch(
        f"/auth/users/{target.id}", headers=admin, json={"is_superuser": True}
    )
    assert granted.status_code == 200
    assert granted.json()["is_superuser"] is True
    promoted = bearer(api.tokens("target@example.com")["access_token"])
    assert api.client.get("/auth/users", headers=promoted).status_code == 200


def test_a_superuser_cannot_lock_themselves_out(
    api: AuthApi, make_user: Callable[..., User]
) -> None:
    root = make_user("root@example.com", superuser=True)
    admin = bearer(api.tokens("root@example.com")["access_token"])
    for change in ({"is_active": False}, {"is_superuser": False}):
        response = api.client.patch(
            f"/auth/users/{root.id}", headers=admin, json=change
        )
        assert response.status_code == 400
    assert (
        api.client.patch("/auth/users/999", headers=admin, json={}).status_code == 404
    )
