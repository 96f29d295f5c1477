#!/usr/bin/env bash
# Makes sure Debian's chromium is installed for the browser tests and
# prints its path. Playwright drives it; nothing is downloaded besides the
# Debian package.
set -euo pipefail

log() { printf 'chromium: %s\n' "$*" >&2; }

bin=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$bin" ]; then
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
		log "chromium is not installed; the browser tests need it (Debian: apt-get install chromium)."
		exit 1
	fi
	log "installing chromium (about a minute)…"
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y -qq chromium >/dev/null 2>&1; then
		apt-get update -qq >/dev/null
		apt-get install -y -qq chromium >/dev/null
	fi
fi
echo "$bin"
