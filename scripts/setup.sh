#!/usr/bin/env bash
# Create .venv with Aegis (editable) and its test tools. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never UV_SYSTEM_CERTS="${UV_SYSTEM_CERTS:-1}"
python3 -m uv --version >/dev/null 2>&1 \
    || python3 -m pip install --quiet --disable-pip-version-check uv
[ -x .venv/bin/python ] || python3 -m uv venv --quiet --python python3 .venv
# The versions last checked here (scripts/constraints.txt), so that a fresh machine tests what
# was tested: the compiled-template and known-fingerprint tables are keyed on Jinja's and
# ruamel.yaml's versions. Users' installs take pyproject.toml's ranges. To move to newer
# releases: install with --upgrade and without -c, write the tables again
# (scripts/template-table.py, scripts/fingerprint-table.py), then
# python3 -m uv pip freeze --python .venv/bin/python --exclude-editable > scripts/constraints.txt
python3 -m uv pip install --quiet --compile-bytecode --python .venv/bin/python \
    -c scripts/constraints.txt -e '.[test,docs]'
echo "Aegis is installed in .venv ($(.venv/bin/aegis version))"
