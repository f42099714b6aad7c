"""Scheduling of Aegis's own suite over pytest-xdist workers (`--dist loadgroup`).

Generated projects share this machine's Redis databases and queue names, so the tests that
run them stay in one group, one after another on one worker; everything else spreads over
the workers beside them.
"""

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("generated"):
            item.add_marker(pytest.mark.xdist_group("generated"))
