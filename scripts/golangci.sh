#!/usr/bin/env bash
# golangci.sh installs golangci-lint into the per-user cache MinIO uses
# (scripts/minio.sh) and runs it from the repository's root, where
# .golangci.yml is. No prebuilt download: the binary is built with
# `go install`, pinned below.
#
#   scripts/golangci.sh bin        install if needed, print the binary's path
#   scripts/golangci.sh [ARGS...]  install if needed, run golangci-lint ARGS
#                                  (default: run ./...)
#
# Progress and errors go to stderr; with `bin`, stdout carries the path only.
set -euo pipefail

readonly LINT_PKG=github.com/golangci/golangci-lint/v2
readonly LINT_VERSION=v2.15.0
readonly CACHE_DIR="${STAGECRAFT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stagecraft}"
readonly BIN_DIR="$CACHE_DIR/bin"
readonly LINT="$BIN_DIR/golangci-lint"

log() { printf 'golangci.sh: %s\n' "$*" >&2; }
die() { log "$@"; exit 1; }

# installed prints the module version and the Go release recorded in the
# binary, e.g. "v2.15.0 go1.26.8".
installed() {
	go version -m "$LINT" 2>/dev/null | awk -v pkg="$LINT_PKG" '
		NR == 1 { gover = $2 }
		$1 == "mod" && $2 == pkg { ver = $3 }
		END { print ver, gover }'
}

# is_installed is true when the cached binary is the pinned version, built
# by the Go in use: golangci-lint refuses to check code written for a Go
# newer than the one it was built with, so a toolchain upgrade reinstalls.
is_installed() {
	[[ -x $LINT ]] || return 1
	[[ $(installed) == "$LINT_VERSION $(go env GOVERSION)" ]]
}

# ensure_lint installs the pinned golangci-lint unless it is in the cache.
ensure_lint() {
	command -v go >/dev/null || die "Go is needed to install golangci-lint (go install $LINT_PKG/cmd/golangci-lint@$LINT_VERSION)"
	is_installed && return
	mkdir -p "$BIN_DIR"
	# Parallel runs must not build twice or see a half-written binary: take
	# a lock, check again, build into a temporary GOBIN, then rename.
	exec 9>"$BIN_DIR/.golangci-lint.lock"
	if command -v flock >/dev/null; then flock 9; fi
	if ! is_installed; then
		log "installing golangci-lint $LINT_VERSION with $(go env GOVERSION) (takes a few minutes the first time)…"
		local tmp start=$SECONDS
		tmp=$(mktemp -d "$BIN_DIR/.install.XXXXXX")
		# Build outside any module or workspace so neither can interfere.
		if ! (cd "$tmp" && GOBIN="$tmp" go install "$LINT_PKG/cmd/golangci-lint@$LINT_VERSION" >&2); then
			rm -rf "$tmp"
			die "go install $LINT_PKG/cmd/golangci-lint@$LINT_VERSION failed"
		fi
		mv -f "$tmp/golangci-lint" "$LINT"
		rm -rf "$tmp"
		log "installed $LINT in $((SECONDS - start)) s"
	fi
	exec 9>&-
}

case "${1:-}" in
bin)
	[[ $# -eq 1 ]] || die "usage: $0 bin | [golangci-lint ARGS...]"
	ensure_lint
	echo "$LINT"
	;;
*)
	ensure_lint
	cd "$(dirname "$0")/.."
	if [[ $# -eq 0 ]]; then set -- run ./...; fi
	exec "$LINT" "$@"
	;;
esac
