#!/bin/sh
# System packages the tests need (not the main job): headless Chromium for the
# review-page and accessibility tests, poppler for PDF checks, Java for the Nu
# HTML checker, and axe-core from npm. Idempotent; installs only what is missing.
set -e
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v pdftoppm >/dev/null 2>&1 || need="$need poppler-utils"
command -v java >/dev/null 2>&1 || need="$need default-jre-headless"
command -v npm >/dev/null 2>&1 || need="$need npm"
if [ -n "$need" ]; then
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $need
fi
here=$(dirname "$0")
if [ ! -d "$here/node_modules/axe-core" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --silent)
fi
