#!/usr/bin/env bash
# mailpit.sh installs Mailpit (an SMTP server that keeps what it receives and
# shows it over HTTP) into a per-user cache and runs private servers for
# tests. No Docker needed: the binary is built with `go install`.
#
#   scripts/mailpit.sh bin          install if needed, print the binary's path
#   scripts/mailpit.sh start DIR    start a server with its log in DIR; print
#                                   `export` lines for the tests:
#                                     eval "$(scripts/mailpit.sh start /tmp/sc-mail)"
#   scripts/mailpit.sh stop DIR     stop the server started in DIR
#
# Only the export lines go to stdout; progress and errors go to stderr.
set -euo pipefail

readonly MAILPIT_PKG=github.com/axllent/mailpit
readonly MAILPIT_VERSION=${MAILPIT_VERSION:-v1.33.1}
readonly CACHE_DIR="${STAGECRAFT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stagecraft}"
readonly BIN_DIR="$CACHE_DIR/bin"
readonly MAILPIT="$BIN_DIR/mailpit"

log() { printf 'mailpit.sh: %s\n' "$*" >&2; }
die() { log "$@"; exit 1; }

# installed_version prints the Mailpit module version recorded in the binary.
installed_version() {
	go version -m "$MAILPIT" 2>/dev/null | awk '$1 == "mod" && $2 == "'"$MAILPIT_PKG"'" { print $3 }'
}

is_installed() {
	[[ -x $MAILPIT ]] || return 1
	command -v go >/dev/null || return 0
	[[ $(installed_version) == "$MAILPIT_VERSION" ]]
}

# ensure_mailpit installs the pinned Mailpit unless it is already in the cache.
ensure_mailpit() {
	is_installed && return
	command -v go >/dev/null || die "Go is needed to install Mailpit (go install $MAILPIT_PKG@$MAILPIT_VERSION)"
	mkdir -p "$BIN_DIR"
	# Parallel test runs must not build twice or see a half-written binary:
	# take a lock, check again, build into a temporary GOBIN, then rename.
	exec 9>"$BIN_DIR/.mailpit.lock"
	if command -v flock >/dev/null; then flock 9; fi
	if ! is_installed; then
		log "installing Mailpit $MAILPIT_VERSION (takes a few minutes the first time)…"
		local tmp
		tmp=$(mktemp -d "$BIN_DIR/.install.XXXXXX")
		# Build outside any module or workspace so neither can interfere.
		if ! (cd "$tmp" && GOBIN="$tmp" GOFLAGS=-mod=mod go install "$MAILPIT_PKG@$MAILPIT_VERSION" >&2); then
			rm -rf "$tmp"
			die "go install $MAILPIT_PKG@$MAILPIT_VERSION failed"
		fi
		mv -f "$tmp/mailpit" "$MAILPIT"
		rm -rf "$tmp"
		log "installed $MAILPIT"
	fi
	exec 9>&-
}

# free_port prints a loopback port nobody listens on. Another process could
# take it before Mailpit binds it; start then fails with Mailpit's log.
free_port() {
	local port
	for _ in $(seq 1 100); do
		port=$((20000 + RANDOM % 30000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return
		fi
	done
	die "no free loopback port found"
}

healthy() {
	curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$1/livez" 2>/dev/null
}

running_pid() {
	local pid
	[[ -f $1/pid ]] || return 1
	pid=$(<"$1/pid")
	kill -0 "$pid" 2>/dev/null && echo "$pid"
}

start() {
	local dir=$1 pid smtp_port http_port
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	if pid=$(running_pid "$dir"); then
		die "a server is already running in $dir (pid $pid); run: $0 stop $dir"
	fi
	command -v curl >/dev/null || die "curl is needed to wait for Mailpit"
	ensure_mailpit
	smtp_port=$(free_port)
	http_port=$(free_port)
	[[ $smtp_port != "$http_port" ]] || http_port=$(free_port)
	# Messages stay in memory (no --database); nothing phones home.
	env -i PATH="$PATH" HOME="$dir" TMPDIR="${TMPDIR:-/tmp}" \
		nohup "$MAILPIT" --smtp "127.0.0.1:$smtp_port" --listen "127.0.0.1:$http_port" \
		--smtp-auth-accept-any --smtp-auth-allow-insecure --disable-version-check \
		>"$dir/mailpit.log" 2>&1 </dev/null &
	pid=$!
	echo "$pid" >"$dir/pid"

	local deadline=$((SECONDS + 30))
	until healthy "$http_port"; do
		if ! kill -0 "$pid" 2>/dev/null || ((SECONDS >= deadline)); then
			kill -KILL "$pid" 2>/dev/null || true
			rm -f "$dir/pid"
			log "Mailpit did not become ready on 127.0.0.1:$http_port; end of $dir/mailpit.log:"
			tail -n 30 "$dir/mailpit.log" >&2 || true
			exit 1
		fi
		sleep 0.2
	done
	log "Mailpit ready: SMTP 127.0.0.1:$smtp_port, HTTP 127.0.0.1:$http_port (pid $pid)"
	printf 'export TEST_SMTP_URL=%q\n' "smtp://127.0.0.1:$smtp_port"
	printf 'export TEST_MAILPIT_API=%q\n' "http://127.0.0.1:$http_port"
}

stop() {
	local dir=$1 pid
	if ! pid=$(running_pid "$dir"); then
		log "no server running in $dir"
		rm -f "$dir/pid"
		return
	fi
	kill -TERM "$pid"
	for _ in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	rm -f "$dir/pid"
	log "stopped Mailpit (pid $pid)"
}

usage() { die "usage: $0 bin | start DIR | stop DIR"; }

case "${1:-}" in
bin)
	[[ $# -eq 1 ]] || usage
	ensure_mailpit
	echo "$MAILPIT"
	;;
start)
	[[ $# -eq 2 ]] || usage
	start "$2"
	;;
stop)
	[[ $# -eq 2 ]] || usage
	stop "$2"
	;;
*) usage ;;
esac
