"""SECRET_KEY and the other settings production refuses."""

import os
import subprocess
import sys
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from app.components.backend.main import create_app
from app.services.auth.readiness import AuthNotReady
from app.services.auth.secret import secret_problem, signing_key

SetEnv = Callable[..., None]
STRONG = "kY3v9Qx7Lr2Zp8Wn5Tb1Hs6Gd4Fj0Mc-_aEuIoPyR"


@pytest.mark.parametrize(
    ("secret", "problem"),
    [
        ("", "not set"),
        ("change-me", "placeholder"),
        ("please-change-me-to-a-long-random-secret-key", "placeholder"),
        ("x" * 64, "not random"),
        ("kY3v9Qx7Lr2Zp8Wn5Tb1", "too short"),
    ],
)
def test_weak_secrets_are_recognised(secret: str, problem: str) -> None:
    found = secret_problem(secret)
    assert found is not None and problem in found


def test_a_random_secret_is_accepted() -> None:
    assert secret_problem(STRONG) is None


@pytest.mark.parametrize("secret", ["", "change-me", "kY3v9Qx7Lr2Zp8Wn5Tb1"])
def test_a_weak_secret_stops_the_app_in_production(
    set_env: SetEnv, secret: str
) -> None:
    set_env(environment="production", secret_key=secret, smtp_host="smtp.example.com")
    with pytest.raises(AuthNotReady) as refused, TestClient(create_app()):
        pass
    assert "SECRET_KEY" in str(refused.value)
    assert "secrets.token_urlsafe(32)" in str(refused.value)


def test_production_also_needs_real_hashing_and_smtp(set_env: SetEnv) -> None:
    set_env(environment="production", secret_key=STRONG, smtp_host="")
    with pytest.raises(AuthNotReady) as refused, TestClient(create_app()):
        pass
    assert "AUTH_PASSWORD_HASH_PROFILE=CHEAPEST" in str(refused.value)
    assert "SMTP_HOST" in str(refused.value)


def test_production_starts_with_safe_settings(
    set_env: SetEnv, fresh_database: str
) -> None:
    set_env(
        environment="production",
        secret_key=STRONG,
        smtp_host="smtp.example.com",
        auth_password_hash_profile="RFC_9106_LOW_MEMORY",
    )
    with TestClient(create_app()) as client:
        assert client.get("/health").status_code in (200, 503)
    assert signing_key() == STRONG


@pytest.mark.processes
def test_the_web_server_process_refuses_a_weak_secret() -> None:
    env = os.environ | {
        "ENVIRONMENT": "production",
        "SECRET_KEY": "change-me",
        "SMTP_HOST": "smtp.example.com",
        "AUTH_PASSWORD_HASH_PROFILE": "RFC_9106_LOW_MEMORY",
        "PORT": "0",
    }
    result = subprocess.run(
        [sys.executable, "-m", "app.entrypoints.webserver"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is a placeholder" in result.stderr + result.stdout
    assert "secrets.token_urlsafe(32)" in result.stderr + result.stdout


def test_development_without_a_secret_uses_a_temporary_key(set_env: SetEnv) -> None:
    set_env(secret_key="")
    key = signing_key()
    assert len(key) >= 43
    assert signing_key() == key
    assert secret_problem(key) is None
