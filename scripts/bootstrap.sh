#!/usr/bin/env bash
# Idempotent setup: a project virtualenv with the package installed (editable) and, with
# --system, the Debian packages the tests and memos need (Chromium, CJK fonts, poppler).
set -euo pipefail
cd "$(dirname "$0")/.."

want_system=0
for arg in "$@"; do [ "$arg" = "--system" ] && want_system=1; done

need_apt=()
have_font() { fc-list 2>/dev/null | grep -qi "$1"; }
command -v fc-list >/dev/null 2>&1 || need_apt+=(fontconfig)
have_font "Noto Sans CJK" || need_apt+=(fonts-noto-cjk)
have_font "IPAGothic" || need_apt+=(fonts-ipafont-gothic)
if [ "$want_system" = 1 ]; then
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
  command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
fi
if [ "${#need_apt[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: installing Debian packages: ${need_apt[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "bootstrap: please install these Debian packages: ${need_apt[*]}" >&2
  fi
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv"
  "$PY" -m venv .venv
fi
stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "bootstrap: installing the project and its dependencies (about a minute)"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e ".[dev]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
