#!/usr/bin/env bash
# Builds the web app (frontend/web) into frontend/web/dist, which the Go
# binary embeds. Installs its npm packages from package-lock.json first
# when they are missing or out of date.
#
#   scripts/web.sh build    install if needed, type-check and build
#   scripts/web.sh install  install only
set -euo pipefail
cd "$(dirname "$0")/../frontend/web"

log() { printf 'web: %s\n' "$*" >&2; }

if ! command -v npm >/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		log "installing Node.js and npm…"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
	else
		log "Node.js and npm are needed to build the web app (Debian: apt-get install nodejs npm)."
		exit 1
	fi
fi

# npm ci is skipped when node_modules already matches the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	log "installing npm packages…"
	npm ci --no-audit --no-fund --loglevel=error
fi

case "${1:-build}" in
install) ;;
build)
	log "building the web app…"
	npm run --silent build
	;;
*)
	echo "usage: scripts/web.sh build|install" >&2
	exit 2
	;;
esac
