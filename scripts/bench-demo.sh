#!/usr/bin/env bash
# Times `stagecraft demo` (migrations and the demo organisation, its
# generated collateral and reading history) on a fresh database, for two
# binaries in alternation, RUNS times each; prints one line per run.
#   scripts/bench-demo.sh OLD_BINARY NEW_BINARY [RUNS]
set -euo pipefail
old=${1:?usage: scripts/bench-demo.sh OLD_BINARY NEW_BINARY [RUNS]}
new=${2:?usage: scripts/bench-demo.sh OLD_BINARY NEW_BINARY [RUNS]}
runs=${3:-5}
here=$(cd "$(dirname "$0")" && pwd)
for i in $(seq "$runs"); do
	for which in old new; do
		bin=$old
		[ "$which" = new ] && bin=$new
		db="stagecraft_bench_demo_${which}_$i"
		url=$("$here/pg.sh" url "$db")
		dir=$(mktemp -d)
		start=$(date +%s.%N)
		if ! DATABASE_URL="$url" DATA_DIR="$dir" LOG_LEVEL=error "$bin" demo >/dev/null 2>"$dir.err"; then
			echo "bench-demo: $bin demo failed:" >&2
			cat "$dir.err" >&2
			exit 1
		fi
		end=$(date +%s.%N)
		printf '%s %.3f\n' "$which" "$(echo "$end - $start" | bc)"
		rm -rf "$dir" "$dir.err"
		psql -q "${url%%/"$db"*}/postgres" -c "DROP DATABASE $db" 2>/dev/null ||
			psql -q "$(echo "$url" | sed "s#/$db#/postgres#")" -c "DROP DATABASE $db"
	done
done
