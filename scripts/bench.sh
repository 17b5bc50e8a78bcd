#!/usr/bin/env bash
# Benchmark: GET /api/applicant/me (logged in) beside a bare FastCGI "hello"
# behind the same nginx, in the same run, on a stack of its own (var/bench).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export VAR=$ROOT/var/bench PORT=${BENCH_PORT:-8093} BENCH=1 WORKERS=${WORKERS:-4}
DUR=${BENCH_SECONDS:-10}
CONN=${BENCH_CONNECTIONS:-16}

scripts/stack.sh stop >/dev/null 2>&1 || true
rm -rf "$VAR"	# every run measures a database of its own making
trap 'scripts/stack.sh stop >/dev/null 2>&1' EXIT
scripts/stack.sh start >/dev/null
scripts/stack.sh seed >/dev/null

base=http://127.0.0.1:$PORT
login() {	# role username -> the session cookie's value
	curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
		-d "{\"username\":\"$2\",\"password\":\"Demo@2023\"}" "$base/api/$1/login" |
		sed -n 's/^Set-Cookie: sid=\([0-9a-f]*\);.*/\1/p'
}
sid=$(login applicant 330702199001010015)
[ -n "$sid" ] || { echo "bench: login failed" >&2; exit 1; }
curl -fsS -H "Cookie: sid=$sid" "$base/api/applicant/me" >/dev/null

run() {	# name url [header]
	local out rps p50 p99
	out=$(wrk -t2 -c"$CONN" -d"${DUR}s" --latency ${3:+-H "$3"} "$2")
	rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
	p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
	p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
	non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
	printf '%-28s %10s req/s   p50 %-9s p99 %-9s%s\n' "$1" "$rps" "$p50" "$p99" \
		"${non2xx:+   non-2xx: $non2xx}" >&2
	echo "$rps"
}

echo "wrk: 2 threads, $CONN connections, ${DUR}s each; $WORKERS workers per program; $(nproc) cores"
# run prints its line on stderr and gives the bare req/s on stdout
hello=$(run "FastCGI hello (bare)" "$base/bench/hello")
me=$(run "GET /api/applicant/me" "$base/api/applicant/me" "Cookie: sid=$sid")
awk -v a="$me" -v b="$hello" 'BEGIN { printf "ratio me/hello: %.2f\n", a / b }'

# The county worklist's first page (婺城区 holds a tenth of all applications)
# at 1 000 and at 100 000 applications: keyset pages on the desk's index
# should cost the same at both sizes.
seed() {	# count offset
	scripts/stack.sh psql -1 -v n="$1" -v offset="$2" -f "$ROOT/scripts/bench/seed.sql" >/dev/null
}
BIG=${BENCH_APPS:-100000}
csid=$(login county wucheng_jsj)
seed 1000 0
small=$(run "county worklist @1000" "$base/api/county/worklist" "Cookie: sid=$csid")
seed $((BIG - 1000)) 1000
big=$(run "county worklist @$BIG" "$base/api/county/worklist" "Cookie: sid=$csid")
awk -v a="$big" -v b="$small" -v n="$BIG" 'BEGIN {
	r = a / b
	printf "ratio worklist @%d / @1000: %.2f (goal >= 0.80): %s\n", n, r, (r >= 0.8 ? "ok" : "short")
}'
