#!/usr/bin/env bash
# mednec developer entry point: `bash scripts/dev.sh demo`, `serve` (reviewer workstation) or `test`.
# Both set everything up first (system packages with apt where missing, .venv, the package
# with its test extras) and are idempotent: a second run reuses what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-}
if [ -z "$PY" ]; then
  for cand in python3.11 python3; do
    if command -v "$cand" >/dev/null 2>&1; then PY=$cand; break; fi
  done
fi
[ -n "$PY" ] || { echo "mednec setup: python3.11 not found" >&2; exit 1; }

setup() {
  bash scripts/apt-deps.sh
  if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
  fi
  local stamp=.venv/.mednec-installed
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/python -m pip install -q --upgrade pip wheel
    .venv/bin/python -m pip install -q -e '.[test]'
    touch "$stamp"
  fi
}

case "${1:-}" in
  setup)
    setup ;;
  demo)
    setup
    echo "== mednec review corpora/demo/seed-patient ==" >&2
    .venv/bin/mednec review corpora/demo/seed-patient --format text
    mkdir -p out
    .venv/bin/mednec triage corpora/demo -o out/demo
    .venv/bin/mednec letter corpora/demo/seed-patient -o out/demo/seed-patient-letter.html 2>/dev/null || true
    echo "Outputs in out/demo (open out/demo/seed-patient.html in a browser)." >&2 ;;
  serve)
    # the reviewer workstation on the demo cases: triage into out/demo and its database beside the outputs
    setup
    shift
    mkdir -p out
    DB=${MEDNEC_DB:-out/demo/mednec.db}
    .venv/bin/mednec triage corpora/demo -o out/demo --db "$DB"
    if [ -z "$(.venv/bin/mednec users list --db "$DB")" ]; then
      echo "No accounts yet: add one with  .venv/bin/mednec users add NAME --role nurse --db $DB" >&2
      exit 1
    fi
    exec .venv/bin/mednec serve --db "$DB" "$@" ;;
  test)
    setup
    shift
    .venv/bin/python -m pytest -q "$@" ;;
  *)
    echo "usage: bash scripts/dev.sh demo|serve|test|setup" >&2
    exit 2 ;;
esac
