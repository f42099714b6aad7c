"""Helpers of the auth tests: the API as a client calls it, reset links in the log."""

import re
from typing import Any

from fastapi.testclient import TestClient
from httpx2 import Response  # what Starlette's TestClient returns

PASSWORD = "correct horse battery staple"
RESET_LINK = re.compile(r"\?token=([A-Za-z0-9_-]+)")


class AuthApi:
    """The auth endpoints, as a client application calls them."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def register(self, email: str, password: str = PASSWORD) -> Response:
        return self.client.post(
            "/auth/register", json={"email": email, "password": password}
        )

    def login(self, email: str, password: str = PASSWORD) -> Response:
        return self.client.post(
            "/auth/token", data={"username": email, "password": password}
        )

    def tokens(self, email: str, password: str = PASSWORD) -> dict[str, Any]:
        """Log in and return the token response (the login must succeed)."""
        response = self.login(email, password)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def refresh(self, refresh_token: str) -> Response:
        return self.client.post("/auth/refresh", json={"refresh_token": refresh_token})

    def me(self, access_token: str) -> Response:
        return self.client.get("/auth/me", headers=bearer(access_token))


def bearer(access_token: str) -> dict[str, str]:
    """The Authorization header of an access token."""
    return {"Authorization": f"Bearer {access_token}"}


def reset_token_from(log: str) -> str:
    """The token of the last reset link written to the log (development e-mail)."""
    found = RESET_LINK.findall(log)
    assert found, f"no reset link in the log:\n{log}"
    return str(found[-1])
