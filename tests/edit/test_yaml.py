"""YAML edit primitives on docker-compose.yml (ruamel round trip)."""

from __future__ import annotations

import itertools
import json

import pytest

from aegis.edit import yaml
from aegis.edit.base import AnchorNotFound, EditError
from tests.edit.support import placements

BASE = """services:
  web:
    build: .
    command: python -m app.entrypoints.webserver
    ports:
      - "8000:8000"
    env_file:
      - path: .env
        required: false
    healthcheck:
      test:
        - CMD
        - python
        - -c
        - import urllib.request; urllib.request.urlopen('http://localhost:8000/health')
      interval: 30s
      retries: 3
    networks:
      - backend
    volumes:
      - app-data:/app/data

networks:
  backend:

volumes:
  app-data:
"""

# A compose file its owner has edited: comments, quotes, a service of their own, an
# existing depends_on and environment on web, comment lines between blocks.
USER = """# Production stack of my-service
name: my-service

services:
  # The API and the dashboard.
  web:
    build: .
    image: 'my-service:latest'
    environment:
      LOG_LEVEL: "info"   # verbose in staging
    depends_on:
      mail:
        condition: service_started
    ports:
      - "8000:8000"  # public


  # Catches outgoing mail in development.
  mail:
    image: mailhog/mailhog
    networks: [backend]

# Networks and volumes
networks:
  backend: {}

volumes:
  app-data:
  # kept between deploys
  mail-data:
    driver: local
"""

COMPACT = """services:
  web:
    build: .
    depends_on:
      - mail
  mail:
    image: mailhog/mailhog
volumes:
  app-data: {}
"""

PACKS = {
    "postgres": {
        "image": "postgres:16-alpine",
        "environment": {"POSTGRES_PASSWORD": "postgres"},
        "healthcheck": {"test": ["CMD", "pg_isready"], "interval": "5s"},
        "volumes": ["postgres-data:/var/lib/postgresql/data"],
    },
    "redis": {
        "image": "redis:7-alpine",
        "command": ["redis-server", "--appendonly", "yes"],
        "ports": ["6379:6379"],
        "volumes": ["redis-data:/data"],
    },
    "worker": {"build": ".", "command": "arq app.worker.WorkerSettings"},
}
RANK = {"postgres": (10, 0), "redis": (30, 0), "worker": (40, 0)}
RANKS = {
    **RANK,
    **{f"{name}-data": rank for name, rank in RANK.items()},
    **{f"{name.upper()}_URL": rank for name, rank in RANK.items()},
}
placement = placements(RANKS)


def add_pack(data, name: str) -> None:  # noqa: ANN001
    """Every edit changes `data` in place and returns it (the engine keeps what it returns)."""
    assert yaml.add_service(data, name, PACKS[name], placement(name)) is data
    if name != "worker":
        assert yaml.add_volume(data, f"{name}-data", None, placement(f"{name}-data")) is data
        assert yaml.add_depends_on(data, "web", name, "service_healthy", placement(name)) is data
    url = (f"{name.upper()}_URL", f"{name}://{name}", placement(f"{name.upper()}_URL"))
    assert yaml.add_environment(data, "web", *url) is data


def remove_pack(data, name: str) -> None:  # noqa: ANN001
    assert yaml.remove_environment(data, "web", f"{name.upper()}_URL") is data
    assert yaml.remove_depends_on(data, "web", name) is data
    assert yaml.remove_volume(data, f"{name}-data") is data
    assert yaml.remove_service(data, name) is data


@pytest.mark.parametrize("source", [BASE, USER])
def test_unchanged_file_round_trips(source: str) -> None:
    assert yaml.dump(yaml.load(source)) == source


@pytest.mark.parametrize("source", [BASE, USER])
def test_packs_in_any_order_give_the_same_bytes_and_remove_back(source: str) -> None:
    results = set()
    for order in itertools.permutations(PACKS):
        data = yaml.load(source)
        for name in order:
            add_pack(data, name)
            once = yaml.dump(data)
            add_pack(data, name)
            assert yaml.dump(data) == once
        result = yaml.dump(data)
        results.add(result)
        for removal in (order, order[::-1]):
            data = yaml.load(result)
            for name in removal:
                remove_pack(data, name)
            assert yaml.dump(data) == source
    assert len(results) == 1
    result = results.pop()
    assert yaml.dump(yaml.load(result)) == result
    plain = json.loads(json.dumps(yaml.load(result)))
    assert list(plain["services"])[-3:] == ["postgres", "redis", "worker"]
    assert plain["services"]["redis"] == PACKS["redis"]
    assert list(plain["services"]["web"]["depends_on"])[-2:] == ["postgres", "redis"]
    assert plain["services"]["web"]["depends_on"]["redis"] == {"condition": "service_healthy"}
    assert list(plain["volumes"])[-2:] == ["postgres-data", "redis-data"]
    assert plain["volumes"]["redis-data"] is None


def test_layout_of_added_entries_on_the_core_file() -> None:
    data = yaml.load(BASE)
    for name in PACKS:
        add_pack(data, name)
    result = yaml.dump(data)
    # One blank line between services, and before the next top-level key.
    assert (
        "      - app-data:/app/data\n    environment:\n"
        "      POSTGRES_URL: postgres://postgres\n"
        "      REDIS_URL: redis://redis\n      WORKER_URL: worker://worker\n"
        "    depends_on:\n      postgres:\n        condition: service_healthy\n"
        "      redis:\n        condition: service_healthy\n\n"
        "  postgres:\n    image: postgres:16-alpine\n" in result
    )
    assert '    ports:\n      - "6379:6379"\n' in result
    assert "      - redis-data:/data\n\n  worker:\n" in result
    assert "    command: arq app.worker.WorkerSettings\n\nnetworks:\n" in result
    assert result.endswith("volumes:\n  app-data:\n  postgres-data:\n  redis-data:\n")


def test_comments_stay_with_their_entries() -> None:
    data = yaml.load(USER)
    yaml.add_service(data, "a-first", {"image": "x"}, placement("postgres"))
    yaml.add_service(data, "redis", PACKS["redis"], placement("redis"))
    result = yaml.dump(data)
    assert '      - "8000:8000"  # public\n\n\n  # Catches outgoing mail' in result
    assert "    networks: [backend]\n\n  a-first:\n" in result
    assert "      - redis-data:/data\n\n# Networks and volumes\nnetworks:\n" in result


def test_new_entry_before_a_higher_ranked_one_keeps_its_comment_lines() -> None:
    data = yaml.load(USER)
    yaml.add_service(data, "worker", PACKS["worker"], placement("worker"))
    source = yaml.dump(data)
    data = yaml.load(source)
    yaml.add_service(data, "redis", PACKS["redis"], placement("redis"))
    result = yaml.dump(data)
    assert "      - redis-data:/data\n\n  worker:\n" in result
    assert "    networks: [backend]\n\n  redis:\n" in result
    data = yaml.load(result)
    yaml.remove_service(data, "redis")
    assert yaml.dump(data) == source


def test_compact_file_stays_compact() -> None:
    data = yaml.load(COMPACT)
    yaml.add_service(data, "redis", {"image": "redis"}, placement("redis"))
    yaml.add_volume(data, "redis-data", {"driver": "local"}, placement("redis-data"))
    result = yaml.dump(data)
    assert result.endswith(
        "  mail:\n    image: mailhog/mailhog\n  redis:\n    image: redis\nvolumes:\n"
        "  app-data: {}\n  redis-data:\n    driver: local\n"
    )
    data = yaml.load(result)
    yaml.remove_volume(data, "redis-data")
    yaml.remove_service(data, "redis")
    assert yaml.dump(data) == COMPACT


# Compose files as people write them: a shared block merged with `<<`, an alias, the short
# list forms of depends_on and environment (with comments between the items).
MERGED = """x-app: &app
  build: .
  environment:
    LOG_LEVEL: info
  depends_on:
    mail:
      condition: service_started
  networks:
    - backend

services:
  web:
    <<: *app
    command: python -m app.entrypoints.webserver
    ports:
      - "8000:8000"

  mail:
    <<: *app
    image: mailhog/mailhog

networks:
  backend:

volumes:
  app-data:
"""

ALIASED = """x-env: &env
  LOG_LEVEL: info
services:
  web:
    build: .
    environment: *env
  mail:
    image: mailhog/mailhog
    environment: *env
volumes:
  app-data:
"""

SHORT = """services:
  web:
    build: .
    depends_on:
      - mail   # catches outgoing mail
      # the database comes later
      - db
    environment:
      - LOG_LEVEL=info

  # Catches outgoing mail in development.
  mail:
    image: mailhog/mailhog
    depends_on: [db]
  db:
    image: postgres
volumes:
  app-data:
"""

FORMS = {"merge": MERGED, "alias": ALIASED, "short": SHORT}


@pytest.mark.parametrize("source", FORMS.values(), ids=FORMS)
def test_compose_forms_take_packs_in_any_order_and_give_the_bytes_back(source: str) -> None:
    assert yaml.dump(yaml.load(source)) == source
    results = set()
    for order in itertools.permutations(PACKS):
        data = yaml.load(source)
        for name in order:
            add_pack(data, name)
        added = yaml.dump(data)
        results.add(added)
        for removal in (order, order[::-1]):
            data = yaml.load(added)
            for name in removal:
                remove_pack(data, name)
            assert yaml.dump(data) == source
    assert len(results) == 1
    result = results.pop()
    assert yaml.dump(yaml.load(result)) == result
    before = json.loads(json.dumps(yaml.load(source)))
    after = json.loads(json.dumps(yaml.load(result)))
    for service in before["services"]:  # nothing but web changed, shared blocks included
        if service != "web":
            assert after["services"][service] == before["services"][service]
    assert {k: v for k, v in after.items() if k.startswith("x-")} == {
        k: v for k, v in before.items() if k.startswith("x-")
    }
    web, was = after["services"]["web"], before["services"]["web"]
    urls = {f"{n.upper()}_URL": f"{n}://{n}" for n in PACKS}
    if isinstance(web["environment"], list):  # the short forms stay short
        assert web["environment"] == [*was["environment"], *(f"{k}={v}" for k, v in urls.items())]
        assert web["depends_on"] == [*was["depends_on"], "postgres", "redis"]
    else:  # inherited entries are kept, the new ones are the service's own
        assert web["environment"] == {**(was.get("environment") or {}), **urls}
        healthy = {"condition": "service_healthy"}
        assert web["depends_on"] == {
            **(was.get("depends_on") or {}),
            "postgres": healthy,
            "redis": healthy,
        }


def test_a_service_that_is_an_alias_of_a_shared_block_is_refused() -> None:
    source = "x-base: &base\n  image: x\nservices:\n  web: *base\n  api: *base\n"
    with pytest.raises(EditError, match="`web` is an alias of a block other entries share"):
        yaml.add_environment(yaml.load(source), "web", "A", "1", placement("REDIS_URL"))


def test_a_list_inherited_from_a_shared_block_is_refused() -> None:
    source = (
        "x-base: &base\n  environment:\n    - A=1\nservices:\n  web:\n    <<: *base\n    image: x\n"
    )
    with pytest.raises(EditError, match="takes `environment` as a list from a shared block"):
        yaml.add_environment(yaml.load(source), "web", "B", "2", placement("REDIS_URL"))


def test_anchors_no_alias_uses_survive() -> None:
    source = "x-spare: &spare\n  image: x\nservices:\n  web:\n    image: y\n"
    data = yaml.load(source)
    yaml.add_environment(data, "web", "REDIS_URL", "r", placement("REDIS_URL"))
    assert "x-spare: &spare\n" in yaml.dump(data)
    yaml.remove_environment(data, "web", "REDIS_URL")
    assert yaml.dump(data) == source


def test_missing_anchors_are_reported() -> None:
    with pytest.raises(AnchorNotFound, match="the top-level `services:` mapping"):
        yaml.add_service(yaml.load("name: x\n"), "redis", {}, placement("redis"))
    with pytest.raises(AnchorNotFound, match="the top-level `volumes:` mapping"):
        yaml.add_volume(yaml.load("services: {}\n"), "redis-data", None, placement("redis"))
    with pytest.raises(AnchorNotFound, match="the service `api` under `services:`"):
        yaml.add_depends_on(yaml.load(BASE), "api", "redis", "service_healthy", placement("redis"))


def test_removing_what_is_absent_is_a_no_op() -> None:
    data = yaml.load(USER)
    remove_pack(data, "redis")
    assert yaml.dump(data) == USER


def test_malformed_yaml_raises_the_parser_error() -> None:
    from ruamel.yaml.error import YAMLError

    with pytest.raises(YAMLError):
        yaml.load("services:\n  web: [\n")
