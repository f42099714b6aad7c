"""The catalogue checks pack declarations when it loads: each rule, with a message naming the
packs; and the canonical order is derived from requires, integrates and names."""

from __future__ import annotations

from pathlib import Path

import pytest

from aegis import __version__, anchors
from aegis.catalog import Catalog
from aegis.edits import Edit, ListItem, Statement
from aegis.errors import CatalogError
from aegis.pack import PACK_API, Options, Origin, Pack
from aegis.plain import replace
from tests.aegis_helpers import CATALOG


def pack(name: str, *declared: object, **fields: object) -> Pack:
    return Pack(
        name=name,
        kind=fields.pop("kind", "component"),  # type: ignore[arg-type]
        summary=name,
        edits=lambda options: declared,  # type: ignore[arg-type, return-value]
        **fields,  # type: ignore[arg-type]
    )


def test_the_packs_aegis_ships_pass_every_check() -> None:
    """`Catalog.load` leaves the checks out for them: this is where they run."""
    shipped = list(Catalog.load(installed=False))
    assert [pack.name for pack in Catalog(shipped)] == [pack.name for pack in shipped]
    broken = replace(shipped[0], requires=("missing",))
    with pytest.raises(CatalogError, match="unknown pack `missing`"):
        Catalog([broken, *shipped[1:]])


def test_order_follows_requires_and_integrations_then_names() -> None:
    catalog = Catalog(
        [
            pack("zeta"),
            pack("alpha", requires=("zeta",)),
            pack("mid"),
            pack("glue", kind="integration", integrates=("alpha", "mid")),
        ]
    )
    assert [p.name for p in catalog] == ["mid", "zeta", "alpha", "glue"]


def test_adding_a_pack_keeps_the_relative_order_of_the_others() -> None:
    extra = pack("aardvark", requires=("redis",))
    bigger = Catalog([*CATALOG, extra])
    assert [name for name in bigger.position if name != "aardvark"] == list(CATALOG.position)


def test_a_cycle_of_requirements_is_refused() -> None:
    with pytest.raises(CatalogError, match="require each other in a cycle"):
        Catalog([pack("a", requires=("b",)), pack("b", requires=("a",))])


def test_unknown_references_and_malformed_integrations_are_refused() -> None:
    with pytest.raises(CatalogError, match="unknown pack `ghost`"):
        Catalog([pack("a", requires=("ghost",))])
    with pytest.raises(CatalogError, match="must name the packs it joins"):
        Catalog([pack("a", kind="integration")])
    with pytest.raises(CatalogError, match="not an integration"):
        Catalog([pack("a"), pack("b", integrates=("a",))])


def test_migrations_are_checked_when_the_catalogue_loads() -> None:
    from aegis.migrations import Migration, MoveFile

    move = Migration("move", "1.0", "a move", steps=(MoveFile("a.py", "b.py"),))
    assert Catalog([replace(pack("a"), migrations=(move,))])
    for migrations, message in [
        ((move, replace(move, summary="another")), "two migrations with the id `move`"),
        ((replace(move, version="soon"),), "not a version"),
        ((replace(move, id="two words"),), "must be one word"),
        ((replace(move, steps=(MoveFile("a.py", "../b.py"),)),), "outside the project"),
    ]:
        with pytest.raises(CatalogError, match=message):
            Catalog([replace(pack("a"), migrations=migrations)])


def test_two_packs_declaring_the_same_element_are_named() -> None:
    check = anchors.health_check("app.core.shared", "check_shared")
    with pytest.raises(CatalogError, match="Packs `one` and `two` both declare"):
        Catalog([pack("one", check), pack("two", check)])
    setting = anchors.setting(anchors.Setting("shared_url", "x", "Shared."))
    with pytest.raises(CatalogError, match="both declare a statement in `Settings`"):
        Catalog([pack("one", setting[0]), pack("two", setting[0])])


def test_conflicting_packs_may_declare_the_same_element() -> None:
    check = anchors.health_check("app.core.shared", "check_shared")
    Catalog([pack("one", check, conflicts=("two",)), pack("two", check)])


def test_an_edit_of_another_packs_file_needs_that_pack(tmp_path: Path) -> None:
    owner_root = tmp_path / "owner"
    (owner_root / "files/app").mkdir(parents=True)
    (owner_root / "files/app/jobs.py").write_text("JOBS = []\n")
    owner = replace(pack("owner"), root=owner_root)
    stranger = pack("stranger", ListItem("app/jobs.py", "JOBS", "mine"))
    with pytest.raises(CatalogError, match="a file of `owner`, which it neither requires"):
        Catalog([owner, stranger])
    Catalog([owner, replace(stranger, requires=("owner",))])


def test_two_packs_owning_one_file_are_refused(tmp_path: Path) -> None:
    packs = []
    for name in ("one", "two"):
        (tmp_path / name / "files/app").mkdir(parents=True)
        (tmp_path / name / "files/app/same.py").write_text(f"WHO = {name!r}\n")
        packs.append(replace(pack(name), root=tmp_path / name))
    with pytest.raises(CatalogError, match="both own the file app/same.py"):
        Catalog(packs)


def test_only_sdk_edits_are_accepted() -> None:
    class Sneaky(Statement):
        pass

    class Foreign(Edit):
        path = "app/core/config.py"

    for edit in (Sneaky("app/core/config.py", "", "x = 1"), Foreign()):
        with pytest.raises(CatalogError, match="not an edit of `aegis.sdk`"):
            Catalog([pack("sneaky", edit)])


def test_paths_outside_the_project_are_refused() -> None:
    for path in ("../outside.py", "/etc/passwd", "app/../../x.py"):
        with pytest.raises(CatalogError, match="relative path inside the project"):
            Catalog([pack("escape", Statement(path, "", "x = 1"))])


def test_api_version_and_aegis_range_are_checked() -> None:
    with pytest.raises(CatalogError, match=f"pack API {PACK_API + 1}; this Aegis offers"):
        Catalog([pack("future", api=PACK_API + 1)])
    with pytest.raises(CatalogError, match=f"requires Aegis >=99; this is Aegis {__version__}"):
        Catalog([pack("picky", requires_aegis=">=99")])
    with pytest.raises(CatalogError, match="requires_aegis is not valid"):
        Catalog([pack("typo", requires_aegis="at least 1")])
    Catalog([pack("fine", requires_aegis=f">={__version__}")])


def test_a_name_clash_names_both_sources() -> None:
    builtin = pack("redis")
    installed = replace(pack("redis"), origin=Origin("aegis-redis-plus", "1.2.0"))
    with pytest.raises(CatalogError, match=r"Aegis \(built in\).*aegis-redis-plus 1\.2\.0"):
        Catalog([builtin, installed])


def test_edits_are_one_function_of_the_options_and_helpers_are_flattened() -> None:
    def edits(options: Options) -> anchors.Declarations:
        return [anchors.dependency("x>=1"), anchors.health_check("app.x", "check_x")]

    flat = Pack(name="x", kind="component", summary="x", edits=edits).edits_for({})
    assert [type(edit).__name__ for edit in flat] == ["Dependency", "Import", "ListItem"]
