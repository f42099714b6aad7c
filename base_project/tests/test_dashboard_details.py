"""How the dashboard shows a check's details: labels, units, sections."""

from datetime import UTC, datetime
from typing import Any

from app.components.frontend.details import DetailRow, DetailSection, describe
from app.core.checks import get_registry

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def rows(section: DetailSection) -> dict[str, str]:
    """The section's own rows, label to value."""
    return {row.label: row.value for row in section.rows}


def every_row(section: DetailSection) -> list[DetailRow]:
    """The rows of a section and of all its sub-sections."""
    found = list(section.rows)
    for sub in section.sections:
        found += every_row(sub)
    return found


def count_sections(section: DetailSection) -> int:
    """How many sub-sections, at any depth."""
    return sum(1 + count_sections(sub) for sub in section.sections)


def leaves(value: Any) -> int:
    """How many scalar values (or empty or scalar lists) a details value holds."""
    if isinstance(value, dict):
        return sum(leaves(item) for item in value.values())
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return sum(leaves(item) for item in value)
    return 1


def test_units_follow_the_key() -> None:
    section = describe(
        {
            "total_bytes": 3 * 1024**3,
            "query_ms": 2.345,
            "heartbeat_age_seconds": 1.5,
            "percent": 12.5,
            "warning_percent": 80.0,
            "worker_alive": False,
            "dialect": "postgresql",
            "failed_job_ids": [],
            "pid": None,
            "note": "",
        },
        now=NOW,
    )
    assert rows(section) == {
        "total": "3.0 GiB",
        "query latency": "2.3 ms",
        "heartbeat age": "1.5 s",
        "percent": "12.5 %",
        "warning": "80 %",
        "worker alive": "no",
        "dialect": "postgresql",
        "failed job ids": "none",
        "pid": "-",
        "note": "-",
    }


def test_timestamps_say_how_far_away_they_are() -> None:
    section = describe(
        {
            "next_run_time": "2026-11-30T12:04:00+00:00",
            "last_heartbeat": "2026-11-30T11:59:30+00:00",
            "tomorrow": "2026-12-01T15:00:00+01:00",
        },
        now=NOW,
    )
    assert rows(section) == {
        "next run": "2026-11-30 12:04:00 UTC (in 4 min)",
        "last heartbeat": "2026-11-30 11:59:30 UTC (30 s ago)",
        "tomorrow": "2026-12-01 14:00:00 UTC (in 26 h)",
    }


def test_mappings_and_lists_of_mappings_become_sections() -> None:
    section = describe(
        {
            "system": {"queued": 3, "recent_failures": 1},
            "jobs": [
                {"id": "backup", "trigger": "cron[hour='3', minute='0']"},
                {"trigger": "interval[0:05:00]"},
            ],
        },
        now=NOW,
    )
    assert [sub.title for sub in section.sections] == ["system", "backup", "jobs 2"]
    system, backup, second = section.sections
    assert rows(system) == {"queued jobs": "3", "failed recently": "1"}
    assert rows(backup) == {"trigger": "cron[hour='3', minute='0']"}
    assert rows(second) == {"trigger": "interval[0:05:00]"}


def test_a_worker_status_line_is_split_into_counters() -> None:
    line = "Nov-30 12:00:00 j_complete=7 j_failed=1 j_retried=0 j_ongoing=2 queued=4"
    section = describe({"worker_info": line}, now=NOW)
    (info,) = section.sections
    assert info.title == "worker info"
    assert rows(info) == {
        "reported": "Nov-30 12:00:00",
        "completed jobs": "7",
        "failed jobs": "1",
        "retried jobs": "0",
        "running jobs": "2",
        "queued jobs": "4",
    }


def test_hits_and_misses_give_a_hit_rate() -> None:
    assert rows(describe({"hits": 3, "misses": 1}))["hit rate"] == "75% of 4 lookups"
    assert rows(describe({"hits": 0, "misses": 0}))["hit rate"] == "no lookups"


def test_nothing_to_show_is_empty() -> None:
    assert describe({}).empty
    assert not describe({"a": 1}).empty


async def test_every_value_of_every_registered_check_is_shown() -> None:
    """Whatever details this project's checks report, each value is shown: as a
    row, or as the title of its section (a job's name)."""
    report = await get_registry().run()
    for result in report.checks:
        section = describe(result.details)
        shown = every_row(section)
        assert len(shown) + count_sections(section) >= leaves(result.details), result
        assert all(row.label and row.value for row in shown), result
