"""What auth needs before the web server may run, checked at startup."""

from app.core.config import Settings, get_settings
from app.services.auth.passwords import dummy_hash
from app.services.auth.secret import HOW_TO_MAKE_ONE, is_production, secret_problem

TEST_ONLY_PROFILE = "CHEAPEST"


class AuthNotReady(RuntimeError):
    """Auth settings that must not reach production."""


def production_problems(settings: Settings) -> list[str]:
    """Every auth setting that is unsafe in production, each with what to do."""
    problems = []
    secret = secret_problem(settings.secret_key)
    if secret is not None:
        problems.append(f"{secret}: {HOW_TO_MAKE_ONE}")
    if settings.auth_password_hash_profile == TEST_ONLY_PROFILE:
        problems.append(
            f"AUTH_PASSWORD_HASH_PROFILE={TEST_ONLY_PROFILE} is for tests: unset it"
        )
    if not settings.smtp_host:
        problems.append(
            "SMTP_HOST is not set, so password-reset links would only be logged: "
            "set SMTP_HOST (and SMTP_USERNAME, SMTP_PASSWORD)"
        )
    return problems


async def prepare_auth() -> None:
    """Startup hook: refuse to start in production with unsafe auth settings, then
    make the dummy hash (an unknown hashing profile stops the start-up)."""
    if is_production():
        problems = production_problems(get_settings())
        if problems:
            raise AuthNotReady(
                "auth is not safe for production (ENVIRONMENT=production): "
                + "; ".join(problems)
                + "."
            )
    dummy_hash()
