#!/usr/bin/env bash
# Set up (idempotent) and start the chat UI on the embedded offline model with the demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export GRADIO_ANALYTICS_ENABLED=False
export REVOPS_LLM="${REVOPS_LLM:-offline}"
# build the playbook store now (a few seconds, once per REVOPS_HOME) so the first answer does not wait for it
.venv/bin/revops index > /dev/null
exec .venv/bin/revops ui --demo --host "${REVOPS_UI_HOST:-127.0.0.1}" --port "${REVOPS_UI_PORT:-7860}"
