"""`cache`: show the cache's statistics, or clear its keys (and nothing else)."""

import asyncio
import json
from typing import Annotated, Any

import typer

cache_app = typer.Typer(
    name="cache", help="Inspect or clear the Redis cache.", no_args_is_help=True
)


@cache_app.command()
def stats(
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the statistics as JSON.")
    ] = False,
) -> None:
    """Keys under the cache's prefix, and hits and misses of every process."""
    from app.core.cache import cache
    from app.core.redis import close_redis

    async def read() -> dict[str, Any]:
        try:
            shared = await cache.shared_stats()
            keys = await cache.keys()
        finally:
            await close_redis()
        lookups = shared["hits"] + shared["misses"]
        return {
            "prefix": cache.prefix,
            "keys": len(keys),
            **shared,
            "hit_ratio": round(shared["hits"] / lookups, 4) if lookups else None,
        }

    result = asyncio.run(read())
    if json_output:
        typer.echo(json.dumps(result, indent=2))
        return
    ratio = "-" if result["hit_ratio"] is None else f"{result['hit_ratio']:.1%}"
    typer.echo(
        f"{result['keys']} keys under {result['prefix']!r}; "
        f"{result['hits']} hits, {result['misses']} misses (hit ratio {ratio})"
    )


@cache_app.command()
def clear(
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")
    ] = False,
) -> None:
    """Delete every key under the cache's prefix; other keys are left alone."""
    from app.core.cache import cache
    from app.core.redis import close_redis

    if not yes:
        typer.confirm(f"Delete every key under {cache.prefix!r}?", abort=True)

    async def run() -> int:
        try:
            return await cache.clear()
        finally:
            await close_redis()

    typer.echo(f"Deleted {asyncio.run(run())} keys under {cache.prefix!r}.")
