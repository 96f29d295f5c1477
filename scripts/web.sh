#!/usr/bin/env bash
# Builds the web app (frontend/web) into frontend/web/dist, which the Go
# binary embeds, and the browser extension (frontend/extension). Installs
# npm packages from each package-lock.json first when they are missing or
# out of date.
#
#   scripts/web.sh build              install if needed, type-check and build the web app
#   scripts/web.sh install            install the web app's packages only
#   scripts/web.sh extension          build the extension's store zips
#   scripts/web.sh install-extension  install the extension's test packages
#   scripts/web.sh lint               install if needed and run ESLint on both
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

# install runs npm ci in the current folder unless node_modules already
# matches the lock file.
install() {
	if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
		log "installing npm packages in $(basename "$(pwd)")…"
		npm ci --no-audit --no-fund --loglevel=error
	fi
}

case "${1:-build}" in
install) install ;;
build)
	install
	log "building the web app…"
	npm run --silent build
	;;
extension)
	cd ../extension
	node scripts/build.mjs
	;;
install-extension)
	install # the web app's packages carry Playwright for the extension's tests
	cd ../extension
	install
	;;
lint)
	# Both packages are linted even when the first has problems; any
	# problem (a warning too) fails the command.
	status=0
	install
	log "linting the web app (frontend/web)…"
	npm run --silent lint || status=1
	cd ../extension
	install
	log "linting the extension (frontend/extension)…"
	npm run --silent lint || status=1
	exit "$status"
	;;
*)
	echo "usage: scripts/web.sh build|install|extension|install-extension|lint" >&2
	exit 2
	;;
esac
