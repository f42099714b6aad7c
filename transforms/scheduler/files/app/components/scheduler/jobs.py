"""Every job of the scheduler, registered explicitly: add yours to `JOBS`.

A job calls a plain function of `app/services/` (sync or async), named by its
`module:function` path. Times are in UTC.
"""

from datetime import UTC

from apscheduler.triggers.interval import IntervalTrigger  # type: ignore[import-untyped]

from app.components.scheduler.spec import JobSpec

HEALTH_SNAPSHOT = JobSpec(
    id="health-snapshot",
    func="app.services.health_snapshot:log_health_snapshot",
    trigger=IntervalTrigger(minutes=5, timezone=UTC),
    name="System health snapshot",
)

JOBS: list[JobSpec] = [
    HEALTH_SNAPSHOT,
]
