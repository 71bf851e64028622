#!/usr/bin/env bash
# Install everything the tests need into .venv (and Debian's Chromium for the browser tests),
# then run ruff, mypy and the test suite. This is what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
  fi
fi
# The browser tests skip without Chromium on a developer's machine, never here.
export MOBILIZE_REQUIRE_BROWSER=1

.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/pytest -q "$@"
