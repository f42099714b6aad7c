"""A check's `details`, turned into labelled rows for people to read.

Works on whatever a check reports: scalars become rows, mappings and lists of
mappings become sub-sections. Keys with a known meaning get a friendlier label and
unit (`*_bytes` as sizes, `*_ms` as milliseconds, ISO timestamps with how far away
they are), and a few well-known shapes get a derived row (a cache hit rate, the
counters of an arq worker's health line).
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

LABELS: dict[str, str] = {
    "j_ongoing": "running jobs",
    "j_complete": "completed jobs",
    "j_failed": "failed jobs",
    "j_retried": "retried jobs",
    "queued": "queued jobs",
    "recent_failures": "failed recently",
    "failed_job_ids": "failed job ids",
    "worker_alive": "worker alive",
    "used_memory": "memory used",
    "query_ms": "query latency",
    "next_run_time": "next run",
    "url": "URL",
}
TITLE_KEYS = ("name", "id", "queue")
UNIT_SUFFIXES = ("_bytes", "_ms", "_seconds", "_percent")
ISO_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
STATUS_LINE = re.compile(r"^(?P<prefix>.*?)\s*(?P<counters>(?:\b\w+=[\w.]+\s*){2,})$")
COUNTER = re.compile(r"(\w+)=([\w.]+)")


@dataclass(frozen=True)
class DetailRow:
    """One labelled value."""

    label: str
    value: str


@dataclass
class DetailSection:
    """Rows, then nested sections (a queue, a job, ...)."""

    title: str
    rows: list[DetailRow] = field(default_factory=list)
    sections: list["DetailSection"] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Whether there is nothing to show."""
        return not self.rows and not self.sections


def label(key: str) -> str:
    """`heartbeat_age_seconds` -> `heartbeat age`; known keys get their own label."""
    if key in LABELS:
        return LABELS[key]
    for suffix in UNIT_SUFFIXES:
        if key.endswith(suffix) and key != suffix.lstrip("_"):
            key = key.removesuffix(suffix)
            break
    return key.replace("_", " ")


def size(count: float) -> str:
    """A byte count in binary units: `1.5 GiB`."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(count) < 1024 or unit == "TiB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    raise AssertionError("unreachable")


def relative(moment: datetime, now: datetime) -> str:
    """`in 4 min`, `12 s ago`."""
    seconds = (moment - now).total_seconds()
    amount = abs(seconds)
    if amount < 90:
        text = f"{amount:.0f} s"
    elif amount < 90 * 60:
        text = f"{amount / 60:.0f} min"
    elif amount < 48 * 3600:
        text = f"{amount / 3600:.0f} h"
    else:
        text = f"{amount / 86400:.0f} days"
    return f"in {text}" if seconds >= 0 else f"{text} ago"


def timestamp(text: str, now: datetime) -> str:
    """An ISO timestamp as UTC time, with how far from now it is."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC ({relative(moment, now)})"


def scalar(key: str, value: object, now: datetime) -> str:
    """One value, formatted by its key's unit and its type."""
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        if key.endswith("_bytes"):
            return size(value)
        if key.endswith("_ms"):
            return f"{value:.1f} ms"
        if key.endswith("_seconds"):
            return f"{value:g} s"
        if key == "percent" or key.endswith("_percent"):
            return f"{value:g} %"
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, str) and ISO_TIMESTAMP.match(value):
        return timestamp(value, now)
    return str(value)


def counters(text: str) -> list[DetailRow] | None:
    """Rows for a `[prefix] key=value key=value ...` line (arq's worker health)."""
    line = STATUS_LINE.match(text.strip())
    if line is None:
        return None
    prefix = line["prefix"]
    rows = [DetailRow("reported", prefix)] if prefix else []
    found = COUNTER.findall(line["counters"])
    return rows + [DetailRow(label(key), value) for key, value in found]


def titled(item: dict[str, Any], fallback: str) -> tuple[str, dict[str, Any]]:
    """A list item's title (its name, id or queue) and its other keys."""
    for key in TITLE_KEYS:
        if isinstance(item.get(key), str) and item[key]:
            return str(item[key]), {k: v for k, v in item.items() if k != key}
    return fallback, item


def derived_rows(details: dict[str, Any]) -> list[DetailRow]:
    """Rows computed from well-known keys: the hit rate of hit/miss counters."""
    hits, misses = details.get("hits"), details.get("misses")
    if isinstance(hits, int) and isinstance(misses, int):
        lookups = hits + misses
        rate = f"{hits / lookups:.0%} of {lookups} lookups" if lookups else "no lookups"
        return [DetailRow("hit rate", rate)]
    return []


def describe(
    details: dict[str, Any], title: str = "", now: datetime | None = None
) -> DetailSection:
    """The rows and sub-sections that show `details`."""
    now = now or datetime.now(UTC)
    section = DetailSection(title, rows=derived_rows(details))
    for key, value in details.items():
        if isinstance(value, dict):
            section.sections.append(describe(value, label(key), now))
        elif (
            isinstance(value, list)
            and value
            and all(isinstance(v, dict) for v in value)
        ):
            for number, item in enumerate(value, start=1):
                name, rest = titled(item, f"{label(key)} {number}")
                section.sections.append(describe(rest, name, now))
        elif isinstance(value, list):
            shown = ", ".join(scalar(key, item, now) for item in value) or "none"
            section.rows.append(DetailRow(label(key), shown))
        elif isinstance(value, str) and (rows := counters(value)) is not None:
            section.sections.append(DetailSection(label(key), rows=rows))
        else:
            section.rows.append(DetailRow(label(key), scalar(key, value, now)))
    return section
