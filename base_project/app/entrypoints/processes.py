"""Every process kind of the project, as `<project> dev` runs them side by side.

In production each kind is its own service (see `docker-compose.yml`), scaled on
its own; in development `dev` starts them all as one group. A component that adds
a process kind (the scheduler, a worker per queue) appends it to `DEV_PROCESSES`.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class DevProcess:
    """One process of the development group: `python -m <module> <args...>`.

    `name` prefixes its log lines and selects it with `dev --only NAME`.
    """

    name: str
    module: str
    args: tuple[str, ...] = ()

    @property
    def command(self) -> tuple[str, ...]:
        """The interpreter's arguments that start it."""
        return ("-m", self.module, *self.args)


DEV_PROCESSES: list[DevProcess] = [
    DevProcess("web", "app", ("serve", "--reload")),
]
