"""The deploy-file check finds what breaks: a field the Kubernetes API does not have, a
process kind without its Deployment, a Secret with values, a compose file outside the
Compose specification, an overlay that does not build."""

from pathlib import Path

import pytest

from aegis.testing.deploy import DeployCheck
from tests.aegis_helpers import init

BASE = "deploy/kubernetes/base"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return init(tmp_path / "projects", ["kubernetes", "worker"])


def check(project: Path, scratch: Path) -> list[str]:
    deploy = DeployCheck(scratch)
    deploy.add(project, "case")
    return deploy.run()


def test_a_generated_project_passes(project: Path, tmp_path: Path) -> None:
    assert check(project, tmp_path / "scratch") == []


def test_a_field_the_api_does_not_have(project: Path, tmp_path: Path) -> None:
    web = project / BASE / "web.yaml"
    web.write_text(web.read_text().replace("  replicas: 2\n", "  replicas: 2\n  replica: 2\n"))
    problems = check(project, tmp_path / "scratch")
    assert any("'replica' was unexpected" in problem for problem in problems), problems


def test_a_process_kind_without_its_deployment(project: Path, tmp_path: Path) -> None:
    kustomization = project / BASE / "kustomization.yaml"
    kustomization.write_text(kustomization.read_text().replace("  - workers.yaml\n", ""))
    problems = check(project, tmp_path / "scratch")
    assert "the app service `worker-system` has no Deployment" in "\n".join(problems)


def test_a_secret_with_values(project: Path, tmp_path: Path) -> None:
    kustomization = project / BASE / "kustomization.yaml"
    kustomization.write_text(
        kustomization.read_text()
        + "secretGenerator:\n  - name: app-secrets\n    literals:\n      - OPS_TOKEN=x\n"
    )
    problems = check(project, tmp_path / "scratch")
    assert any("a Secret `app-secrets" in problem for problem in problems), problems


def test_a_compose_file_outside_the_specification(project: Path, tmp_path: Path) -> None:
    compose = project / "docker-compose.yml"
    compose.write_text(compose.read_text().replace("    ports:\n", "    port:\n", 1))
    problems = check(project, tmp_path / "scratch")
    assert any("'port' was unexpected" in problem for problem in problems), problems


def test_an_overlay_that_does_not_build(project: Path, tmp_path: Path) -> None:
    (project / BASE / "workers.yaml").unlink()
    problems = check(project, tmp_path / "scratch")
    assert any("does not build" in problem for problem in problems), problems


def test_a_workflow_outside_githubs_schema(project: Path, tmp_path: Path) -> None:
    workflow = project / ".github/workflows/ci.yml"
    workflow.write_text(workflow.read_text().replace("runs-on:", "run-on:"))
    problems = check(project, tmp_path / "scratch")
    assert any("vendor.github-workflows" in problem for problem in problems), problems


def test_a_pre_commit_configuration_pre_commit_refuses(project: Path, tmp_path: Path) -> None:
    hooks = project / ".pre-commit-config.yaml"
    hooks.write_text(hooks.read_text().replace("    rev: v6.0.0\n", "", 1))
    problems = check(project, tmp_path / "scratch")
    assert any("validate-config" in problem and "rev" in problem for problem in problems), problems
