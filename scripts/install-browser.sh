#!/usr/bin/env bash
# Chromium for the dashboard check in a real headless browser (Debian package).
set -euo pipefail
command -v chromium >/dev/null 2>&1 && exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
