#!/usr/bin/env bash
# Install the Debian packages mednec needs at run and test time, only where missing:
# tesseract (OCR of scanned charts), poppler-utils, fonts, chromium for browser tests, and
# PostgreSQL for the workstation's database tests.
set -euo pipefail
need=()
# A fresh Debian has python3 without venv/ensurepip.
if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then need+=(python3-venv); fi
if ! command -v tesseract >/dev/null 2>&1; then
  need+=(tesseract-ocr tesseract-ocr-eng)
elif ! tesseract --list-langs 2>/dev/null | grep -qx eng; then
  need+=(tesseract-ocr-eng)  # the binary without its English model cannot OCR a chart
fi
# orientation detection (sideways and upside-down fax pages) needs Tesseract's OSD model
if command -v tesseract >/dev/null 2>&1 && ! tesseract --list-langs 2>/dev/null | grep -qx osd; then
  need+=(tesseract-ocr-osd)
elif ! command -v tesseract >/dev/null 2>&1; then
  need+=(tesseract-ocr-osd)
fi
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# the workstation's database tests also run on a throwaway PostgreSQL (initdb + pg_ctl, no service)
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  need+=(postgresql)
fi
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need+=(fonts-dejavu-core)
dpkg -s fonts-liberation >/dev/null 2>&1 || need+=(fonts-liberation)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "mednec setup: installing system packages: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
