"""Three-way merge of Python modules: statements, classes, imports, registration lists."""

from __future__ import annotations

import ast

from aegis.merge import NodeConflict, merge3

ROUTING = '''"""The API's routers, in the order they are mounted."""

from fastapi import APIRouter

from app.api.health import router as health_router

ROUTERS: list[APIRouter] = [
    health_router,
]


def create_app() -> None:
    """Build the app."""
    configure()
'''

SETTINGS = '''from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    """Settings read from the environment."""

    app_name: str = "demo"
    log_level: str = "INFO"

    def debug(self) -> bool:
        return self.log_level == "DEBUG"


settings = Settings()
'''


def merged(base: str, mine: str, theirs: str, **kwargs: object) -> str:
    assert len({base, mine, theirs}) == 3, "each side changes the base its own way"
    result = merge3("app/module.py", base, mine, theirs, **kwargs)  # type: ignore[arg-type]
    assert result.conflicts == ()
    ast.parse(result.text)
    return result.text


def test_owner_route_and_new_function_body_both_survive() -> None:
    mine = ROUTING.replace(
        "from app.api.health import router as health_router\n",
        "from app.api.health import router as health_router\n"
        "from app.api.orders import router as orders_router\n",
    ).replace("    health_router,\n", "    health_router,\n    orders_router,\n")
    theirs = ROUTING.replace("    configure()\n", "    configure()\n    mount_all()\n")
    assert merged(ROUTING, mine, theirs) == mine.replace(
        "    configure()\n", "    configure()\n    mount_all()\n"
    )


def test_both_sides_add_to_the_same_registration_list() -> None:
    mine = ROUTING.replace("    health_router,\n", "    health_router,\n    orders_router,\n")
    theirs = ROUTING.replace("    health_router,\n", "    health_router,\n    jobs_router,\n")
    text = merged(ROUTING, mine, theirs)
    assert "    health_router,\n    jobs_router,\n    orders_router,\n]" in text


def test_an_item_only_the_owner_has_goes_after_the_item_before_it_there() -> None:
    base = "HOOKS = [\n    a,\n    b,\n    c,\n]\n"
    mine = "HOOKS = [\n    a,\n    mine,\n    b,\n    c,\n]\n"
    theirs = "HOOKS = [\n    new,\n    a,\n    b,\n    c,\n]\n"
    expected = "HOOKS = [\n    new,\n    a,\n    mine,\n    b,\n    c,\n]\n"
    assert merged(base, mine, theirs) == expected


def test_single_line_lists_keep_their_commas() -> None:
    base = "HOOKS = [a, b]\n"
    assert merged(base, "HOOKS = [a, b, c]\n", "HOOKS = [z, a, b]\n") == "HOOKS = [z, a, b, c]\n"
    assert merged(base, "HOOKS = [a]\n", "HOOKS = [a, b, d]\n") == "HOOKS = [a, d]\n"


def test_comments_above_and_beside_list_items_move_with_them() -> None:
    base = "HOOKS = [\n    a,\n    b,\n]\n"
    mine = "HOOKS = [\n    a,\n    # mine, for the mail\n    m,  # keep\n    b,\n]\n"
    theirs = "HOOKS = [\n    a,\n    b,\n    t,\n]\n"
    assert merged(base, mine, theirs) == (
        "HOOKS = [\n    a,\n    # mine, for the mail\n    m,  # keep\n    b,\n    t,\n]\n"
    )


def test_imported_names_are_merged_name_by_name() -> None:
    base = "from app.core import a, b\n"
    mine = "from app.core import a, b, mine\n"
    theirs = "from app.core import a, b, new\n"
    assert merged(base, mine, theirs) == "from app.core import a, b, new, mine\n"
    base = "from app.core import (\n    a,\n    b,\n)\n"
    mine = "from app.core import (\n    a,\n    b,\n    mine,\n)\n"
    theirs = "from app.core import (\n    a,\n    new,\n)\n"
    assert merged(base, mine, theirs) == "from app.core import (\n    a,\n    new,\n    mine,\n)\n"


def test_owner_setting_and_new_method_in_one_class() -> None:
    mine = SETTINGS.replace(
        '    log_level: str = "INFO"\n', '    log_level: str = "INFO"\n    smtp_host: str = ""\n'
    )
    theirs = SETTINGS.replace('== "DEBUG"', 'in ("DEBUG", "TRACE")').replace(
        '    app_name: str = "demo"\n', '    app_name: str = "demo"\n    workers: int = 2\n'
    )
    text = merged(SETTINGS, mine, theirs)
    assert 'workers: int = 2\n    log_level: str = "INFO"\n    smtp_host: str = ""\n' in text
    assert 'in ("DEBUG", "TRACE")' in text


def test_comments_above_a_statement_belong_to_it() -> None:
    base = "import os\n\nA = 1\n\nB = 2\n"
    mine = "import os\n\n# why A is one\nA = 1\n\nB = 2\n"
    theirs = "import os\n\nA = 1\n\nB = 3\n"
    assert merged(base, mine, theirs) == "import os\n\n# why A is one\nA = 1\n\nB = 3\n"


def test_the_owners_comment_and_new_spacing_above_a_statement_both_land() -> None:
    base = "import os\n\nA = 1\n"
    mine = "import os\n\n# why A is one\nA = 1\n"
    theirs = "import os\n\n\nA = 2\n"
    assert merged(base, mine, theirs) == "import os\n\n\n# why A is one\nA = 2\n"


def test_comments_both_sides_put_above_a_changed_statement_are_a_conflict() -> None:
    base = "import os\n\nA = 1\n"
    mine = "import os\n\n# ours\nA = 1\n"
    theirs = "import os\n\n# theirs\nA = 2\n"
    result = merge3("app/a.py", base, mine, theirs)
    assert [c.element for c in result.conflicts] == ["the comments above A"]
    assert result.text == "import os\n\n# ours\nA = 2\n"


def test_new_statements_of_both_sides_are_kept_in_place() -> None:
    base = "A = 1\nB = 2\n"
    mine = "A = 1\nMINE = 0\nB = 2\n"
    theirs = "A = 1\nB = 2\nNEW = 3\n"
    assert merged(base, mine, theirs) == "A = 1\nMINE = 0\nB = 2\nNEW = 3\n"


def test_removal_by_one_side_of_what_the_other_left_alone() -> None:
    base = "A = 1\nB = 2\nC = 3\n"
    assert merged(base, "A = 1\nC = 3\n", "A = 1\nB = 2\nC = 4\n") == "A = 1\nC = 4\n"


def test_the_same_change_on_both_sides_is_no_conflict() -> None:
    base = "def f() -> int:\n    return 1\n"
    same = "def f() -> int:\n    return 2\n"
    assert merged(base, same + "X = 1\n", same) == same + "X = 1\n"


def test_both_changed_a_function_differently_is_a_conflict() -> None:
    base = "def create_app() -> int:\n    return 1\n\n\nA = 1\n"
    mine = base.replace("return 1", "return 2").replace("A = 1", "A = 5")
    theirs = base.replace("return 1", "return 3")
    result = merge3("app/main.py", base, mine, theirs)
    assert result.conflicts == (
        NodeConflict(
            "def create_app",
            "def create_app() -> int:\n    return 2",
            "def create_app() -> int:\n    return 3",
        ),
    )
    assert result.text == mine
    taken = merge3("app/main.py", base, mine, theirs, prefer="theirs")
    assert taken.conflicts == result.conflicts
    assert taken.text == theirs.replace("A = 1", "A = 5")
    assert merge3("app/main.py", base, mine, theirs, prefer="mine").text == mine


def test_a_removed_function_the_other_side_changed_is_a_conflict() -> None:
    base = "def f() -> int:\n    return 1\n\n\nA = 1\n"
    mine = "A = 1\n"
    theirs = base.replace("return 1", "return 2")
    result = merge3("app/main.py", base, mine, theirs)
    assert [(c.element, c.mine) for c in result.conflicts] == [("def f", "(deleted)")]
    assert result.text == mine
    # the owner's removal took the blank lines above `A` with it
    taken = merge3("app/main.py", base, mine, theirs, prefer="theirs").text
    assert taken == theirs.replace("\n\n\nA", "\nA")


def test_class_members_changed_differently_name_the_class() -> None:
    mine = SETTINGS.replace('app_name: str = "demo"', 'app_name: str = "shop"')
    theirs = SETTINGS.replace('app_name: str = "demo"', 'app_name: str = "svc"')
    result = merge3("app/core/config.py", SETTINGS, mine, theirs)
    assert [c.element for c in result.conflicts] == ["class Settings > app_name"]


def test_a_version_that_does_not_parse_is_a_conflict_on_the_whole_file() -> None:
    result = merge3("app/main.py", "A = 1\n", "A = (\n", "A = 2\n")
    assert [c.element for c in result.conflicts] == ["the whole file"]
    assert result.text == "A = (\n"
    assert merge3("app/main.py", "A = (\n", "A = 1\n", "A = (\n").text == "A = 1\n"


def test_tuples_sets_and_dicts_are_merged_by_item() -> None:
    base = 'COLOURS = ("cyan", "green")\nNAMES = {"a", "b"}\nLABELS = {"a": "A", "b": "B"}\n'
    mine = 'COLOURS = ("cyan", "green", "red")\nNAMES = {"a"}\nLABELS = {"a": "A", "b": "Be"}\n'
    theirs = (
        'COLOURS = ("blue", "cyan", "green")\nNAMES = {"a", "b", "c"}\n'
        'LABELS = {"a": "Ay", "b": "B"}\n'
    )
    assert merged(base, mine, theirs) == (
        'COLOURS = ("blue", "cyan", "green", "red")\nNAMES = {"a", "c"}\n'
        'LABELS = {"a": "Ay", "b": "Be"}\n'
    )


def test_a_tuple_left_with_one_item_keeps_its_comma() -> None:
    assert merged("T = (a, b, c)\n", "T = (a, b)\n", "T = (a, c)\n") == "T = (a,)\n"


def test_a_dict_value_changed_differently_names_the_key() -> None:
    base = 'LABELS: dict[str, str] = {\n    "cpu": "CPU",\n    "disk": "Disk",\n}\n'
    mine = base.replace('"CPU"', '"Processor"')
    theirs = base.replace('"CPU"', '"cpu"')
    result = merge3("app/labels.py", base, mine, theirs)
    assert result.conflicts == (
        NodeConflict('LABELS: "cpu"', '"cpu": "Processor"', '"cpu": "cpu"'),
    )


def test_registration_list_conflict_names_the_list() -> None:
    base = "ROUTERS = [\n    a,\n]\n"
    mine = "ROUTERS = [\n    a,  # mine\n]\n"
    theirs = "ROUTERS = [\n    a,  # theirs\n]\n"
    result = merge3("app/routing.py", base, mine, theirs)
    assert [c.element for c in result.conflicts] == ["ROUTERS: a"]


def test_if_blocks_are_merged_statement_by_statement() -> None:
    base = "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import a\n"
    mine = base + "    import mine\n"
    theirs = base.replace("    import a\n", "    import a\n    import new\n")
    assert merged(base, mine, theirs) == base + "    import new\n    import mine\n"


def test_calls_are_identified_by_callee_and_first_argument() -> None:
    base = 'app.include_router(health, prefix="/health")\napp.mount("/static", files)\n'
    mine = base.replace('"/static", files', '"/static", files, name="static"')
    theirs = base.replace('prefix="/health"', 'prefix="/healthz"')
    assert merged(base, mine, theirs) == (
        'app.include_router(health, prefix="/healthz")\n'
        'app.mount("/static", files, name="static")\n'
    )
    both = merge3(
        "app/main.py", base, base.replace("/health", "/h1"), base.replace("/health", "/h2")
    )
    assert [c.element for c in both.conflicts] == ['app.include_router(health, prefix="/h1")']


def test_a_docstring_both_sides_rewrote_is_one_conflict_not_two_docstrings() -> None:
    base = '"""Routes."""\n\nA = 1\n'
    mine = '"""The routes of the shop."""\n\nA = 1\n'
    theirs = '"""Routes of the API."""\n\nA = 2\n'
    result = merge3("app/routing.py", base, mine, theirs)
    assert [(c.element, c.mine, c.theirs) for c in result.conflicts] == [
        ('"""Routes."""', '"""The routes of the shop."""', '"""Routes of the API."""')
    ]
    assert result.text == '"""The routes of the shop."""\n\nA = 2\n'


def test_imports_both_sides_added_next_to_each_other_stay_sorted() -> None:
    """Each side's new `from` import goes to its sorted place in its run of imports (ruff's
    isort order), whichever side's layout the merge follows; a new section stays one."""
    one = "from app.api.health import router as health_router\n"
    items = "from app.api.items import router as items_router\n"
    notes = "from app.api.notes import router as notes_router\n"
    probes = "from app.api.probes import router as probes_router\n"
    mine = ROUTING.replace(one, one + notes)
    theirs = ROUTING.replace(one, one + items + probes)
    expected = ROUTING.replace(one, one + items + notes + probes)
    assert merge3("app/api/routing.py", ROUTING, mine, theirs).text == expected
    assert merge3("app/api/routing.py", ROUTING, theirs, mine).text == expected
    zzz = "\nfrom zzz.api import router as zzz_router\n"
    result = merge3("app/api/routing.py", ROUTING, ROUTING.replace(one, one + zzz), theirs)
    assert one + items + probes + zzz in result.text


def test_a_block_the_owner_indented_otherwise_leaves_the_other_blocks_as_they_are() -> None:
    """libcst takes a module's default indentation from its first block: once the owner
    re-indents that block, the blocks after it must still be printed as they are written."""
    base = (
        "def first() -> int:\n    with opened() as thing:\n        return thing.value\n\n\n"
        "def second() -> int:\n    return 2\n"
    )
    mine = base.replace("    with opened() as thing:\n", "")
    theirs = base.replace("return 2", "return 3")
    assert merged(base, mine, theirs) == mine.replace("return 2", "return 3")
