"""Three-way merge of YAML: mapping keys and sequence items, anchors and merge keys kept."""

from __future__ import annotations

from ruamel.yaml import YAML

from aegis.merge import NodeConflict, merge3

COMPOSE = """x-app: &app
  image: demo:1.0
  env_file:
    - .env
  restart: unless-stopped

services:
  web:
    <<: *app
    command: python -m app.entrypoints.webserver
    environment:
      - LOG_LEVEL=info
    ports:
      - "8000:8000"

  # the background worker
  worker:
    <<: *app
    command: python -m app.entrypoints.worker

volumes:
  app-data:
"""


def merged(base: str, mine: str, theirs: str) -> str:
    assert len({base, mine, theirs}) == 3, "each side changes the base its own way"
    result = merge3("docker-compose.yml", base, mine, theirs)
    assert result.conflicts == ()
    list(YAML(typ="base").load_all(result.text))
    return result.text


def test_owner_environment_variable_and_new_image_both_survive() -> None:
    mine = COMPOSE.replace(
        "      - LOG_LEVEL=info\n", "      - LOG_LEVEL=info\n      - SMTP=mail\n"
    )
    theirs = COMPOSE.replace("image: demo:1.0", "image: demo:2.0")
    text = merged(COMPOSE, mine, theirs)
    assert text == mine.replace("image: demo:1.0", "image: demo:2.0")
    assert "<<: *app" in text and "&app" in text


def test_environment_entries_are_identified_by_name() -> None:
    mine = COMPOSE.replace("LOG_LEVEL=info", "LOG_LEVEL=debug")
    theirs = COMPOSE.replace("      - LOG_LEVEL=info\n", "      - LOG_LEVEL=info\n      - TZ=UTC\n")
    assert merged(COMPOSE, mine, theirs) == theirs.replace("LOG_LEVEL=info", "LOG_LEVEL=debug")


def test_services_of_both_sides_and_comments_above_them() -> None:
    mine = COMPOSE.replace(
        "\nvolumes:", "\n  # the owner's mail catcher\n  mail:\n    image: mailhog\n\nvolumes:"
    )
    theirs = COMPOSE.replace(
        "    command: python -m app.entrypoints.worker\n",
        "    command: python -m app.entrypoints.worker\n    depends_on:\n      - web\n",
    )
    assert merged(COMPOSE, mine, theirs) == mine.replace(
        "    command: python -m app.entrypoints.worker\n",
        "    command: python -m app.entrypoints.worker\n    depends_on:\n      - web\n",
    )


def test_same_key_changed_differently_is_a_conflict() -> None:
    mine = COMPOSE.replace("image: demo:1.0", "image: shop:1.0")
    theirs = COMPOSE.replace("image: demo:1.0", "image: demo:2.0")
    result = merge3("docker-compose.yml", COMPOSE, mine, theirs)
    assert result.conflicts == (NodeConflict("x-app.image", "image: shop:1.0", "image: demo:2.0"),)
    assert result.text == mine
    assert merge3("compose.yaml", COMPOSE, mine, theirs, prefer="theirs").text == theirs


def test_documents_are_merged_one_by_one() -> None:
    base = "kind: A\nname: a\n---\nkind: B\nname: b\n"
    mine = "kind: A\nname: mine\n---\nkind: B\nname: b\n"
    theirs = "kind: A\nname: a\n---\nkind: B\nname: new\n"
    assert merged(base, mine, theirs) == "kind: A\nname: mine\n---\nkind: B\nname: new\n"


def test_invalid_yaml_is_a_conflict_on_the_whole_file() -> None:
    result = merge3("compose.yml", COMPOSE, COMPOSE + "  - : [\n", COMPOSE + "x: 1\n")
    assert [c.element for c in result.conflicts] == ["the whole file"]


DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: demo:1.0
          env:
            - name: LOG_LEVEL
              value: info
          resources:
            limits:
              memory: 256Mi
"""


def test_items_that_are_mappings_are_merged_by_key() -> None:
    mine = DEPLOYMENT.replace("memory: 256Mi", "memory: 1Gi").replace(
        "              value: info\n",
        "              value: info\n            - name: SMTP\n              value: mail\n",
    )
    theirs = DEPLOYMENT.replace("image: demo:1.0", "image: demo:2.0").replace(
        "value: info", "value: warning"
    )
    assert merged(DEPLOYMENT, mine, theirs) == mine.replace(
        "image: demo:1.0", "image: demo:2.0"
    ).replace("value: info", "value: warning")


def test_a_field_of_a_mapping_item_changed_differently_is_named() -> None:
    mine = DEPLOYMENT.replace("image: demo:1.0", "image: shop:1.0")
    theirs = DEPLOYMENT.replace("image: demo:1.0", "image: demo:2.0")
    result = merge3("k8s/web.yaml", DEPLOYMENT, mine, theirs)
    assert [c.element for c in result.conflicts] == [
        "spec.template.spec.containers[name: web].image"
    ]


def test_tags_and_anchors_of_any_kind_are_text_like_the_rest() -> None:
    base = "Resources:\n  Bucket:\n    Name: !Ref BucketName\n    Size: 1\n"
    mine = base.replace("Size: 1", "Size: 2")
    theirs = base + "  Queue:\n    Name: !Sub queue\n"
    assert merged(base, mine, theirs) == mine + "  Queue:\n    Name: !Sub queue\n"


def test_both_adding_the_same_key_differently_never_duplicates_it() -> None:
    base = "services:\n  web:\n    image: a\n"
    mine = base + "  mail:\n    image: mailhog\n"
    theirs = base + "  mail:\n    image: mailpit\n"
    result = merge3("compose.yml", base, mine, theirs, prefer="theirs")
    assert [c.element for c in result.conflicts] == ["services.mail.image"]
    assert result.text == theirs


def test_an_item_both_sides_replaced_differently_is_a_conflict() -> None:
    mine = COMPOSE.replace('"8000:8000"', '"8080:8000"')
    theirs = COMPOSE.replace('"8000:8000"', '"9000:8000"')
    result = merge3("docker-compose.yml", COMPOSE, mine, theirs, prefer="theirs")
    assert [c.element for c in result.conflicts] == ["services.web.ports: 8000:8000"]
    assert result.text == theirs


def test_an_item_one_side_replaced_and_the_other_removed_is_merged() -> None:
    base = "x:\n  - a\n  - b\n  - c\n"
    assert merged(base, "x:\n  - a\n  - c\n", "x:\n  - a\n  - B\n  - c\n  - d\n") == (
        "x:\n  - a\n  - B\n  - c\n  - d\n"
    )


def test_a_service_both_sides_added_is_merged_key_by_key() -> None:
    mine = COMPOSE.replace(
        "\nvolumes:", "\n  mail:\n    image: mailpit\n    ports:\n      - 1025\n\nvolumes:"
    )
    theirs = COMPOSE.replace(
        "\nvolumes:", "\n  mail:\n    image: mailpit\n    restart: always\n\nvolumes:"
    )
    assert merged(COMPOSE, mine, theirs) == theirs.replace(
        "    restart: always\n", "    restart: always\n    ports:\n      - 1025\n"
    )


def test_a_file_without_its_last_newline() -> None:
    assert merged("a: 1", "a: 1\nb: 2", "a: 3") == "a: 3\nb: 2"
    assert merged("a: 1\n", "a: 1\nb: 2", "a: 3\n") == "a: 3\nb: 2"


def test_one_line_sequences_are_merged_by_item() -> None:
    base = "on:\n  push:\n    branches: [main]  # the default\n"
    mine = base.replace("[main]", "[main, release]")
    theirs = base.replace("[main]", "[main, 'next']")
    assert merged(base, mine, theirs) == base.replace("[main]", "[main, 'next', release]")
