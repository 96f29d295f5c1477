#!/usr/bin/env bash
# Finds or starts PostgreSQL and prints a connection URL for a database,
# creating the database when it is missing.
#
#   scripts/pg.sh url DBNAME    print postgres://… for DBNAME
#   scripts/pg.sh stop          stop the private cluster, if one was started
#
# Order of preference:
#   1. $DATABASE_URL, when set (used as is; DBNAME is ignored);
#   2. a server on 127.0.0.1:5432 (trust auth, user postgres);
#   3. a private cluster under .data/pg, made with the system's PostgreSQL
#      binaries and run as the postgres user (never as root).
# Progress goes to stderr, so `url=$(scripts/pg.sh url x)` captures the URL only.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
pgdir="$root/.data/pg"
port=${STAGECRAFT_PG_PORT:-5433}

log() { printf 'pg: %s\n' "$*" >&2; }

bindir() {
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
	if [ -z "$d" ] && command -v pg_config >/dev/null; then d=$(pg_config --bindir); fi
	if [ -z "$d" ] || [ ! -x "$d/initdb" ]; then
		log "no PostgreSQL server binaries found (looked in /usr/lib/postgresql/*/bin)."
		log "install them (Debian: apt-get install postgresql) or set DATABASE_URL."
		exit 1
	fi
	echo "$d"
}

# as_pg runs a command as the postgres user when we are root: PostgreSQL
# refuses to run as root.
as_pg() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

ensure_db() { # base_url dbname
	local base=$1 db=$2
	if ! psql "${base}postgres" -Atqc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
		log "creating database $db"
		psql "${base}postgres" -qc "CREATE DATABASE \"$db\"" >&2
	fi
}

start_private() {
	local bin
	bin=$(bindir)
	mkdir -p "$root/.data"
	chmod o+x "$root/.data" # the postgres user must reach .data/pg
	if [ ! -f "$pgdir/PG_VERSION" ]; then
		log "initialising a private cluster in $pgdir"
		mkdir -p "$pgdir"
		[ "$(id -u)" = 0 ] && chown postgres: "$pgdir"
		chmod 700 "$pgdir"
		as_pg "$bin/initdb" -D "$pgdir" -U postgres --auth=trust -E UTF8 >/dev/null
	fi
	if ! as_pg "$bin/pg_ctl" -D "$pgdir" status >/dev/null 2>&1; then
		log "starting the private cluster on 127.0.0.1:$port"
		as_pg "$bin/pg_ctl" -D "$pgdir" -w -t 60 -l "$pgdir/server.log" \
			-o "-p $port -k $pgdir -c listen_addresses=127.0.0.1" start >/dev/null
	fi
}

case "${1:-}" in
url)
	db=${2:?usage: pg.sh url DBNAME}
	if [ -n "${DATABASE_URL:-}" ]; then
		echo "$DATABASE_URL"
		exit 0
	fi
	if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
		base="postgres://postgres@127.0.0.1:5432/"
	else
		start_private
		base="postgres://postgres@127.0.0.1:$port/"
	fi
	ensure_db "$base" "$db"
	echo "${base}${db}?sslmode=disable"
	;;
stop)
	if [ -f "$pgdir/PG_VERSION" ]; then
		as_pg "$(bindir)/pg_ctl" -D "$pgdir" -m fast stop >&2 || true
	fi
	;;
*)
	echo "usage: scripts/pg.sh url DBNAME | stop" >&2
	exit 2
	;;
esac
