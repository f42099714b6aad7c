"""Median wall and CPU time of the aegis commands users wait for, each run as a fresh process.

.venv/bin/python scripts/benchmark.py [--runs N] [--part commands|scaling|huge]

`commands` runs each command interleaved with its floor, the import of the libraries it needs
(`python -c 'import jinja2, libcst, tomlkit, ruamel.yaml'` for the commands that work on a
project, `python -c 'import typer'` for `--help` and `version`), and prints both medians and
their ratio; CPU time (user + system) is the steadier figure on a busy machine. With
`--baseline DIR` (another checkout), the same command run by that checkout joins each round:
before and after, back to back.
`scaling` runs `add` and `diff add` on a fresh project and on a grown one (1000 routers
registered in `routing.py`, a 2000-line settings module) in the same run and prints the ratio
of the medians; `huge` times `add worker` on a project whose `routing.py` is 5 MB and reports
the peak memory of that process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

AEGIS = [sys.executable, "-m", "aegis"]
# Measure what users get: byte-compiled modules (pip and `uv --compile-bytecode` write them).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ROUTING = "app/components/backend/api/routing.py"
CONFIG = "app/core/config.py"
HEALTH_IMPORT = "from app.components.backend.api.health"
HEALTH_ITEM = "    health_router,\n"
LIBRARIES = [sys.executable, "-c", "import jinja2, libcst, tomlkit, ruamel.yaml"]
TYPER = [sys.executable, "-c", "import typer"]


@dataclass(frozen=True)
class Sample:
    wall: float  # seconds
    cpu: float  # seconds of user + system time: less sensitive to other load on the machine
    peak: int  # peak resident memory, KiB


def run(command: list[str], env: dict[str, str] = ENV) -> Sample:
    """One run of `command` as a fresh process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    _, _, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)


def against_floor(
    command: list[str],
    floor: list[str],
    prepare: Callable[[], None],
    runs: int,
    baseline: dict[str, str] | None = None,
) -> list[Sample]:
    """Median wall and CPU time of `command`, of `floor`, and with a `baseline` environment
    of `command` run by another checkout of Aegis; the runs interleaved so that all see the
    same load on the machine (the first round warms up)."""
    variants = [(command, ENV), (floor, ENV), *([(command, baseline)] if baseline else [])]
    found: list[list[Sample]] = [[] for _ in variants]
    for round_ in range(runs + 1):
        for (variant, env), kept in zip(variants, found, strict=True):
            prepare()
            sample = run(variant, env)
            if round_:
                kept.append(sample)
    return [median(samples) for samples in found]


def print_floors(runs: int) -> None:
    """What the interpreter and the imports cost alone: the part of a command no change to
    Aegis can remove (Typer's import is in every command, on top of the libraries' floor)."""
    imports = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "import typer": TYPER,
        "import jinja2, libcst, tomlkit, ruamel.yaml": LIBRARIES,
        "the same and typer": [*LIBRARIES[:-1], LIBRARIES[-1] + ", typer"],
    }
    found: dict[str, list[Sample]] = {name: [] for name in imports}
    for round_ in range(runs + 1):
        for name, command in imports.items():
            sample = run(command)
            if round_:
                found[name].append(sample)
    print("floors (median wall / CPU ms):")
    for name, samples in found.items():
        floor = median(samples)
        print(f"  {name:<44} {floor.wall * 1000:7.1f} / {floor.cpu * 1000:7.1f}")


def median(samples: list[Sample]) -> Sample:
    return Sample(
        statistics.median(s.wall for s in samples),
        statistics.median(s.cpu for s in samples),
        max(s.peak for s in samples),
    )


def compared(
    command: list[str], prepares: list[Callable[[], None]], runs: int
) -> list[tuple[float, float]]:
    """Median wall and CPU time of `command` after each of `prepares`, the runs interleaved
    so that every variant sees the same load on the machine."""
    samples: list[list[Sample]] = [[] for _ in prepares]
    for round_ in range(runs + 1):  # the first round warms up
        for prepare, found in zip(prepares, samples, strict=True):
            prepare()
            sample = run(command)
            if round_:
                found.append(sample)
    return [
        (statistics.median(s.wall for s in found), statistics.median(s.cpu for s in found))
        for found in samples
    ]


def register_routers(project: Path, names: list[str]) -> None:
    """Import and register one router per name in `routing.py`, before `health_router`."""
    routing = (project / ROUTING).read_text()
    imports = "".join(
        f"from app.components.backend.api.{n} import router as {n}_router\n" for n in names
    )
    items = "".join(f"    {n}_router,\n" for n in names)
    routing = routing.replace(HEALTH_IMPORT, imports + HEALTH_IMPORT, 1)
    (project / ROUTING).write_text(routing.replace(HEALTH_ITEM, items + HEALTH_ITEM, 1))


def grow(project: Path, routers: int = 1000, settings_lines: int = 2000) -> None:
    """Make a core project big where `add` edits: `routers` routers registered in
    `routing.py` (each with its module) and `settings_lines` more lines of settings."""
    names = [f"feature_{number:04d}" for number in range(routers)]
    api = (project / ROUTING).parent
    for name in names:
        (api / f"{name}.py").write_text(
            f'"""The {name} API."""\n\nfrom fastapi import APIRouter\n\n'
            f'router = APIRouter(prefix="/{name}", tags=["{name}"])\n'
        )
    register_routers(project, names)
    fields = "".join(
        f"    # Feature {number:04d}: whether it is on\n"
        f"    feature_{number:04d}_enabled: bool = True\n"
        for number in range(settings_lines // 2)
    )
    config = (project / CONFIG).read_text()
    anchor = "    dashboard_refresh_seconds: float = 5.0\n"
    (project / CONFIG).write_text(config.replace(anchor, f"{anchor}\n{fields}", 1))


def huge_module(project: Path, megabytes: float = 5.0) -> None:
    """Grow `routing.py` to about `megabytes` MB of router registrations."""
    count = int(megabytes * 1_000_000 / 120)  # one import and one list item: ~120 bytes
    register_routers(project, [f"generated_{number:06d}" for number in range(count)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--part", choices=["commands", "scaling", "huge"], action="append")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout of Aegis (e.g. `git worktree add /tmp/main main`): its "
        "commands run in the same rounds, for a before/after under the same load",
    )
    arguments = parser.parse_args()
    runs, parts = arguments.runs, arguments.part or ["commands", "scaling", "huge"]
    baseline = (
        {**ENV, "PYTHONPATH": str(arguments.baseline.resolve())} if arguments.baseline else None
    )
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from aegis.catalog import Catalog

    selectable = Catalog.load().selectable
    components = ",".join(p.name for p in selectable if p.kind == "component")
    services = ",".join(p.name for p in selectable if p.kind == "service")
    everything = ["-c", components, *(["-s", services] if services else [])]
    work = Path(tempfile.mkdtemp(prefix="aegis-bench-"))
    core, grown, project = work / "core", work / "grown", work / "project"

    def fresh(source: Path) -> Callable[[], None]:
        def copy() -> None:
            shutil.rmtree(project, ignore_errors=True)
            shutil.copytree(source, project)

        return copy

    def clean() -> None:
        shutil.rmtree(work / "out", ignore_errors=True)

    subprocess.run(
        [*AEGIS, "init", "core", "-o", str(work), "--yes"], check=True, stdout=subprocess.DEVNULL
    )
    print(f"median of {runs} runs, each a fresh process ({sys.version.split()[0]})")
    if "commands" in parts:
        out = str(work / "out")
        init = [*AEGIS, "init", "demo", "-o", out]

        def nothing() -> None:
            pass

        print_floors(runs)
        rows = [
            ("aegis --help", [*AEGIS, "--help"], TYPER, nothing),
            ("aegis version", [*AEGIS, "version"], TYPER, nothing),
            ("aegis init (core)", [*init, "--yes"], LIBRARIES, clean),
            ("aegis init -c redis", [*init, "-c", "redis"], LIBRARIES, clean),
            (f"aegis init {' '.join(everything)}", [*init, *everything], LIBRARIES, clean),
            *(
                (
                    f"aegis add {pack.name}",
                    [*AEGIS, "add", pack.name, "--path", str(project)],
                    LIBRARIES,
                    fresh(core),
                )
                for pack in selectable
            ),
            (
                "aegis diff add redis",
                [*AEGIS, "diff", "add", "redis", "--path", str(core)],
                LIBRARIES,
                nothing,
            ),
        ]
        width = max(len(row[0]) for row in rows)
        print(
            f"{'':<{width}}  {'wall ms':>7} {'floor':>7} {'ratio':>5}   {'CPU ms':>7} "
            f"{'floor':>7} {'ratio':>5}   floor"
            + ("      baseline CPU ms ratio" if baseline else "")
        )
        for name, command, floor, prepare in rows:
            ours, base, *before = against_floor(command, floor, prepare, runs, baseline)
            print(
                f"{name:<{width}}  {ours.wall * 1000:7.1f} {base.wall * 1000:7.1f} "
                f"{ours.wall / base.wall:5.2f}   {ours.cpu * 1000:7.1f} {base.cpu * 1000:7.1f} "
                f"{ours.cpu / base.cpu:5.2f}   {'typer' if floor is TYPER else 'libraries':<9}"
                + "".join(f"   {b.cpu * 1000:18.1f} {b.cpu / base.cpu:5.2f}" for b in before)
            )
    if "scaling" in parts:
        shutil.copytree(core, grown)
        grow(grown)
        print("size scaling: a fresh project, and one with 1000 routers in routing.py and")
        print("a 2000-line settings module (wall / CPU time, ratio grown/fresh)")
        for label, command in [
            ("aegis add worker", ["add", "worker"]),
            ("aegis diff add worker", ["diff", "add", "worker"]),
        ]:
            (wall, cpu), (grown_wall, grown_cpu) = compared(
                [*AEGIS, *command, "--path", str(project)], [fresh(core), fresh(grown)], runs
            )
            print(
                f"{label:<22} fresh {wall * 1000:6.1f} / {cpu * 1000:6.1f} ms"
                f"  grown {grown_wall * 1000:6.1f} / {grown_cpu * 1000:6.1f} ms"
                f"  ratio {grown_wall / wall:.2f} / {grown_cpu / cpu:.2f}"
            )
    if "huge" in parts:
        fresh(core)()
        huge_module(project)
        size = (project / ROUTING).stat().st_size / 1_000_000
        sample = run([*AEGIS, "add", "worker", "--path", str(project)])
        print(
            f"aegis add worker with a {size:.1f} MB routing.py: {sample.wall:.2f} s "
            f"(CPU {sample.cpu:.2f} s), peak memory {sample.peak / 1024:.0f} MB (one run)"
        )
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
