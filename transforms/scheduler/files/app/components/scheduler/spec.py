"""`JobSpec`: one job of the scheduler, declared as data."""

from dataclasses import dataclass
from datetime import UTC, datetime

from apscheduler.job import Job  # type: ignore[import-untyped]
from apscheduler.schedulers.base import BaseScheduler  # type: ignore[import-untyped]
from apscheduler.triggers.base import BaseTrigger  # type: ignore[import-untyped]


@dataclass(frozen=True)
class JobSpec:
    """What runs (an importable function) and when (an APScheduler trigger).

    `func` is a `module:function` reference rather than the function itself, so
    that a persistent job store can load the job again in a new process.
    """

    id: str
    func: str
    trigger: BaseTrigger
    name: str

    def next_run_time(self, now: datetime | None = None) -> datetime | None:
        """When the trigger fires next after `now`, computed without a scheduler."""
        fire_time: datetime | None = self.trigger.get_next_fire_time(
            None, now or datetime.now(UTC)
        )
        return fire_time

    def add_to(self, scheduler: BaseScheduler) -> Job:
        """Register the job, replacing a stored job with the same id."""
        return scheduler.add_job(
            self.func,
            trigger=self.trigger,
            id=self.id,
            name=self.name,
            replace_existing=True,
        )
