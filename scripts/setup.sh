#!/usr/bin/env bash
# Create .venv with Aegis (editable) and its test tools. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never UV_SYSTEM_CERTS="${UV_SYSTEM_CERTS:-1}"
python3 -m uv --version >/dev/null 2>&1 \
    || python3 -m pip install --quiet --disable-pip-version-check uv
[ -x .venv/bin/python ] || python3 -m uv venv --quiet --python python3 .venv
python3 -m uv pip install --quiet --compile-bytecode --python .venv/bin/python -e '.[test,docs]'
echo "Aegis is installed in .venv ($(.venv/bin/aegis version))"
