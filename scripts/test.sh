#!/usr/bin/env bash
# Set up (idempotent, including Chromium for the browser tests) and run the whole gate:
# ruff, mypy on the packages, and the full pytest suite (browser and end-to-end tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh --system
export GRADIO_ANALYTICS_ENABLED=False
echo "== ruff"; .venv/bin/ruff check .
echo "== mypy"; .venv/bin/mypy
echo "== pytest"; .venv/bin/pytest "$@"
