"""`worker`: run a queue's worker, enqueue tasks, inspect queues and jobs, load test."""

import asyncio
import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from app.services.benchmark import MAX_WORK_MS

worker_app = typer.Typer(
    name="worker",
    help="Run workers, enqueue tasks and inspect the queues.",
    no_args_is_help=True,
)


def _json_argument(value: str, expected: type, option: str) -> Any:
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as error:
        raise typer.BadParameter(f"not JSON: {error}", param_hint=option) from error
    if not isinstance(parsed, expected):
        raise typer.BadParameter(
            f"expected a JSON {expected.__name__}", param_hint=option
        )
    return parsed


@worker_app.command()
def run(
    queue: Annotated[str, typer.Argument(help="The queue to consume.")],
    burst: Annotated[bool, typer.Option(help="Stop once the queue is empty.")] = False,
) -> None:
    """Run the worker of one queue until stopped (Ctrl-C)."""
    from app.components.worker.keys import QUEUE_NAMES
    from app.entrypoints.worker import run as run_worker

    if queue not in QUEUE_NAMES:
        raise typer.BadParameter(
            f"choose one of {', '.join(QUEUE_NAMES)}", param_hint="QUEUE"
        )
    run_worker(queue, burst=burst)


@worker_app.command()
def enqueue(
    task: Annotated[str, typer.Argument(help="Name of a registered task.")],
    args: Annotated[
        str, typer.Option(help="Positional arguments, a JSON array.")
    ] = "[]",
    kwargs: Annotated[
        str, typer.Option(help="Keyword arguments, a JSON object.")
    ] = "{}",
    wait: Annotated[
        float, typer.Option(help="Seconds to wait for the result (0: do not wait).")
    ] = 0.0,
) -> None:
    """Enqueue a task and print its job id (and, with --wait, the job)."""
    from app.components.worker.jobs import JobState, job_info
    from app.components.worker.jobs import enqueue as enqueue_job
    from app.components.worker.pool import close_arq_pool, get_arq_pool
    from app.components.worker.queues import TaskArgumentsError, UnknownTaskError

    positional = _json_argument(args, list, "--args")
    keywords = _json_argument(kwargs, dict, "--kwargs")

    async def submit() -> str:
        pool = get_arq_pool()
        try:
            job = await enqueue_job(pool, task, positional, keywords)
            if wait <= 0:
                return job.job_id
            deadline = asyncio.get_running_loop().time() + wait
            while True:
                info = await job_info(pool, job.job_id)
                finished = info is not None and info.status in (
                    JobState.COMPLETE,
                    JobState.FAILED,
                )
                if finished or asyncio.get_running_loop().time() > deadline:
                    return info.model_dump_json(indent=2) if info else job.job_id
                await asyncio.sleep(0.1)
        finally:
            await close_arq_pool()

    try:
        typer.echo(asyncio.run(submit()))
    except (UnknownTaskError, TaskArgumentsError) as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(code=2) from error


@worker_app.command()
def job(job_id: Annotated[str, typer.Argument(help="The job's id.")]) -> None:
    """Show a job's status and its result or error, as JSON."""
    from app.components.worker.jobs import job_info
    from app.components.worker.pool import close_arq_pool, get_arq_pool

    async def read() -> str | None:
        try:
            info = await job_info(get_arq_pool(), job_id)
        finally:
            await close_arq_pool()
        return info.model_dump_json(indent=2) if info else None

    output = asyncio.run(read())
    if output is None:
        typer.echo(f"Error: no job {job_id!r}", err=True)
        raise typer.Exit(code=1)
    typer.echo(output)


@worker_app.command()
def status(
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the queues as JSON.")
    ] = False,
) -> None:
    """Show each queue: live worker, queued jobs, recent failures."""
    from app.components.worker.monitor import QueueStatus, all_queue_statuses
    from app.components.worker.pool import close_arq_pool, get_arq_pool

    async def read() -> list[QueueStatus]:
        try:
            return await all_queue_statuses(get_arq_pool())
        finally:
            await close_arq_pool()

    statuses = asyncio.run(read())
    if json_output:
        typer.echo(json.dumps([s.model_dump() for s in statuses], indent=2))
        return
    table = Table(title="Queues")
    for column in ("Queue", "Worker", "Queued", "Failed recently", "Worker info"):
        table.add_column(column)
    for queue in statuses:
        alive = "[green]alive[/]" if queue.worker_alive else "[yellow]none[/]"
        table.add_row(
            queue.queue,
            alive,
            str(queue.queued),
            str(queue.recent_failures),
            queue.worker_info,
        )
    Console().print(table)


@worker_app.command("load-test")
def load_test(
    jobs: Annotated[int, typer.Option(min=1, help="How many jobs to enqueue.")] = 1000,
    work_ms: Annotated[
        float,
        typer.Option(
            min=0, max=MAX_WORK_MS, help="Simulated I/O per job, in milliseconds."
        ),
    ] = 0.0,
    timeout: Annotated[
        float, typer.Option(help="Seconds to wait for every job to finish.")
    ] = 300.0,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the report as JSON.")
    ] = False,
) -> None:
    """Enqueue N jobs, wait for a running worker to finish them, report the speed."""
    from app.components.worker.load_test import (
        LoadTestReport,
        NoWorkerError,
        run_load_test,
    )
    from app.components.worker.pool import close_arq_pool, get_arq_pool

    async def measure() -> LoadTestReport:
        try:
            return await run_load_test(get_arq_pool(), jobs, work_ms, timeout)
        finally:
            await close_arq_pool()

    try:
        report = asyncio.run(measure())
    except (NoWorkerError, TimeoutError) as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(code=1) from error
    if json_output:
        typer.echo(report.model_dump_json(indent=2))
        return
    latency = ", ".join(f"{name} {ms:.1f} ms" for name, ms in report.latency_ms.items())
    typer.echo(
        f"{report.jobs} jobs on {report.queue!r} ({report.failed} failed), "
        f"enqueued in {report.enqueue_seconds:.2f} s, all done in "
        f"{report.total_seconds:.2f} s: {report.throughput:.0f} jobs/s\n"
        f"latency (enqueue to finish): {latency}"
    )
