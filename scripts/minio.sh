#!/usr/bin/env bash
# minio.sh installs MinIO into a per-user cache and runs private servers for
# tests. No Docker needed: the binary is built with `go install`.
#
#   scripts/minio.sh bin          install if needed, print the binary's path
#   scripts/minio.sh start DIR    start a server with its data and log in DIR;
#                                 print `export` lines for the tests:
#                                   eval "$(scripts/minio.sh start /tmp/sc-minio)"
#   scripts/minio.sh stop DIR     stop the server started in DIR
#
# Only the export lines go to stdout; progress and errors go to stderr.
set -euo pipefail

readonly MINIO_PKG=github.com/minio/minio
readonly MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
readonly CACHE_DIR="${STAGECRAFT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stagecraft}"
readonly BIN_DIR="$CACHE_DIR/bin"
readonly MINIO="$BIN_DIR/minio"

log() { printf 'minio.sh: %s\n' "$*" >&2; }
die() { log "$@"; exit 1; }

# installed_version prints the MinIO module version recorded in the binary.
installed_version() {
	go version -m "$MINIO" 2>/dev/null | awk '$1 == "mod" && $2 == "'"$MINIO_PKG"'" { print $3 }'
}

is_installed() {
	[[ -x $MINIO ]] || return 1
	# Without Go we cannot check the version; trust what is there.
	command -v go >/dev/null || return 0
	[[ $(installed_version) == "$MINIO_VERSION" ]]
}

# ensure_minio installs the pinned MinIO unless it is already in the cache.
ensure_minio() {
	is_installed && return
	command -v go >/dev/null || die "Go is needed to install MinIO (go install $MINIO_PKG@$MINIO_VERSION)"
	mkdir -p "$BIN_DIR"
	# Parallel test runs must not build twice or see a half-written binary:
	# take a lock, check again, build into a temporary GOBIN, then rename.
	exec 9>"$BIN_DIR/.minio.lock"
	if command -v flock >/dev/null; then flock 9; fi
	if ! is_installed; then
		log "installing MinIO $MINIO_VERSION (takes ~4 min the first time)…"
		local tmp
		tmp=$(mktemp -d "$BIN_DIR/.install.XXXXXX")
		# Build outside any module or workspace so neither can interfere.
		if ! (cd "$tmp" && GOBIN="$tmp" go install "$MINIO_PKG@$MINIO_VERSION" >&2); then
			rm -rf "$tmp"
			die "go install $MINIO_PKG@$MINIO_VERSION failed"
		fi
		mv -f "$tmp/minio" "$MINIO"
		rm -rf "$tmp"
		log "installed $MINIO"
	fi
	exec 9>&-
}

random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }

# free_port prints a loopback port nobody listens on. Another process could
# take it before MinIO binds it; start then fails with MinIO's log.
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
	curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$1/minio/health/live" 2>/dev/null
}

running_pid() {
	local pid
	[[ -f $1/pid ]] || return 1
	pid=$(<"$1/pid")
	kill -0 "$pid" 2>/dev/null && echo "$pid"
}

start() {
	local dir=$1 pid port user password
	mkdir -p "$dir/data"
	dir=$(cd "$dir" && pwd)
	if pid=$(running_pid "$dir"); then
		die "a server is already running in $dir (pid $pid); run: $0 stop $dir"
	fi
	command -v curl >/dev/null || die "curl is needed to wait for MinIO"
	ensure_minio
	port=$(free_port)
	user="stagecraft-$(random_hex 4)"
	password=$(random_hex 20)
	# A clean environment keeps the caller's MINIO_* settings out. Browser,
	# update checks and call-home are off: nothing phones home. CI/CD mode
	# caps MinIO's buffer pool at 256 MiB instead of half the RAM.
	env -i PATH="$PATH" HOME="$dir" TMPDIR="${TMPDIR:-/tmp}" \
		MINIO_ROOT_USER="$user" MINIO_ROOT_PASSWORD="$password" \
		MINIO_BROWSER=off MINIO_UPDATE=off MINIO_CALLHOME_ENABLE=off MINIO_CI_CD=on \
		nohup "$MINIO" server --quiet --address "127.0.0.1:$port" \
		--certs-dir "$dir/certs" "$dir/data" >"$dir/minio.log" 2>&1 </dev/null &
	pid=$!
	echo "$pid" >"$dir/pid"

	local deadline=$((SECONDS + 60))
	until healthy "$port"; do
		if ! kill -0 "$pid" 2>/dev/null || ((SECONDS >= deadline)); then
			kill -KILL "$pid" 2>/dev/null || true
			rm -f "$dir/pid"
			log "MinIO did not become ready on 127.0.0.1:$port; end of $dir/minio.log:"
			tail -n 30 "$dir/minio.log" >&2 || true
			exit 1
		fi
		sleep 0.2
	done
	log "MinIO ready on 127.0.0.1:$port (pid $pid, data in $dir/data)"
	printf 'export MINIO_BIN=%q\n' "$MINIO"
	printf 'export TEST_S3_ENDPOINT=%q\n' "127.0.0.1:$port"
	printf 'export TEST_S3_ACCESS_KEY=%q\n' "$user"
	printf 'export TEST_S3_SECRET_KEY=%q\n' "$password"
}

stop() {
	local dir=$1 pid
	if ! pid=$(running_pid "$dir"); then
		log "no server running in $dir"
		rm -f "$dir/pid"
		return
	fi
	kill -TERM "$pid"
	# MinIO shuts down in well under a second; don't wait forever.
	for _ in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	rm -f "$dir/pid"
	log "stopped MinIO (pid $pid)"
}

usage() { die "usage: $0 bin | start DIR | stop DIR"; }

case "${1:-}" in
bin)
	[[ $# -eq 1 ]] || usage
	ensure_minio
	echo "$MINIO"
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
