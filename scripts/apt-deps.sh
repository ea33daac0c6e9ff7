#!/usr/bin/env bash
# Installs the Debian packages the portal needs, only those that are missing (idempotent).
#   runtime: WeasyPrint's libraries and a CJK font (make run)
#   test:    runtime + PostgreSQL, Redis, Chromium, poppler (make test)
set -euo pipefail
pkgs="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext nodejs npm"
if [ "${1:-runtime}" = test ]; then
  pkgs="$pkgs postgresql redis-server chromium poppler-utils docker-compose"
fi
missing=""
for p in $pkgs; do
  if [ "$p" = nodejs ] || [ "$p" = npm ]; then
    command -v "${p/nodejs/node}" >/dev/null 2>&1 && continue
  fi
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
  echo "apt: installing$missing"
  $SUDO apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null
fi
