"""The `auth` health check, in /health, /health/detailed and the `health` command."""

import json
from collections.abc import Callable

from operations import OPERATOR_HEADERS
from typer.testing import CliRunner

from app.cli.main import app
from app.core import checks
from app.core.health import Status
from app.models.user import User
from app.services.auth.health import check_auth
from tests.auth.support import AuthApi


def test_the_check_is_registered() -> None:
    assert check_auth in checks.HEALTH_CHECKS


async def test_healthy_with_a_strong_secret(make_user: Callable[..., User]) -> None:
    make_user("ann@example.com")
    result = await check_auth()
    assert result.name == "auth"
    assert result.status is Status.HEALTHY, result
    assert result.details["users"] == 1
    assert result.details["active_users"] == 1
    assert result.details["secret_safe_for_production"] is True
    assert result.message == "1 users (1 active); secret key safe for production"


async def test_a_weak_secret_is_a_warning_in_development(
    api: AuthApi, set_env: Callable[..., None]
) -> None:
    set_env(secret_key="change-me")
    result = await check_auth()
    assert result.status is Status.WARNING
    assert "placeholder" in result.message
    assert result.details["secret_safe_for_production"] is False
    assert "change-me" not in str(result.model_dump())


async def test_unhealthy_when_the_users_table_is_missing(fresh_database: str) -> None:
    result = await check_auth()
    assert result.status is Status.UNHEALTHY
    assert result.message.startswith("cannot read the users table")


def test_detailed_health_shows_auth(api: AuthApi) -> None:
    body = api.client.get("/health/detailed", headers=OPERATOR_HEADERS).json()
    auth = next(check for check in body["checks"] if check["name"] == "auth")
    assert auth["status"] == "healthy"
    assert api.client.get("/health").json()["components"]["auth"] == "healthy"


def test_the_health_command_shows_auth(api: AuthApi) -> None:
    result = CliRunner().invoke(app, ["health", "--json"])
    report = json.loads(result.output)
    auth = next(check for check in report["checks"] if check["name"] == "auth")
    assert auth["status"] == "healthy"
    assert auth["details"]["users"] == 0
