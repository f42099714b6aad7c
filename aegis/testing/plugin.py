"""pytest plugin (entry point `pytest11`): the markers the contract suite uses."""

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "generated: installs and runs generated projects (slow)")
