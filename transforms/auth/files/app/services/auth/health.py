"""The `auth` health check: the users table answers, and the settings are safe."""

import asyncio

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app.core.config import get_settings
from app.core.database import get_engine
from app.core.health import CheckResult, Status
from app.services.auth.readiness import production_problems
from app.services.auth.secret import is_production, secret_problem
from app.services.auth.users import count_users


def _count() -> tuple[int, int]:
    with Session(get_engine()) as session:
        return count_users(session)


async def check_auth() -> CheckResult:
    """Healthy when the users table can be read and SECRET_KEY is strong.

    A weak or missing key is a warning in development (production refuses to start).
    """
    settings = get_settings()
    try:
        total, active = await asyncio.to_thread(_count)
    except SQLAlchemyError as error:
        return CheckResult(
            name="auth",
            status=Status.UNHEALTHY,
            message=f"cannot read the users table: {type(error).__name__}",
            details={"error": str(error).splitlines()[0]},
        )
    problem = secret_problem(settings.secret_key)
    details = {
        "users": total,
        "active_users": active,
        "secret_safe_for_production": problem is None,
        "production_problems": len(production_problems(settings)),
        "environment": "production" if is_production() else settings.environment,
        "email": "smtp" if settings.smtp_host else "log",
    }
    if problem is not None:
        return CheckResult(
            name="auth",
            status=Status.WARNING,
            message=f"{total} users; {problem}: not fit for production",
            details=details,
        )
    return CheckResult(
        name="auth",
        status=Status.HEALTHY,
        message=f"{total} users ({active} active); secret key safe for production",
        details=details,
    )
