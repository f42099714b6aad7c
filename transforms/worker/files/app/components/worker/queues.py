"""The queues: one arq `WorkerSettings` class per queue, and the registry of tasks.

Settings are read when this module is imported (once per process). To add a task,
write it in `tasks/<queue>.py` and list it in that module's `TASKS`.
"""

import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, get_type_hints

from arq.worker import Worker, create_worker, func
from pydantic import TypeAdapter, ValidationError

from app.components.worker.keys import DEFAULT_QUEUE, SYSTEM_QUEUE, queue_key
from app.components.worker.monitor import job_ended, job_started
from app.components.worker.pool import arq_redis_settings
from app.components.worker.tasks import default, system
from app.core.config import get_settings

_settings = get_settings()


# arq reads a settings class's own `__dict__` only (no inheritance), so each queue
# spells out every setting.
class SystemWorkerSettings:
    """The `system` queue: maintenance tasks, a few at a time."""

    queue_name = queue_key(SYSTEM_QUEUE)
    functions = system.TASKS
    max_jobs = _settings.worker_system_max_jobs
    job_timeout = _settings.worker_system_job_timeout
    poll_delay = _settings.worker_poll_delay
    keep_result = _settings.worker_keep_result
    health_check_interval = _settings.worker_health_check_interval
    redis_settings = arq_redis_settings()
    on_job_start = job_started
    after_job_end = job_ended


class DefaultWorkerSettings:
    """The `default` queue: the application's tasks."""

    queue_name = queue_key(DEFAULT_QUEUE)
    functions = default.TASKS
    max_jobs = _settings.worker_default_max_jobs
    job_timeout = _settings.worker_default_job_timeout
    poll_delay = _settings.worker_poll_delay
    keep_result = _settings.worker_keep_result
    health_check_interval = _settings.worker_health_check_interval
    redis_settings = arq_redis_settings()
    on_job_start = job_started
    after_job_end = job_ended


WORKER_SETTINGS: dict[str, type[Any]] = {
    SYSTEM_QUEUE: SystemWorkerSettings,
    DEFAULT_QUEUE: DefaultWorkerSettings,
}


class UnknownTaskError(LookupError):
    """No queue has a task of that name."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"unknown task {name!r}; registered tasks: {', '.join(sorted(TASKS))}"
        )


class TaskArgumentsError(ValueError):
    """The arguments do not match the task's signature, types or bounds."""


class TaskArgumentsTooLargeError(TaskArgumentsError):
    """The arguments are larger than `WORKER_MAX_ARGUMENT_BYTES`."""


@dataclass(frozen=True)
class Task:
    """A registered task: its name, its queue and the coroutine that runs it."""

    name: str
    queue: str
    coroutine: Callable[..., Awaitable[Any]]

    @property
    def description(self) -> str:
        """The first line of the task's docstring."""
        return (inspect.getdoc(self.coroutine) or "").partition("\n")[0]

    @property
    def parameters(self) -> list[str]:
        """The task's parameters, without arq's `ctx`."""
        signature = inspect.signature(self.coroutine)
        return [str(parameter) for parameter in signature.parameters.values()][1:]

    @cached_property
    def _validators(self) -> dict[str, TypeAdapter[Any]]:
        hints = get_type_hints(self.coroutine, include_extras=True)
        names = list(inspect.signature(self.coroutine).parameters)[1:]
        return {name: TypeAdapter(hints[name]) for name in names if name in hints}

    def check_arguments(self, args: Sequence[Any], kwargs: dict[str, Any]) -> None:
        """Raise `TaskArgumentsError` unless the task accepts these arguments: its
        signature, and the types and bounds of its annotations (the value itself is
        never repeated in the message)."""
        try:
            bound = inspect.signature(self.coroutine).bind(None, *args, **kwargs)
        except TypeError as error:
            raise TaskArgumentsError(f"task {self.name!r}: {error}") from error
        for name, value in bound.arguments.items():
            validator = self._validators.get(name)
            if validator is None:
                continue
            try:
                validator.validate_python(value)
            except ValidationError as error:
                reason = error.errors()[0]["msg"]
                raise TaskArgumentsError(
                    f"task {self.name!r}: {name}: {reason}"
                ) from None


def _registry() -> dict[str, Task]:
    tasks: dict[str, Task] = {}
    for queue, settings_class in WORKER_SETTINGS.items():
        for function in map(func, settings_class.functions):
            if function.name in tasks:
                raise RuntimeError(f"task {function.name!r} is in two queues")
            tasks[function.name] = Task(function.name, queue, function.coroutine)
    return tasks


TASKS: dict[str, Task] = _registry()
"""Every task by name; names are unique across queues."""


def get_task(name: str) -> Task:
    """The task called `name`, or `UnknownTaskError`."""
    try:
        return TASKS[name]
    except KeyError:
        raise UnknownTaskError(name) from None


def build_worker(queue: str, **overrides: Any) -> Worker:
    """An arq worker for one queue; `overrides` replace its settings (e.g. `burst`)."""
    return create_worker(WORKER_SETTINGS[queue], **overrides)
