#!/usr/bin/env bash
# Everything the test suite needs on a fresh machine, then the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/start-services.sh
bash scripts/install-browser.sh
.venv/bin/python -m pytest "$@"
