"""Owner edits of the core project merged into the version with every component, as
`aegis update` would after the owner added a route, a setting, a dependency, a compose
variable: each edit survives and each new-version change lands."""

from __future__ import annotations

import ast
import tomllib

from ruamel.yaml import YAML

from aegis.merge import merge3
from tests.merge.test_laws import _generated


def versions(path: str) -> tuple[str, str]:
    """The core project's and the full project's versions of `path`."""
    base, theirs = next((b, t) for p, b, t in _generated() if p == path)
    assert base != theirs
    return base, theirs


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def names(text: str, variable: str) -> list[str]:
    """The names listed in the module-level list `variable`."""
    for node in ast.parse(text).body:
        if isinstance(node, ast.AnnAssign) and ast.unparse(node.target) == variable:
            assert isinstance(node.value, ast.List)
            return [ast.unparse(item) for item in node.value.elts]
    raise AssertionError(variable)


def test_owner_route_lands_among_the_new_routers() -> None:
    path = "app/components/backend/api/routing.py"
    base, theirs = versions(path)
    mine = edit(
        base,
        "from app.components.backend.api.health import router as health_router\n",
        "from app.components.backend.api.health import router as health_router\n"
        "from app.orders import router as orders_router\n",
    )
    mine = edit(mine, "    health_router,\n", "    health_router,\n    orders_router,\n")
    result = merge3(path, base, mine, theirs)
    assert result.conflicts == ()
    routers = names(result.text, "ROUTERS")
    assert [r for r in routers if r != "orders_router"] == names(theirs, "ROUTERS")
    assert routers.index("orders_router") > routers.index("health_router")
    assert "from app.orders import router as orders_router\n" in result.text
    assert (
        result.text.replace("from app.orders import router as orders_router\n", "").replace(
            "    orders_router,\n", ""
        )
        == theirs
    )


def test_owner_setting_lands_in_the_new_settings_class() -> None:
    path = "app/core/config.py"
    base, theirs = versions(path)
    mine = edit(base, "    port: int = 8000\n", "    port: int = 8000\n    smtp_relay: str = ''\n")
    result = merge3(path, base, mine, theirs)
    assert result.conflicts == ()
    assert result.text == edit(
        theirs, "    port: int = 8000\n", "    port: int = 8000\n    smtp_relay: str = ''\n"
    )


def test_owner_dependency_and_ruff_setting_land_in_the_new_pyproject() -> None:
    base, theirs = versions("pyproject.toml")
    mine = edit(base, '    "fastapi>=0.115",\n', '    "fastapi>=0.115",\n    "stripe>=10",\n')
    mine = edit(mine, "[tool.ruff]\n", "[tool.ruff]\n# the owner's own\npreview = true\n")
    result = merge3("pyproject.toml", base, mine, theirs)
    assert result.conflicts == ()
    merged, expected = tomllib.loads(result.text), tomllib.loads(theirs)
    expected["project"]["dependencies"].insert(1, "stripe>=10")
    expected["tool"]["ruff"]["preview"] = True
    assert merged == expected


def test_both_bumping_the_same_dependency_is_a_conflict_in_a_real_pyproject() -> None:
    base, theirs = versions("pyproject.toml")
    theirs = edit(theirs, '"fastapi>=0.115"', '"fastapi>=0.120"')
    mine = edit(base, '"fastapi>=0.115"', '"fastapi>=0.118"')
    result = merge3("pyproject.toml", base, mine, theirs)
    assert [(c.element, c.mine, c.theirs) for c in result.conflicts] == [
        ("[project] dependencies: fastapi", '"fastapi>=0.118",', '"fastapi>=0.120",')
    ]
    assert tomllib.loads(result.text)["project"]["dependencies"][0] == "fastapi>=0.118"


def test_owner_compose_variable_and_restart_policy_land_in_the_new_compose_file() -> None:
    base, theirs = versions("docker-compose.yml")
    mine = edit(
        base,
        "    command: python -m app.entrypoints.webserver\n",
        "    command: python -m app.entrypoints.webserver\n"
        "    environment:\n      - SMTP_HOST=mail\n",
    )
    mine = edit(mine, "  restart: unless-stopped\n", "  restart: always\n")
    result = merge3("docker-compose.yml", base, mine, theirs)
    assert result.conflicts == ()
    assert "x-app: &app\n" in result.text and "    <<: *app\n" in result.text
    loaded, expected = (YAML(typ="safe").load(text) for text in (result.text, theirs))
    expected["x-app"]["restart"] = "always"
    expected["services"]["web"]["restart"] = "always"  # through the merge key
    expected["services"]["dev"]["restart"] = "always"
    for service in expected["services"].values():
        if service.get("build") == ".":
            service["restart"] = "always"
    expected["services"]["web"]["environment"] = ["SMTP_HOST=mail"]
    assert loaded == expected
