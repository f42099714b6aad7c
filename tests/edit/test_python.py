"""Python edit primitives: before -> after -> before, idempotency, order, ruff."""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Callable

import libcst as cst
import pytest

from aegis.edit import python as py
from aegis.edit.base import AnchorNotFound, EditError, Placement
from aegis.edit.outline import PartialModule
from tests.edit.support import assert_ruff_clean, ruff

CHECKS = '''"""Health checks run by the registry."""

from app.core.health import HealthCheck
from app.services.system_health import check_cpu, check_disk, check_memory

HEALTH_CHECKS: list[HealthCheck] = [
    check_cpu,
    check_memory,
    check_disk,
]
'''

LIFECYCLE = '''"""Hooks run when the web server starts and stops."""

from collections.abc import Awaitable, Callable

from app.core.logging import configure_logging

Hook = Callable[[], Awaitable[None]]

STARTUP_HOOKS: list[Hook] = []
SHUTDOWN_HOOKS: list[Hook] = []


async def log_startup() -> None:
    configure_logging()
'''

# The same list as CHECKS after a user's edits: comments, an extra item, reformatted.
CHECKS_USER = '''"""Health checks run by the registry."""

import os

from app.core.health import HealthCheck  # the protocol
from app.services.system_health import (
    check_cpu,
    check_disk,
    check_memory,
    check_network_interfaces,
)
from app.services.user_checks import check_mail

HEALTH_CHECKS: list[HealthCheck] = [  # order matters for the dashboard
    # system
    check_cpu,
    check_memory,  # memory
    check_disk,
    # mine
    check_mail,
    # end of list
]
'''

CONFIG = '''"""Settings read from the environment."""

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict

from app.core.constants import APP_NAME


class Settings(BaseSettings):
    """Application settings."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    app_name: str = APP_NAME
    cpu_warning_percent: float = 90.0

    def describe(self) -> str:
        """A one-line summary."""
        name = self.app_name
        return name


@lru_cache
def get_settings() -> Settings:
    return Settings()
'''

ITEMS = ["check_database", "check_scheduler", "check_redis", "check_worker"]
RANKS = {py.expression_identity(item): (10 * (i + 1), 0) for i, item in enumerate(ITEMS)}


def item_placement(item: str) -> Placement:
    return Placement(RANKS[py.expression_identity(item)], RANKS.get)


@pytest.fixture(params=["libcst", "partial"])
def parse(request: pytest.FixtureRequest) -> Callable[[str], py.Module]:
    """Each test runs on a whole libcst module and on the partial module the engine opens."""
    if request.param == "libcst":
        return cst.parse_module
    return PartialModule.read


# -- identities ------------------------------------------------------------------------


def test_expression_identity_ignores_layout_and_comments() -> None:
    one = py.expression_identity("typer.Typer(name='db', help=\"x\")")
    two = py.expression_identity('typer.Typer(  # group\n    name="db",\n    help="x",\n)')
    assert one == two
    assert one != py.expression_identity('typer.Typer(name="cache", help="x")')


def test_statement_identity_is_the_bound_name_or_the_tree() -> None:
    assert py.statement_identity('redis_url: str = "redis://localhost"') == "redis_url"
    assert py.statement_identity("# Redis\n\nredis_url = 'x'") == "redis_url"
    assert py.statement_identity("async def check_redis() -> None:\n    pass") == "check_redis"
    assert py.statement_identity("class Job:\n    pass") == "Job"
    call = py.statement_identity("app.include_router(router)")
    assert call == py.statement_identity("app.include_router(  # api\n    router\n)")
    assert call != py.statement_identity("app.include_router(other)")


# -- lists -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "name"),
    [
        (CHECKS, "HEALTH_CHECKS"),
        (CHECKS_USER, "HEALTH_CHECKS"),
        (LIFECYCLE, "STARTUP_HOOKS"),
    ],
)
def test_list_items_in_any_order_give_the_same_bytes_and_remove_back(
    source: str, name: str, parse: Callable[[str], py.Module]
) -> None:
    results = set()
    for order in itertools.permutations(ITEMS):
        module = parse(source)
        for item in order:
            module = py.add_list_item(module, name, item, item_placement(item))
        results.add(module.code)
        module = parse(module.code)  # the engine parses the file again for `remove`
        for item in order:
            module = py.remove_list_item(module, name, item)
        assert module.code == source
    assert len(results) == 1
    result = results.pop()
    assert_ruff_clean(result)
    body = result.split(f"{name}")[1]
    positions = [body.index(item) for item in ITEMS]
    assert positions == sorted(positions)


def test_list_item_goes_after_user_items_and_keeps_comments(
    parse: Callable[[str], py.Module],
) -> None:
    module = py.add_list_item(
        parse(CHECKS_USER),
        "HEALTH_CHECKS",
        "check_redis",
        item_placement("check_redis"),
    )
    assert "    check_mail,\n    check_redis,\n    # end of list\n]" in module.code
    assert "    check_memory,  # memory\n" in module.code
    assert_ruff_clean(module.code)


def test_empty_list_explodes_and_collapses_back(parse: Callable[[str], py.Module]) -> None:
    module = py.add_list_item(
        parse(LIFECYCLE),
        "STARTUP_HOOKS",
        "connect_redis",
        Placement((30, 0), lambda _: None),
    )
    assert "STARTUP_HOOKS: list[Hook] = [\n    connect_redis,\n]\n" in module.code
    assert_ruff_clean(module.code)
    assert py.remove_list_item(module, "STARTUP_HOOKS", "connect_redis").code == LIFECYCLE


def test_list_item_is_idempotent_and_found_after_reformatting(
    parse: Callable[[str], py.Module],
) -> None:
    item = 'typer.Typer(name="db", help="Database commands")'
    source = "from app.cli.health import app as health\n\n"
    source += "COMMAND_GROUPS = [\n    health,\n]\n"
    placement = Placement((10, 0), lambda _: None)
    once = py.add_list_item(parse(source), "COMMAND_GROUPS", item, placement)
    assert py.add_list_item(once, "COMMAND_GROUPS", item, placement).code == once.code
    # The user reformats the item; it is still the same item.
    reformatted = once.code.replace(
        item,
        'typer.Typer(\n        name="db",  # the db group\n'
        '        help="Database commands",\n    )',
    )
    again = py.add_list_item(parse(reformatted), "COMMAND_GROUPS", item, placement)
    assert again.code == reformatted
    assert py.remove_list_item(parse(reformatted), "COMMAND_GROUPS", item).code == source


def test_inline_list_stays_inline(parse: Callable[[str], py.Module]) -> None:
    source = "from app.x import a, b\n\nNAMES = [a, b]\n"
    placement = Placement((10, 0), lambda _: None)
    module = py.add_list_item(parse(source), "NAMES", "c", placement)
    assert module.code.endswith("NAMES = [a, b, c]\n")
    assert py.remove_list_item(module, "NAMES", "c").code == source


def test_missing_list_is_reported(parse: Callable[[str], py.Module]) -> None:
    with pytest.raises(AnchorNotFound) as error:
        py.add_list_item(parse(CONFIG), "HEALTH_CHECKS", "x", Placement((1,), lambda _: None))
    assert str(error.value) == "the list `HEALTH_CHECKS`"
    with pytest.raises(AnchorNotFound):
        py.remove_list_item(parse(CONFIG), "ROUTERS", "x")


# -- imports ---------------------------------------------------------------------------

IMPORTS = [
    ("app.components.backend.api.redis", "router"),
    ("app.services.system_health", "check_load"),
    ("app.services.system_health", "LOAD_LIMIT"),
    ("app.services.system_health", "LoadCheck"),
    ("app.components.redis", "check_redis"),
    ("app.core.health", "Status"),
    ("app.aaa", "first"),
    ("app.zzz", "last"),
    ("app.services.redis", "close_redis"),
]


@pytest.mark.parametrize("source", [CHECKS, CHECKS_USER, LIFECYCLE, CONFIG])
def test_imports_are_sorted_merged_and_removed_exactly(
    source: str, parse: Callable[[str], py.Module]
) -> None:
    results = set()
    for order in itertools.islice(itertools.permutations(IMPORTS), 0, None, 9973):
        module = parse(source)
        for module_name, name in order:
            module = py.add_import(module, module_name, name)
            assert py.add_import(module, module_name, name) is module
        results.add(module.code)
        module = parse(module.code)
        for module_name, name in order:
            module = py.remove_import(module, module_name, name)
        assert module.code == source
    assert len(results) == 1
    result = results.pop()
    checked = ruff("check", "--select", "I", source=result)
    assert checked.returncode == 0, result + checked.stdout
    assert_ruff_clean(result)


def test_merged_names_follow_isort_order(parse: Callable[[str], py.Module]) -> None:
    module = parse(CHECKS)
    for name in ["check_load", "LoadCheck", "LOAD_LIMIT", "Check_b", "a_check"]:
        module = py.add_import(module, "app.services.system_health", name)
    assert (
        "from app.services.system_health import (\n    LOAD_LIMIT,\n    Check_b,\n"
        "    LoadCheck,\n    a_check,\n    check_cpu,\n    check_disk,\n"
        "    check_load,\n    check_memory,\n)\n" in module.code
    )


def test_import_with_alias(parse: Callable[[str], py.Module]) -> None:
    module = py.add_import(parse(CHECKS), "app.components.redis", "check", "check_redis")
    assert "from app.components.redis import check as check_redis\n" in module.code
    assert py.add_import(module, "app.components.redis", "check", "check_redis") is module
    assert py.remove_import(module, "app.components.redis", "check", "check_redis").code == CHECKS


def test_long_merge_uses_the_parenthesized_form_and_collapses_back(
    parse: Callable[[str], py.Module],
) -> None:
    source = (
        "from app.services.system_health import check_cpu_usage, check_disk_usage\n\n"
        "CHECKS = [check_cpu_usage, check_disk_usage]\n"
    )
    module = py.add_import(parse(source), "app.services.system_health", "check_memory_usage")
    assert module.code.startswith(
        "from app.services.system_health import (\n    check_cpu_usage,\n"
        "    check_disk_usage,\n    check_memory_usage,\n)\n"
    )
    assert_ruff_clean(module.code)
    assert (
        py.remove_import(module, "app.services.system_health", "check_memory_usage").code == source
    )


def test_long_new_import_is_parenthesized(parse: Callable[[str], py.Module]) -> None:
    module = py.add_import(
        parse(CHECKS),
        "app.components.backend.api.very_long_module_name.and_more",
        "a_rather_long_function_name",
    )
    assert (
        "from app.components.backend.api.very_long_module_name.and_more import (\n"
        "    a_rather_long_function_name,\n)\n" in module.code
    )
    assert_ruff_clean(module.code)


def test_import_needs_a_first_party_import(parse: Callable[[str], py.Module]) -> None:
    with pytest.raises(AnchorNotFound):
        py.add_import(parse("import os\n"), "app.x", "y")


def test_import_of_what_is_not_a_name_is_refused(parse: Callable[[str], py.Module]) -> None:
    with pytest.raises(EditError, match=r"`check\(\)` is not a name to import"):
        py.add_import(parse(CHECKS), "app.services.system_health", "check()")


def test_names_of_a_star_import_are_not_edited(parse: Callable[[str], py.Module]) -> None:
    module_name = "app.components.backend.api." + "long_module_name." * 4 + "star"
    with pytest.raises(EditError, match=r"`from app\.\S+\.star import \*` cannot be edited"):
        py.add_import(parse(CHECKS), module_name, "*")


def test_remove_absent_import_is_a_no_op(parse: Callable[[str], py.Module]) -> None:
    module = parse(CHECKS)
    assert py.remove_import(module, "app.components.redis", "check_redis") is module
    assert py.remove_import(module, "app.core.health", "Status") is module


# -- statements ------------------------------------------------------------------------

FIELDS = [
    '# Database\n\ndatabase_url: str = "sqlite:///./data/app.db"',
    "scheduler_timezone: str = 'UTC'",
    '\n# Redis\nredis_url: str = "redis://localhost:6379/0"',
    "worker_concurrency: int = 10",
]
FIELD_RANKS = {py.statement_identity(code): (10 * (i + 1), 0) for i, code in enumerate(FIELDS)}


def field_placement(code: str) -> Placement:
    return Placement(FIELD_RANKS[py.statement_identity(code)], FIELD_RANKS.get)


def test_settings_fields_in_any_order_give_the_same_bytes_and_remove_back(
    parse: Callable[[str], py.Module],
) -> None:
    results = set()
    for order in itertools.permutations(FIELDS):
        module = parse(CONFIG)
        for code in order:
            module = py.add_statement(
                module,
                "Settings",
                code,
                field_placement(code),
                after="cpu_warning_percent",
            )
            again = py.add_statement(module, "Settings", code, field_placement(code))
            assert again is module
        results.add(module.code)
        module = parse(module.code)
        for code in order:
            module = py.remove_statement(module, "Settings", code)
        assert module.code == CONFIG
    assert len(results) == 1
    result = results.pop()
    assert (
        "    cpu_warning_percent: float = 90.0\n"
        "    # Database\n\n"
        '    database_url: str = "sqlite:///./data/app.db"\n'
        "    scheduler_timezone: str = 'UTC'\n\n"
        "    # Redis\n"
        '    redis_url: str = "redis://localhost:6379/0"\n'
        "    worker_concurrency: int = 10\n\n"
        "    def describe(self) -> str:\n" in result
    )


def test_statement_at_the_end_of_a_scope_passes_ruff(parse: Callable[[str], py.Module]) -> None:
    module = py.add_statement(
        parse(CONFIG),
        "Settings",
        '\n# Redis\nredis_url: str = "x"',
        Placement((30, 0), lambda _: None),
    )
    assert (
        '        return name\n\n    # Redis\n    redis_url: str = "x"\n\n\n@lru_cache'
        in module.code
    )
    assert_ruff_clean(module.code)
    function = "\n\nasync def close_redis() -> None:\n"
    function += '    """Close it."""\n    await pool.aclose()'
    module = py.add_statement(parse(CONFIG), "", function, Placement((30, 0), lambda _: None))
    assert module.code.endswith(
        "    return Settings()\n\n\nasync def close_redis() -> None:\n"
        '    """Close it."""\n    await pool.aclose()\n'
    )
    assert_ruff_clean(module.code)
    assert py.remove_statement(module, "", function).code == CONFIG


def test_statements_in_functions_and_methods(parse: Callable[[str], py.Module]) -> None:
    placement = Placement((30, 0), lambda _: None)
    # `name` is bound by an assignment already: identity by name, so nothing is added.
    same = parse(CONFIG)
    assert py.add_statement(same, "Settings.describe", "name = 'x'", placement) is same
    module = py.add_statement(
        parse(CONFIG), "Settings.describe", "print(name)", placement, after="name"
    )
    assert "        name = self.app_name\n        print(name)\n        return name\n" in module.code
    assert_ruff_clean(module.code)
    assert py.remove_statement(module, "Settings.describe", "print( name )").code == CONFIG
    module = py.add_statement(parse(CONFIG), "get_settings", "# build it\nprint('x')", placement)
    assert "    return Settings()\n    # build it\n    print('x')\n" in module.code
    assert py.remove_statement(module, "get_settings", "print('x')").code == CONFIG


def test_changed_statement_is_left_alone(parse: Callable[[str], py.Module]) -> None:
    code = 'redis_url: str = "redis://localhost:6379/0"'
    placement = Placement((30, 0), lambda _: None)
    module = py.add_statement(parse(CONFIG), "Settings", code, placement)
    changed = parse(module.code.replace("localhost:6379", "cache:6380"))
    assert py.add_statement(changed, "Settings", code, placement) is changed
    assert py.remove_statement(changed, "Settings", code) is changed
    reformatted = parse(module.code.replace(code, code + "  # where redis is"))
    assert py.remove_statement(reformatted, "Settings", code).code == CONFIG


def test_missing_scopes_are_reported(parse: Callable[[str], py.Module]) -> None:
    placement = Placement((1,), lambda _: None)
    with pytest.raises(AnchorNotFound, match="the class or function `Config`"):
        py.add_statement(parse(CONFIG), "Config", "x = 1", placement)
    with pytest.raises(AnchorNotFound, match="the method `Settings.validate`"):
        py.add_statement(parse(CONFIG), "Settings.validate", "x = 1", placement)
    with pytest.raises(AnchorNotFound, match="the class `get_settings`"):
        py.remove_statement(parse(CONFIG), "get_settings.inner", "x = 1")


# -- values ----------------------------------------------------------------------------


def test_replace_value_and_its_inverse(parse: Callable[[str], py.Module]) -> None:
    source = (
        "from app.core.health import Status\n\nDEFAULT = Status.HEALTHY\nTIMEOUT: float = 5.0\n"
    )
    module = py.replace_value(parse(source), "TIMEOUT", "5.0", "10.0")
    assert "TIMEOUT: float = 10.0\n" in module.code
    assert py.replace_value(module, "TIMEOUT", "5.0", "10.0") is module
    assert py.replace_value(module, "TIMEOUT", "10.0", "5.0").code == source
    with pytest.raises(AnchorNotFound, match="`TIMEOUT = 1.0`"):
        py.replace_value(parse(source), "TIMEOUT", "1.0", "2.0")
    with pytest.raises(AnchorNotFound, match="`MISSING = ...`"):
        py.replace_value(parse(source), "MISSING", "1.0", "2.0")


def test_malformed_code_raises_the_parser_error(parse: Callable[[str], py.Module]) -> None:
    with pytest.raises(cst.ParserSyntaxError):
        cst.parse_module("HEALTH_CHECKS = [\n")
    with pytest.raises(SyntaxError):
        PartialModule.read("HEALTH_CHECKS = [\n")
    with pytest.raises(SyntaxError):
        py.add_list_item(parse(CHECKS), "HEALTH_CHECKS", "check(", item_placement("check_redis"))


def test_libcst_matchers_are_not_imported() -> None:
    code = "import sys, aegis.edit.python; print('libcst.matchers' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout == "False\n", done.stderr
