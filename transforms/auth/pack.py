"""The `auth` service: users, Argon2id passwords, short JWT access tokens and rotating
refresh tokens, password reset by e-mail, rate-limited login, superuser administration,
`users` commands and an `auth` health check. Built on the `database` component."""

from aegis.sdk import Import, ListItem, Options, Pack, Setting, anchors

MODELS = "app/models/__init__.py"

SETTINGS = (
    Setting(
        "secret_key",
        "",
        "Signs the access tokens: at least 32 random bytes (Aegis generated one into .env, "
        "which git ignores; never put it in a committed file).",
        secret=True,
    ),
    Setting("auth_token_audience", "", "Audience of the tokens (empty: APP_NAME)."),
    Setting("auth_access_token_minutes", 15, "Lifetime of an access token (minutes)."),
    Setting("auth_refresh_token_days", 30, "Lifetime of a session's refresh token (days)."),
    Setting("auth_reset_token_minutes", 30, "Lifetime of a password-reset link (minutes)."),
    Setting(
        "auth_reset_url",
        "http://localhost:8000/reset-password",
        "The page a reset e-mail links to (it receives `?token=...`).",
    ),
    Setting("auth_password_min_length", 12, "Shortest password accepted (characters)."),
    Setting(
        "auth_password_hash_profile",
        "RFC_9106_LOW_MEMORY",
        "Argon2id parameters, by argon2-cffi profile name (CHEAPEST is for tests only).",
    ),
    Setting("auth_login_limit", 5, "Login attempts per window, per client address and e-mail."),
    Setting("auth_login_window_seconds", 60, "The login limit's window (seconds)."),
    Setting("auth_reset_limit", 3, "Reset requests per window, per client address and e-mail."),
    Setting("auth_reset_window_seconds", 900, "The reset limit's window (seconds)."),
)

MAIL_SETTINGS = (
    Setting(
        "smtp_host",
        "",
        "SMTP server for reset e-mails; empty: they are only logged (refused in production).",
    ),
    Setting("smtp_port", 587, "Its port."),
    Setting("smtp_username", "", "SMTP login (empty: none)."),
    Setting("smtp_password", "", "SMTP password.", secret=True),
    Setting("smtp_starttls", True, "Upgrade the connection with STARTTLS."),
    Setting("mail_from", "noreply@example.com", "Sender address of the e-mails."),
)

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

Superusers are operators: their access token (`Authorization: Bearer ...`) opens
the operational endpoints (`/health/detailed`, the worker's API, and in production
`/docs` and the dashboard), as the operations token `OPS_TOKEN` does.

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


def edits(options: Options) -> anchors.Declarations:
    return [
        anchors.dependency("pwdlib[argon2,bcrypt]>=0.2.1"),
        anchors.dependency("pyjwt>=2.12"),
        anchors.dependency("email-validator>=2.2"),
        anchors.dependency("python-multipart>=0.0.18"),
        anchors.dev_dependency("aiosmtpd>=1.4"),
        anchors.settings(*SETTINGS, title="Auth"),
        anchors.settings(*MAIL_SETTINGS, title="E-mail over SMTP", key="auth:mail"),
        anchors.generated_secret("SECRET_KEY"),
        Import(MODELS, "app.models.auth_tokens", "OneTimeToken"),
        Import(MODELS, "app.models.auth_tokens", "RefreshToken"),
        Import(MODELS, "app.models.user", "User"),
        ListItem(MODELS, "__all__", '"OneTimeToken"'),
        ListItem(MODELS, "__all__", '"RefreshToken"'),
        ListItem(MODELS, "__all__", '"User"'),
        anchors.health_check("app.services.auth.health", "check_auth"),
        anchors.operator_check("app.services.auth.operators", "superuser_operator"),
        anchors.startup_hook("app.services.auth.readiness", "prepare_auth"),
        anchors.router("app.components.backend.api.auth"),
        anchors.router("app.components.backend.api.users"),
        anchors.cli_group("app.cli.users", "users_app"),
        anchors.makefile(MAKEFILE),
        anchors.readme(README),
        anchors.readme_layout(
            {
                "app/services/auth/": "users, passwords, tokens, rate limits, e-mail",
                "tests/auth/": "the auth tests (accounts, tokens, administration, CLI)",
            }
        ),
    ]


PACK = Pack(
    name="auth",
    kind="service",
    summary="Users, Argon2id passwords, JWT access + rotating refresh tokens, rate limits",
    requires=("database",),
    edits=edits,
)
