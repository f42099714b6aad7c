"""The `auth` service: users, Argon2id passwords, short JWT access tokens and rotating
refresh tokens, password reset by e-mail, rate-limited login, superuser administration,
`users` commands and an `auth` health check. Built on the `database` component."""

from aegis.edits import (
    Dependency,
    EnvSecret,
    Import,
    ListItem,
    Statement,
    TextBlock,
    register,
)
from aegis.pack import Pack

CONFIG = "app/core/config.py"
CHECKS = "app/core/checks.py"
LIFECYCLE = "app/components/backend/lifecycle.py"
ROUTING = "app/components/backend/api/routing.py"
CLI = "app/cli/main.py"
MODELS = "app/models/__init__.py"

SETTINGS = (
    "\n# Auth: SECRET_KEY signs the access tokens (Aegis generates one into .env)\n"
    'secret_key: str = ""',
    'auth_token_audience: str = ""',
    "auth_access_token_minutes: int = 15",
    "auth_refresh_token_days: int = 30",
    "auth_reset_token_minutes: int = 30",
    'auth_reset_url: str = "http://localhost:8000/reset-password"',
    "auth_password_min_length: int = 12",
    'auth_password_hash_profile: str = "RFC_9106_LOW_MEMORY"',
    "auth_login_limit: int = 5",
    "auth_login_window_seconds: int = 60",
    "auth_reset_limit: int = 3",
    "auth_reset_window_seconds: int = 900",
    "\n# E-mail over SMTP; without SMTP_HOST, e-mails are logged (development only)\n"
    'smtp_host: str = ""',
    "smtp_port: int = 587",
    'smtp_username: str = ""',
    'smtp_password: str = ""',
    "smtp_starttls: bool = True",
    'mail_from: str = "noreply@example.com"',
)

ENV = """\
# Auth. SECRET_KEY signs the access tokens: at least 32 random bytes, e.g.
#   python -c "import secrets; print(secrets.token_urlsafe(32))"
# Aegis generated one into .env (git-ignored); never put it in a committed file.
SECRET_KEY=
# Audience of the tokens (empty: APP_NAME); lifetimes; the link sent for a reset
AUTH_TOKEN_AUDIENCE=
AUTH_ACCESS_TOKEN_MINUTES=15
AUTH_REFRESH_TOKEN_DAYS=30
AUTH_RESET_TOKEN_MINUTES=30
AUTH_RESET_URL=http://localhost:8000/reset-password
AUTH_PASSWORD_MIN_LENGTH=12
# Argon2id parameters, by argon2-cffi profile name (CHEAPEST is for tests only)
AUTH_PASSWORD_HASH_PROFILE=RFC_9106_LOW_MEMORY
# Rate limits: attempts per window (seconds), per client address and e-mail
AUTH_LOGIN_LIMIT=5
AUTH_LOGIN_WINDOW_SECONDS=60
AUTH_RESET_LIMIT=3
AUTH_RESET_WINDOW_SECONDS=900
# E-mail (password reset links). Without SMTP_HOST they are only logged, which the
# app refuses in production.
SMTP_HOST=
SMTP_PORT=587
SMTP_USERNAME=
SMTP_PASSWORD=
SMTP_STARTTLS=true
MAIL_FROM=noreply@example.com
"""

MAKEFILE = """\
.PHONY: superuser

superuser: ## Create a superuser (asks for the password): make superuser email=you@example.com
\t$(PYTHON) -m app users create "$(email)" --superuser
"""

README = """\
### Auth

Users with e-mail and password under `/auth` (try them in `/docs`: the Authorize
button logs in): `POST /auth/register`, `POST /auth/token` (OAuth2 password form),
`POST /auth/refresh`, `POST /auth/logout`, `GET` and `PATCH /auth/me`,
`POST /auth/password-reset` and `/auth/password-reset/confirm`; superusers list
and change users under `/auth/users`.

Protect your own routes with the dependencies of `app/core/auth.py`:

```python
from app.core.auth import CurrentUser, SuperUser


@router.get("/notes")
def my_notes(user: CurrentUser) -> list[str]: ...
```

Access tokens are JWTs valid `AUTH_ACCESS_TOKEN_MINUTES` (15); refresh tokens are
opaque, stored hashed and replaced at every use, and replaying an old one ends the
whole session. Passwords are hashed with Argon2id. `SECRET_KEY` is in `.env`
(generated, git-ignored); the app refuses to start in production without a strong
one, or without `SMTP_HOST` for the reset e-mails.

```bash
python -m app users create you@example.com --superuser   # make superuser email=...
python -m app users list
python -m app users set-password you@example.com
python -m app users deactivate someone@example.com
```
"""

EDITS = [
    Dependency("pwdlib[argon2,bcrypt]>=0.2.1"),
    Dependency("pyjwt>=2.12"),
    Dependency("email-validator>=2.2"),
    Dependency("python-multipart>=0.0.18"),
    Dependency("aiosmtpd>=1.4", extra="dev"),
    *(Statement(CONFIG, "Settings", code) for code in SETTINGS),
    Import(MODELS, "app.models.auth_tokens", "OneTimeToken"),
    Import(MODELS, "app.models.auth_tokens", "RefreshToken"),
    Import(MODELS, "app.models.user", "User"),
    ListItem(MODELS, "__all__", '"OneTimeToken"'),
    ListItem(MODELS, "__all__", '"RefreshToken"'),
    ListItem(MODELS, "__all__", '"User"'),
    *register(CHECKS, "HEALTH_CHECKS", "app.services.auth.health", "check_auth"),
    *register(LIFECYCLE, "STARTUP_HOOKS", "app.services.auth.readiness", "prepare_auth"),
    *register(ROUTING, "ROUTERS", "app.components.backend.api.auth", "router", "auth_router"),
    *register(ROUTING, "ROUTERS", "app.components.backend.api.users", "router", "users_router"),
    *register(CLI, "COMMAND_GROUPS", "app.cli.users", "users_app"),
    EnvSecret("SECRET_KEY"),
    TextBlock(".env.example", ENV),
    TextBlock("Makefile", MAKEFILE),
    TextBlock("README.md", README, style="html"),
]

PACK = Pack(
    name="auth",
    kind="service",
    summary="Users, Argon2id passwords, JWT access + rotating refresh tokens, rate limits",
    order=60,
    requires=("database",),
    edits=EDITS,
)
