"""The renames migration steps make, on text: each one idempotent, undone by the reverse
rename, and blind to what only looks like the name (tests/test_update.py runs whole
migrations through `aegis update`)."""

from __future__ import annotations

import re
import string

from hypothesis import given
from hypothesis import strategies as st

from aegis.migrations import (
    rename_environment,
    rename_field,
    rename_imports,
    rename_setting_reads,
    rename_variable,
)

CONFIG = '''class Settings(BaseSettings):
    """The settings."""

    # Seconds to wait.
    probe_timeout: int = 1
    other: str = "probe_timeout"

    def probe(self) -> int:
        probe_timeout: int = 3
        return probe_timeout


probe_timeout: int = 9
'''

COMPOSE = """x-app: &app
  environment:
    PROBE_TIMEOUT: "1"
    OTHER: x
services:
  web:
    <<: *app
    environment:
      - PROBE_TIMEOUT=2
      - PROBE_TIMEOUT_MS=3
  worker:
    environment:
      PROBE_TIMEOUT: "1"
      PROBE_DEADLINE: "5"
"""

names = st.text(string.ascii_lowercase + "_", min_size=1, max_size=8).map(lambda s: "a" + s)


def test_a_field_is_renamed_in_its_class_only():
    renamed = rename_field(CONFIG, "probe_timeout", "probe_deadline", "Settings")
    assert "    # Seconds to wait.\n    probe_deadline: int = 1\n" in renamed
    assert renamed.count("probe_timeout") == CONFIG.count("probe_timeout") - 1
    assert rename_field(renamed, "probe_timeout", "probe_deadline", "Settings") == renamed
    assert rename_field(renamed, "probe_deadline", "probe_timeout", "Settings") == CONFIG


def test_a_field_whose_new_name_exists_is_left_alone():
    both = CONFIG.replace('    other: str = "probe_timeout"\n', "    probe_deadline: int = 2\n")
    assert rename_field(both, "probe_timeout", "probe_deadline", "Settings") == both


def test_environments_of_the_compose_file_are_renamed_in_place():
    renamed = rename_environment(COMPOSE, "PROBE_TIMEOUT", "PROBE_DEADLINE")
    assert renamed == COMPOSE.replace(
        '    PROBE_TIMEOUT: "1"\n    OTHER', '    PROBE_DEADLINE: "1"\n    OTHER'
    ).replace("- PROBE_TIMEOUT=2", "- PROBE_DEADLINE=2")
    assert rename_environment(renamed, "PROBE_TIMEOUT", "PROBE_DEADLINE") == renamed


@given(st.lists(st.tuples(names, st.integers(0, 99)), max_size=6), names, names)
def test_env_variables_rename_once_and_back(lines, old, new):
    text = "".join(f"{name.upper()}={value}\n" for name, value in lines)
    old, new = old.upper(), new.upper()
    once = rename_variable(text, old, new)
    assert rename_variable(once, old, new) == once
    had_new = any(name.upper() == new for name, _ in lines)
    if not had_new and old != new:
        assert rename_variable(once, new, old) == text
        assert f"\n{old}=" not in f"\n{once}"


def test_imports_of_a_module_and_its_submodules_are_renamed():
    source = (
        "import app.core.steady\n"
        "import app.core.steady_more\n"
        "from app.core.steady import LEVEL\n"
        "from app.core.steady.deep import x as y\n"
        "from app.core import steady\n"
        "from . import steady as local\n"
    )
    renamed = rename_imports(source, "app.core.steady", "app.core.constants")
    assert renamed == (
        "import app.core.constants\n"
        "import app.core.steady_more\n"
        "from app.core.constants import LEVEL\n"
        "from app.core.constants.deep import x as y\n"
        "from app.core import steady\n"
        "from . import steady as local\n"
    )
    assert rename_imports(renamed, "app.core.steady", "app.core.constants") == renamed


def test_reads_of_a_setting_are_renamed_and_nothing_else():
    source = """from app.core.config import get_settings, settings


class Settings:
    def wait(self) -> int:
        return self.probe_timeout * 2


class Probe:
    def __init__(self) -> None:
        self.probe_timeout = 3  # its own attribute, not a setting

    def wait(self) -> int:
        return self.probe_timeout + self.app_settings.probe_timeout


def seconds(request: Request) -> int:
    first = get_settings().probe_timeout
    second = settings.probe_timeout + request.app.state.settings.probe_timeout
    return first + second + request.probe_timeout + config.get_settings().probe_timeouts
"""
    renamed = rename_setting_reads(source, "probe_timeout", "probe_deadline")
    assert renamed == source.replace(
        "return self.probe_timeout * 2", "return self.probe_deadline * 2"
    ).replace("self.app_settings.probe_timeout", "self.app_settings.probe_deadline").replace(
        "get_settings().probe_timeout\n", "get_settings().probe_deadline\n"
    ).replace(
        "settings.probe_timeout + request.app.state.settings.probe_timeout",
        "settings.probe_deadline + request.app.state.settings.probe_deadline",
    )
    # Probe's own attribute (twice) and the request's stay, and so does another name
    assert re.findall(r"\bprobe_timeout\b", renamed) == ["probe_timeout"] * 3
    assert rename_setting_reads(renamed, "probe_timeout", "probe_deadline") == renamed
    assert rename_setting_reads(renamed, "probe_deadline", "probe_timeout") == source
