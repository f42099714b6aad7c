"""sentry: Sentry error reporting in every process, through the core's bootstrap hook."""

from aegis.sdk import Options, Pack, Setting, anchors

README = """\
### Sentry

Unhandled errors of every process (web server, scheduler, workers, CLI) are reported to
Sentry once `SENTRY_DSN` is set (in `.env` or the environment; never commit it).
`app/core/sentry.py` initialises the SDK from the bootstrap hook; the `sentry` health check
warns in production when no DSN is configured."""


def edits(options: Options) -> anchors.Declarations:
    return [
        anchors.dependency("sentry-sdk[fastapi]>=2.20"),
        anchors.settings(
            Setting(
                "sentry_dsn",
                "",
                "Sentry DSN of the project; empty: nothing is reported.",
                secret=True,
            ),
            Setting(
                "sentry_traces_sample_rate",
                0.0,
                "Share of requests traced for Sentry's performance view (0 to 1).",
            ),
            title="Sentry",
        ),
        anchors.bootstrap_hook("app.core.sentry", "init_sentry"),
        anchors.health_check("app.core.sentry", "check_sentry"),
        anchors.readme(README),
    ]


PACK = Pack(
    name="sentry",
    kind="component",
    summary="Sentry error reporting in every process (bootstrap hook), health check",
    requires_aegis=">=0.2.0",
    edits=edits,
)
