#!/bin/sh
# Debian packages the project needs, installed only if missing. Idempotent.
#   scripts/system-packages.sh         the main job: WeasyPrint's libraries, the PDF font, and
#                                      OpenSSH (ssh-keygen signs and verifies sign-offs)
#   scripts/system-packages.sh --test  also what only the tests need: headless Chromium,
#                                      poppler (PDF to PNG), Java (Nu HTML checker), npm,
#                                      nginx and LinkChecker (the deployment crawl; nginx is
#                                      only started by that test, on 127.0.0.1),
#                                      and axe-core from npm into tests/node_modules
set -e
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
pkgs="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core openssh-client"
if [ "$1" = "--test" ]; then
  pkgs="$pkgs chromium poppler-utils default-jre-headless npm nginx linkchecker"
fi
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
# npm may come with the machine's own Node.js rather than Debian's package
case " $missing " in *" npm "*) command -v npm >/dev/null 2>&1 && missing=$(echo "$missing" | sed 's/ npm//') ;; esac
if [ -n "$(echo $missing)" ]; then
  echo "installing Debian packages:$missing"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
fi
if [ "$1" = "--test" ]; then
  tests=$(dirname "$0")/../tests
  [ -f "$tests/node_modules/axe-core/axe.min.js" ] || (cd "$tests" && npm ci --no-audit --no-fund --silent)
fi
