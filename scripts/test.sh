#!/usr/bin/env bash
# Everything the test suite needs on a fresh machine, then the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/start-services.sh
bash scripts/install-browser.sh
# The Kubernetes overlays are rendered by kubectl's kustomize (the machine image ships
# kubectl); say so plainly where it is missing rather than fail deep in a test.
command -v kubectl >/dev/null \
    || { echo "kubectl is needed to render the Kubernetes overlays: install it" >&2; exit 1; }
# Two workers (the CI machine has two cores); the generated projects run one after another
# on one of them (conftest.py), the in-process tests beside them.
.venv/bin/python -m pytest -n "${AEGIS_TEST_WORKERS:-2}" --dist loadgroup --durations=30 "$@"
