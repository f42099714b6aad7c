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


def test_an_overlay_that_does_not_build(project: Path, tmp_path: Path) -> None:
    (project / BASE / "workers.yaml").unlink()
    problems = check(project, tmp_path / "scratch")
    assert any("does not build" in problem for problem in problems), problems


# A file that breaks its specification: (path, text, replacement, what the report says).
BROKEN_FILES = {
    "compose": ("docker-compose.yml", "    ports:\n", "    port:\n", ("'port' was unexpected",)),
    "workflow": (".github/workflows/ci.yml", "runs-on:", "run-on:", ("vendor.github-workflows",)),
    "pre-commit": (".pre-commit-config.yaml", "    rev: v6.0.0\n", "", ("validate-config", "rev")),
}


@pytest.mark.parametrize("broken", BROKEN_FILES.values(), ids=BROKEN_FILES.keys())
def test_a_file_outside_its_specification(
    project: Path, tmp_path: Path, broken: tuple[str, str, str, tuple[str, ...]]
) -> None:
    path, text, replacement, said = broken
    target = project / path
    assert text in target.read_text()
    target.write_text(target.read_text().replace(text, replacement, 1))
    problems = check(project, tmp_path / "scratch")
    assert any(all(part in problem for part in said) for problem in problems), problems
