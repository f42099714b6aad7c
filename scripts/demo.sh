#!/usr/bin/env bash
# Install Aegis, generate a demo project with the components that need no external service
# (database on SQLite, scheduler), install the demo into its own venv and show its health.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export UV_PYTHON_DOWNLOADS=never UV_SYSTEM_CERTS="${UV_SYSTEM_CERTS:-1}"
target="${1:-demo}"
rm -rf "build/$target"
.venv/bin/aegis init "$target" --components database,scheduler --output-dir build --yes
cd "build/$target"
python3 -m uv venv --quiet --python python3 .venv
python3 -m uv pip install --quiet --compile-bytecode --python .venv/bin/python -e '.[dev]'
echo
echo "== $target health (CLI) =="
.venv/bin/"$target" health || true
echo
echo "The project is in build/$target. Next (every make target uses its .venv):"
echo "  cd build/$target"
echo "  make dev     # web server and scheduler; open http://127.0.0.1:8000/dashboard/"
echo "  make test    # or just make: every target, with what it does"
