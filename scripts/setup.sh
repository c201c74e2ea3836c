#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian machine with only Node and npm:
#   scripts/setup.sh          Debian packages for the main job (ffmpeg, redis-server), then npm ci
#   scripts/setup.sh --test   also what the test suite needs (Ceph RADOS Gateway for S3, Chromium)
# As root it runs apt-get itself; otherwise it prints the exact apt command to run.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(ffmpeg redis-server libgcrypt20)
if [ "${1:-}" = "--test" ]; then packages+=(ceph-mon ceph-osd radosgw curl chromium fonts-noto-cjk); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
  else
    echo "missing Debian packages; run:  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

# npm ci only when the lock file changed since the last install (it wipes node_modules).
stamp=node_modules/.setup-lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi
npm run --silent build:web >/dev/null  # the reviewer page that `evidence up` serves at / (dist/web)
