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
# With arguments: pytest with them. Without: two pytest processes, one per core of the CI
# machine. The generated projects share this machine's Redis databases and queue names, so
# they run one after another in one process; everything else runs in the other, beside them.
if [ "$#" -gt 0 ]; then
    exec .venv/bin/python -m pytest "$@"
fi
generated_log=$(mktemp)
.venv/bin/python -m pytest -m generated --durations=20 >"$generated_log" 2>&1 &
generated=$!
engine_status=0
.venv/bin/python -m pytest -m "not generated" --durations=20 || engine_status=$?
generated_status=0
wait "$generated" || generated_status=$?
echo
echo "==================== the generated projects (pytest -m generated) ===================="
cat "$generated_log"
rm -f "$generated_log"
echo "engine tests: exit $engine_status; generated projects: exit $generated_status"
[ "$engine_status" -eq 0 ] && [ "$generated_status" -eq 0 ]
