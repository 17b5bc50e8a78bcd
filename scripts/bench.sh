#!/usr/bin/env bash
# Benchmark: GET /api/applicant/me (logged in) beside a bare FastCGI "hello"
# behind the same nginx, in the same run, on a stack of its own (var/bench);
# the county worklist and the statistics (统计分析) at 100 000 applications.
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

run() {	# name url [header]: wrk with T threads and C connections (default 2 and $CONN);
	# the line on stderr, the req/s on stdout (LAT=1: the p50 in milliseconds)
	local out rps p50 p99
	out=$(wrk -t"${T:-2}" -c"${C:-$CONN}" -d"${DUR}s" --latency ${3:+-H "$3"} "$2")
	rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
	p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
	p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
	non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
	printf '%-28s %10s req/s   p50 %-9s p99 %-9s%s\n' "$1" "$rps" "$p50" "$p99" \
		"${non2xx:+   non-2xx: $non2xx}" >&2
	if [ -z "${LAT:-}" ]; then
		echo "$rps"
	else
		awk -v v="$p50" 'BEGIN {
			if (v ~ /us$/) m = v / 1000; else if (v ~ /ms$/) m = v + 0; else if (v ~ /s$/) m = v * 1000
			print m
		}'
	fi
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

# The statistics (统计分析) at the same 100 000 applications with their chain
# history: a county's (婺城区, a tenth of them) and the operator's (all of them,
# as many as a city department that every application reaches would see),
# one request at a time, so that the latency is what the figures cost, beside
# the bare FastCGI round trip and a logged-in request of the same program.
asid=$(login admin admin)
curl -fsS -H "Cookie: sid=$csid" "$base/api/county/stats" |
	node -e 'let s = ""; process.stdin.on("data", (d) => s += d).on("end", () => {
		const f = JSON.parse(s), d = f.decisions
		const days = f.steps.map((x) => `${x.step}: ${x.days_median}/${x.days_p90}`).join(", ")
		console.log(`county figures: ${f.total} applications, ${f.by_step.length} step/state rows, ` +
		    `${f.by_region.length} counties; decisions ${d.total} (通过 ${d.pass_rate}%, ` +
		    `退回 ${d.return_rate}%, 不通过 ${d.reject_rate}%); working days median/p90 by step ${days}`)
	})'
echo "one request at a time (1 thread, 1 connection), ${DUR}s each:"
export T=1 C=1 LAT=1
hello1=$(run "FastCGI hello (bare)" "$base/bench/hello")
me1=$(run "GET /api/county/me" "$base/api/county/me" "Cookie: sid=$csid")
cs=$(run "county stats @$BIG" "$base/api/county/stats" "Cookie: sid=$csid")
as=$(run "operator stats @$BIG" "$base/api/admin/stats" "Cookie: sid=$asid")
# The floor of such figures: one bare pass over the same applications in SQL
# (a count), the median of 21 runs, timed by psql on the same machine at the
# same time, so that the ratio says what the figures cost whatever the load.
floor_ms() {	# sql -> the median time in ms
	{ echo '\timing on'; for _ in $(seq 1 21); do echo "$1;"; done; } |
		scripts/stack.sh psql -At -o /dev/null 2>&1 |
		awk '/^Time:/ {print $2}' | sort -n | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }'
}
cf=$(floor_ms "SELECT count(*) FROM desk d JOIN application a ON a.id = d.application_id
	WHERE d.org_id = (SELECT org_id FROM app_user WHERE username = 'wucheng_jsj')")
af=$(floor_ms "SELECT count(*) FROM application WHERE state <> 'draft'")
awk -v h="$hello1" -v m="$me1" -v c="$cs" -v a="$as" -v cf="$cf" -v af="$af" -v n="$BIG" 'BEGIN {
	printf "stats p50: county %.1f ms, operator %.1f ms; %.0f / %.0f times the bare round trip, " \
	    "%.0f / %.0f times a logged-in request\n", c, a, c / h, a / h, c / m, a / m
	printf "floor (a bare count of the same applications in SQL): county %.1f ms, operator %.1f ms; " \
	    "ratio stats / floor: county %.1f, operator %.1f\n", cf, af, c / cf, a / af
	w = (c > a ? c : a)
	printf "stats @%d: slowest p50 %.1f ms (goal < 200 ms): %s\n", n, w, (w < 200 ? "ok" : "short")
}'
