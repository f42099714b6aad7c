"""Deploy files against their specifications, over many generated projects at once.

- every `docker-compose.yml` against the Compose specification's JSON schema
  (`check-jsonschema --builtin-schema vendor.compose-spec`, offline);
- every CI workflow (`.github/workflows/ci.yml`) against GitHub's workflow schema
  (`--builtin-schema vendor.github-workflows`, offline), and every `.pre-commit-config.yaml`
  with `pre-commit validate-config`;
- every kustomize overlay under `deploy/kubernetes/overlays/`, rendered as `kubectl apply -k`
  would (`kubectl kustomize`), against the Kubernetes API's schemas
  (`kubernetes-validate --strict`, offline), and against what the project runs: each app
  service of the compose file has a Deployment of the same name running the same command,
  every HorizontalPodAutoscaler scales a Deployment that exists, every ConfigMap a pod
  reads exists, and no Secret (a value) is in the manifests, only references to one.

Identical files are checked once (most combinations share them), and each tool runs once
over all of them, so checking every allowed combination stays cheap.
"""

from __future__ import annotations

import hashlib
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

OVERLAYS = "deploy/kubernetes/overlays"
COMPOSE_SCHEMA = "vendor.compose-spec"
WORKFLOW = ".github/workflows/ci.yml"
WORKFLOW_SCHEMA = "vendor.github-workflows"
PRE_COMMIT = ".pre-commit-config.yaml"
_YAML = YAML(typ="safe", pure=True)


@dataclass
class DeployCheck:
    """Collects the deploy files of projects, then checks them all at once."""

    scratch: Path
    problems: list[str] = field(default_factory=list)
    _compose: dict[str, Path] = field(default_factory=dict)
    _workflows: dict[str, Path] = field(default_factory=dict)
    _pre_commit: dict[str, Path] = field(default_factory=dict)
    _manifests: dict[str, Path] = field(default_factory=dict)
    _trees: set[str] = field(default_factory=set)

    def add(self, project: Path, label: str) -> None:
        """The deploy files of one generated project (`label` names it in problems)."""
        compose = project / "docker-compose.yml"
        self._keep(self._compose, compose.read_bytes(), "compose", f"{label}.yml")
        workflow = project / WORKFLOW
        self._keep(self._workflows, workflow.read_bytes(), "workflows", f"{label}.yml")
        hooks = (project / PRE_COMMIT).read_bytes()
        self._keep(self._pre_commit, hooks, "pre-commit", f"{label}.yaml")
        overlays = project / OVERLAYS
        if not overlays.is_dir():
            return
        tree = _digest(project / "deploy", extra=_app_services(project))
        if tree in self._trees:
            return
        self._trees.add(tree)
        for overlay in sorted(path for path in overlays.iterdir() if path.is_dir()):
            built, text = render(overlay)
            where = f"{label}: {overlay.relative_to(project)}"
            if not built:
                self.problems.append(f"{where} does not build: {text}")
                continue
            resources = [doc for doc in _YAML.load_all(text) if doc]
            self.problems += [f"{where}: {p}" for p in manifest_problems(project, resources)]
            self._keep(self._manifests, text.encode(), "kubernetes", f"{label}-{overlay.name}.yaml")

    def run(self) -> list[str]:
        """Validate every distinct file collected; every problem found, as lines."""
        for schema, files in ((COMPOSE_SCHEMA, self._compose), (WORKFLOW_SCHEMA, self._workflows)):
            if files:
                self._validate(
                    [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema],
                    files.values(),
                )
        if self._pre_commit:
            self._validate(
                [_beside_python("pre-commit"), "validate-config"], self._pre_commit.values()
            )
        if self._manifests:
            self._validate(
                [_beside_python("kubernetes-validate"), "--strict", "--quiet"],
                self._manifests.values(),
            )
        return self.problems

    @property
    def counts(self) -> tuple[int, int, int, int]:
        """How many distinct compose files, CI workflows, pre-commit configurations and
        rendered overlays were collected."""
        return (
            len(self._compose),
            len(self._workflows),
            len(self._pre_commit),
            len(self._manifests),
        )

    def _keep(self, kept: dict[str, Path], content: bytes, kind: str, name: str) -> None:
        key = hashlib.sha256(content).hexdigest()
        if key not in kept:
            path = self.scratch / kind / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            kept[key] = path

    def _validate(self, command: list[str], files: Iterable[Path]) -> None:
        result = subprocess.run(
            [*command, *map(str, files)], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            self.problems.append(f"{shlex.join(command)} failed:\n{result.stdout}{result.stderr}")


def render(overlay: Path) -> tuple[bool, str]:
    """(True, the resources `kubectl apply -k overlay` would send), or (False, why it
    cannot build)."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        raise RuntimeError(
            "kubectl (with kustomize) is needed to render the Kubernetes overlays: install "
            "it (Debian: kubectl from Google's packages, or kubernetes-client) and run again."
        )
    result = subprocess.run(
        [kubectl, "kustomize", str(overlay)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        return False, result.stderr.strip()
    return True, result.stdout


def manifest_problems(project: Path, resources: list[dict[str, Any]]) -> list[str]:
    """What does not hold together in an overlay's resources (see the module's doc)."""
    from aegis.testing.compose import _command_problems, _console_scripts

    by_kind: dict[str, dict[str, dict[str, Any]]] = {}
    for resource in resources:
        by_kind.setdefault(resource["kind"], {})[resource["metadata"]["name"]] = resource
    deployments = by_kind.get("Deployment", {})
    config_maps = set(by_kind.get("ConfigMap", {}))
    problems = [f"a Secret `{name}` holds values" for name in by_kind.get("Secret", {})]
    scripts = _console_scripts(project)
    for name, command in _app_services(project).items():
        deployment = deployments.get(name)
        if deployment is None:
            problems.append(f"the app service `{name}` has no Deployment")
            continue
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        if shlex.join(container.get("command", [])) != shlex.join(shlex.split(command)):
            problems.append(f"Deployment `{name}` does not run `{command}`")
    for kind, name, spec in _pod_specs(by_kind):
        for container in [*spec.get("initContainers", []), *spec["containers"]]:
            words = [str(word) for word in container.get("command", [])]
            if words and not container["image"].startswith(("redis:", "postgres:")):
                problems += [
                    f"{kind} `{name}`: command {p}"
                    for p in _command_problems(project, words, scripts)
                ]
            for source in container.get("envFrom", []):
                ref = source.get("configMapRef", {}).get("name")
                if ref is not None and ref not in config_maps:
                    problems.append(f"{kind} `{name}` reads ConfigMap `{ref}`, not generated")
    for name, hpa in by_kind.get("HorizontalPodAutoscaler", {}).items():
        target = hpa["spec"]["scaleTargetRef"]
        if target["kind"] != "Deployment" or target["name"] not in deployments:
            problems.append(f"autoscaler `{name}` scales `{target['name']}`, not a Deployment")
    return problems


def _pod_specs(by_kind: dict[str, dict[str, dict[str, Any]]]) -> Iterator[tuple[str, str, Any]]:
    for kind in ("Deployment", "StatefulSet", "Job"):
        for name, resource in by_kind.get(kind, {}).items():
            yield kind, name, resource["spec"]["template"]["spec"]


def _app_services(project: Path) -> dict[str, str]:
    """The production app services of the compose file (inheriting `x-app`, no profile)
    and their commands."""
    compose = _YAML.load((project / "docker-compose.yml").read_text())
    return {
        name: service["command"]
        for name, service in compose["services"].items()
        if "build" in service and "profiles" not in service
    }


def _digest(folder: Path, extra: object) -> str:
    digest = hashlib.sha256(repr(extra).encode())
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _beside_python(script: str) -> str:
    """A console script of this Python's environment (else from PATH)."""
    beside = Path(sys.executable).parent / script
    return str(beside) if beside.exists() else script
