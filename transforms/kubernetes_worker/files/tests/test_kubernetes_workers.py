"""Every queue has its worker Deployment in the Kubernetes manifests, scaled on the
depth of that queue, as the workers export it (real Redis, database 10)."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from app.components.worker.keys import QUEUE_NAMES
from app.components.worker.telemetry import QueueDepth
from tests.redis_test_db import own_redis_url

WORKERS = Path(__file__).resolve().parents[1] / "deploy/kubernetes/base/workers.yaml"
WORKER_REDIS_URL = own_redis_url("TEST_WORKER_REDIS_URL", 10)


def resources(kind: str) -> dict[str, Any]:
    documents = yaml.safe_load_all(WORKERS.read_text())
    return {d["metadata"]["name"]: d for d in documents if d["kind"] == kind}


@pytest.mark.parametrize("queue", QUEUE_NAMES)
def test_a_deployment_per_queue_scaled_on_its_depth(
    queue: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = f"worker-{queue}"
    pod = resources("Deployment")[name]["spec"]["template"]["spec"]
    assert pod["containers"][0]["command"] == [
        "python",
        "-m",
        "app.entrypoints.worker",
        queue,
    ]
    autoscaler = resources("HorizontalPodAutoscaler")[name]["spec"]
    assert autoscaler["scaleTargetRef"]["name"] == name
    (metric,) = autoscaler["metrics"]
    external = metric["external"]["metric"]
    assert external["selector"] == {"matchLabels": {"queue": queue}}
    monkeypatch.setenv("REDIS_URL", WORKER_REDIS_URL)
    from app.core.config import get_settings

    get_settings.cache_clear()
    (exported,) = QueueDepth().collect()
    assert exported.name == external["name"]
    assert {s.labels["queue"] for s in exported.samples} == set(QUEUE_NAMES)
