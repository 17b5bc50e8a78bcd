#!/usr/bin/env bash
# make bench: the performance contract of issue 10. On a stack of its own
# (var/bench, port BENCH_PORT) it seeds BENCH_APPS applications (default
# 100 000; scripts/bench/seed.sql), then times each hot line of the portal
# beside a bare program doing the same SQL through the same nginx
# (tools/fcgi-floor.c), in one run: wrk, 2 threads, BENCH_SECONDS (10) each, at
# 16 connections (req/s, p50, p99, the ratio to the floor) and at 64 (p99, the
# portal's and the floor's).
# Then chain moves (moves/s, and that every move is in the history exactly
# once), each portal's first load, each worker's private memory, whether the
# worklist's plans stay put, the statistics of issue 9, and one line per
# goal: ok or short, and the figure. The figures land in var/bench-<apps>.txt
# too; at a million, the ratios are held against those at 100 000.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# No WAL archiving (it works off the request path). pg_stat_statements for the
# plan check, counting nothing until then (it costs every statement something).
export VAR=$ROOT/var/bench PORT=${BENCH_PORT:-8093} BENCH=1 WORKERS=${WORKERS:-4} ARCHIVE=0
export PG_EXTRA_CONF="shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = none"
DUR=${BENCH_SECONDS:-10}
APPS=${BENCH_APPS:-100000}
LUA=$ROOT/scripts/bench
OUT=$ROOT/var/bench-$APPS.txt
psql_() { scripts/stack.sh psql -X -At "$@"; }

scripts/stack.sh stop >/dev/null 2>&1 || true
rm -rf "$VAR"	# every run measures a database of its own making
trap 'scripts/stack.sh stop >/dev/null 2>&1' EXIT
t0=$(date +%s)
scripts/stack.sh start >/dev/null
scripts/stack.sh seed >/dev/null
psql_ -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
seed() {	# from to: add the bench's applications from+1 … to
	scripts/stack.sh psql -X -q -1 -v from="$1" -v n="$2" -v total="$APPS" \
		-f "$ROOT/scripts/bench/seed.sql" >/dev/null
	psql_ -c "VACUUM ANALYZE" >/dev/null
}
SMALL=$(( APPS < 1000 ? APPS : 1000 ))
seed 0 "$SMALL"
t1=$(date +%s)

base=http://127.0.0.1:$PORT
login() {	# role username -> the session cookie's value
	curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
		-d "{\"username\":\"$2\",\"password\":\"Demo@2023\"}" "$base/api/$1/login" |
		sed -n 's/^Set-Cookie: sid=\([0-9a-f]*\);.*/\1/p'
}
json() {	# expression over the JSON on stdin (j)
	node -e 'let s = ""; process.stdin.on("data", (d) => s += d).on("end", () => {
		const j = JSON.parse(s); console.log(eval(process.argv[1])) })' "$1"
}
asid=$(login applicant 330702199001010015)
usid=$(login unit bench_unit)
csid=$(login county wucheng_jsj)
[ -n "$asid" ] && [ -n "$usid" ] && [ -n "$csid" ] || { echo "bench: login failed" >&2; exit 1; }
# A worklist's first page one request at a time (p50 and p99, ms), at $SMALL
# applications and, after the rest are added, at $APPS (issue 7: the same time)
# (after a second's warming up: the connection's plans made, the pages read once).
# Five short runs, the one with the lowest p50 kept: what the machine's other
# tenants add only ever adds, and the two sizes are timed minutes apart (one
# 5 s run each had 1.31 against 1.70 ms in a run whose lines said nothing changed;
# with three runs of 3 s the line still flipped between runs: a figure of
# ~0.5 ms at 100 000 was 0.46-0.59 ms at 20 s intervals in one quiet database)
one() { local i
	wrk -t1 -c1 -d1s -H "Cookie: sid=$2" "$base$1" >/dev/null
	for i in 1 2 3 4 5; do
		wrk -t1 -c1 -d2s -s "$LUA/report.lua" -H "Cookie: sid=$2" "$base$1" |
			awk '/^BENCH / { printf "%.2f %.2f\n", $6 / 1000, $7 / 1000 }'
	done | sort -n | head -n1; }
small_u=$(one /api/unit/worklist "$usid") small_c=$(one /api/county/worklist "$csid")
t2=$(date +%s)
seed "$SMALL" "$APPS"
t3=$(date +%s)
large_u=$(one /api/unit/worklist "$usid") large_c=$(one /api/county/worklist "$csid")
ucsrf=$(curl -fsS -H "Cookie: sid=$usid" "$base/api/unit/me" | json j.csrf)
# the unit's 50th page: the cursor the 49th hands out
after=
for _ in $(seq 1 49); do	# (or the last page, in a small database)
	n=$(curl -fsS -H "Cookie: sid=$usid" "$base/api/unit/worklist${after:+?after=$after}" |
		json 'j.next ? encodeURIComponent(j.next) : ""')
	[ -n "$n" ] || break
	after=$n
done
big=$(psql_ -c "SELECT id FROM org WHERE name = '压测大单位'")
detail=$(psql_ -c "SELECT min(id) FROM application WHERE unit_org_id = $big AND step_seq = 3")

# What else the machine did meanwhile: the CPU time spent outside this bench
# (its PostgreSQL, programs, nginx and wrk), in per cent of the machine. A
# figure taken while others worked is noise; the table says how much.
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
ours() {
	local p pids
	pids="$(head -n1 "$VAR/pg/data/postmaster.pid") $(pgrep -P "$(head -n1 "$VAR/pg/data/postmaster.pid")")"
	for p in "$VAR"/run/*.pid; do
		pids="$pids $(cat "$p") $(pgrep -P "$(cat "$p")")"
	done
	for p in $pids; do cat "/proc/$p/stat" 2>/dev/null; done | awk '{ s += $14 + $15 } END { print s + 0 }'
}
HZ=$(getconf CLK_TCK)
# wrk connections seconds [args…] -> "req/s p50-ms p99-ms status-errors socket-errors others-%"
wrk_() {
	local c=$1 d=$2 out b0 o0 t0 b1 o1 t1
	shift 2
	b0=$(busy) o0=$(ours) t0=$(date +%s.%N)
	# `times`: the CPU time of wrk (this subshell's children), on its second line
	out=$( { wrk -t2 -c"$c" -d"${d}s" -s "$LUA/report.lua" "$@" | grep '^BENCH '; times; } )
	b1=$(busy) o1=$(ours) t1=$(date +%s.%N)
	awk -v b=$((b1 - b0)) -v o=$((o1 - o0)) -v t="$(awk -v a="$t0" -v z="$t1" 'BEGIN { print z - a }')" \
	    -v hz="$HZ" -v n="$(nproc)" '
		/^BENCH / { r = $2 / ($3 / 1e6); p50 = $6 / 1000; p99 = $7 / 1000; st = $5; se = $4 }
		/^[0-9]+m[0-9.]+s [0-9]+m[0-9.]+s$/ { w = 0; for (i = 1; i <= 2; i++) { split($i, x, "m");
			w += x[1] * 60 + x[2] } }
		END { other = (b - o - w * hz) / (t * hz * n) * 100; if (other < 0) other = 0
			printf "%.0f %.2f %.2f %d %d %.0f\n", r, p50, p99, st, se, other }' <<<"$out"
}
rows=()
# name floor-url portal-url floor-header portal-header: the floor and the portal at 16
# connections, by turns, each twice for half the time (a load that comes and goes
# meets both), then each at 64 (what p99 the machine gives a bare program); the
# figures of the halves are averaged, their worse p99 kept
line() {
	local name=$1 furl=$2 purl=$3 fh=$4 ph=$5 h=$(( (DUR + 1) / 2 )) f1 p1 f2 p2 p64 f64
	f1=$(wrk_ 16 "$h" ${fh:+-H "$fh"} "$base$furl")
	p1=$(wrk_ 16 "$h" ${ph:+-H "$ph"} "$base$purl")
	f2=$(wrk_ 16 "$h" ${fh:+-H "$fh"} "$base$furl")
	p2=$(wrk_ 16 "$h" ${ph:+-H "$ph"} "$base$purl")
	p64=$(wrk_ 64 "$DUR" ${ph:+-H "$ph"} "$base$purl")
	f64=$(wrk_ 64 "$DUR" ${fh:+-H "$fh"} "$base$furl")
	rows+=("$name|$(halves "$f1" "$f2")|$(halves "$p1" "$p2")|$p64|$(awk -v a="$f1" -v b="$p1" \
		-v c="$f2" -v d="$p2" -v e="$p64" 'BEGIN { split(a, x); s = x[6]; split(b, x); s += x[6];
		split(c, x); s += x[6]; split(d, x); s += x[6]; split(e, x); s += x[6]; printf "%.0f", s / 5 }')|$f64")
	printf '.' >&2
}
halves() {	# two wrk_ results -> one: rates and p50 averaged, the worse p99, errors added
	awk -v a="$1" -v b="$2" 'BEGIN { split(a, x); split(b, y)
		printf "%.0f %.2f %.2f %d %d %.0f\n", (x[1] + y[1]) / 2, (x[2] + y[2]) / 2,
		    (x[3] > y[3] ? x[3] : y[3]), x[4] + y[4], x[5] + y[5], (x[6] + y[6]) / 2 }'
}

echo "make bench: $APPS applications (seeded in $((t1 - t0 + t3 - t2)) s), $(nproc) cores, $WORKERS workers a program;" \
	"wrk 2 threads, ${DUR} s a line; load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
line "hello (401, no database)" /bench/hello /api/applicant/me "" ""
line "me (GET /api/applicant/me)" /bench/select /api/applicant/me "Cookie: sid=$asid" "Cookie: sid=$asid"
line "unit worklist, page 1" /bench/list /api/unit/worklist "Cookie: sid=$usid" "Cookie: sid=$usid"
line "unit worklist, page 50" "/bench/list?after=$after" "/api/unit/worklist?after=$after" \
	"Cookie: sid=$usid" "Cookie: sid=$usid"
line "county worklist, page 1" /bench/list /api/county/worklist "Cookie: sid=$csid" "Cookie: sid=$csid"
line "application detail (floor: select)" /bench/select "/api/unit/applications/$detail" \
	"Cookie: sid=$usid" "Cookie: sid=$usid"

# Chain moves: the big unit's 资格审查 通过, a third of its waiting applications
# for the floor, the rest for the portal, 16 connections, each a share of its own.
psql_ -c "SELECT id FROM application WHERE unit_org_id = $big AND step_seq = 2
	AND state = 'in_review' ORDER BY id" > "$VAR/pool"
total=$(wc -l < "$VAR/pool")
head -n $((total / 3)) "$VAR/pool" > "$VAR/pool-floor"
tail -n +$((total / 3 + 1)) "$VAR/pool" > "$VAR/pool-portal"
hist0=$(psql_ -c "SELECT count(*) FROM chain_history")
mv_() {	# kind ids [csrf] -> "moves/s p50 p99 refused socket-errors answered"
	# wrk runs its full time even when every thread is done: the rate is the
	# moves over the time between the first and the last (chain_history.at)
	local out span b0 o0 t0 b1 o1 t1
	b0=$(busy) o0=$(ours) t0=$(date +%s.%N)
	out=$( { wrk -t2 -c16 -d"${DUR}s" -H "Cookie: sid=$usid" -s "$LUA/move.lua" "$base/" -- \
		"$2" 2 "$1" 2 "${3:-}" | grep '^BENCH '; times; } )
	b1=$(busy) o1=$(ours) t1=$(date +%s.%N)
	span=$(psql_ -F ' ' <<SQL
CREATE TEMP TABLE m (id bigint);
\\copy m FROM '$2'
SELECT count(*), extract(epoch FROM max(h.at) - min(h.at)) FROM chain_history h JOIN m ON m.id = h.application_id
WHERE h.from_step = 2 AND h.action = 'pass';
SQL
)
	awk -v s="$(tail -n1 <<<"$span")" -v b=$((b1 - b0)) -v o=$((o1 - o0)) -v hz="$HZ" \
	    -v t="$(awk -v a="$t0" -v z="$t1" 'BEGIN { print z - a }')" -v n="$(nproc)" '
		/^BENCH / { split(s, x, " "); r = (x[2] > 0 ? (x[1] - 1) / x[2] : 0)
			p50 = $6 / 1000; p99 = $7 / 1000; st = $5; se = $4; ok = $2 - $5 }
		/^[0-9]+m[0-9.]+s [0-9]+m[0-9.]+s$/ { w = 0; for (i = 1; i <= 2; i++) { split($i, y, "m");
			w += y[1] * 60 + y[2] } }
		END { other = (b - o - w * hz) / (t * hz * n) * 100; if (other < 0) other = 0
			printf "%.0f %.2f %.2f %d %d %d %.0f\n", r, p50, p99, st, se, ok, other }' <<<"$out"
}
fm=$(mv_ floor "$VAR/pool-floor")
pm=$(mv_ portal "$VAR/pool-portal" "$ucsrf")
rows+=("chain moves (unit 通过), moves/s|$fm|$pm|-|$(awk -v a="$fm" -v b="$pm" 'BEGIN {
	split(a, x); split(b, y); printf "%.0f", (x[7] + y[7]) / 2 }')")
# every application passed is at step 3 with exactly one such history row, its
# audit row and its notification; no other changed; the desks' counts add up
check=$(psql_ -F ' ' <<SQL
CREATE TEMP TABLE p (id bigint);
\copy p FROM '$VAR/pool'
SELECT count(*) FILTER (WHERE a.step_seq = 3 AND h.n = 1 AND au.n = 1),
	count(*) FILTER (WHERE a.step_seq = 2 AND h.n IS NULL AND au.n IS NULL),
	(SELECT count(*) FROM chain_history) - $hist0,
	(SELECT count(*) FROM (SELECT o.org_id FROM desk o WHERE o.org_id = $big
		GROUP BY o.org_id HAVING count(*) FILTER (WHERE o.decided_at IS NULL) <>
		(SELECT sum(waiting) FROM desk_tally t WHERE t.org_id = $big)) x)
FROM p JOIN application a ON a.id = p.id
LEFT JOIN (SELECT application_id, count(*) AS n FROM chain_history WHERE from_step = 2
	AND action = 'pass' GROUP BY 1) h ON h.application_id = p.id
LEFT JOIN (SELECT target_id, count(*) AS n FROM audit_log WHERE target_type = 'application'
	AND action = 'pass' GROUP BY 1) au ON au.target_id = p.id
SQL
)
read -r moved untouched added tallybad <<<"$(tail -n1 <<<"$check")"
answered=$(( $(cut -d' ' -f6 <<<"$fm") + $(cut -d' ' -f6 <<<"$pm") ))
lost=$(( total - moved - untouched ))
# a move in flight when wrk stopped a thread is done but not counted: at most one a connection
[ "$lost" = 0 ] && [ "$added" = "$moved" ] && [ "$tallybad" = 0 ] &&
	[ "$moved" -ge "$answered" ] && [ "$moved" -le $((answered + 32)) ] && intact=yes || intact=no

# each portal's first load: its page and the scripts and styles it loads before it
# shows anything (those its HTML names and their static imports), gzipped
first_load() {
	local p f imp todo seen total
	for p in applicant unit county city hrb admin; do
		todo=$(grep -oE '(src|href)="/assets/[^"]+"' "www/dist/$p/index.html" |
			sed -E 's/.*"\/(assets\/[^"]+)"/\1/' | sort -u)
		seen=" "
		while [ -n "$todo" ]; do
			f=$(head -n1 <<<"$todo")
			todo=$(tail -n +2 <<<"$todo")
			case $seen in *" $f "*) continue ;; esac
			seen="$seen$f "
			if [[ $f == *.js ]]; then
				for imp in $(grep -oE 'from"\./[^"]+"|import"\./[^"]+"' "www/dist/$f" |
					sed -E 's/.*"\.\/([^"]+)"/\1/'); do
					todo=$(printf '%s\nassets/%s' "$todo" "$imp")
				done
			fi
		done
		total=$(gzip -9c "www/dist/$p/index.html" | wc -c)
		for f in $seen; do total=$((total + $(gzip -9c "www/dist/$f" | wc -c))); done
		echo "$p $total"
	done
}
fl=$(first_load)

# each worker's private memory (kB), after all of the above, per program
mem=$(for r in applicant unit county city hrb admin floor; do
	for w in $(pgrep -P "$(cat "$VAR/run/$r.pid")"); do
		awk -v r="$r" '/^Private_(Clean|Dirty):/ { s += $2 } END { print r, s }' "/proc/$w/smaps_rollup"
	done
done | awk '{ if (!($1 in lo) || $2 < lo[$1]) lo[$1] = $2; if ($2 > hi[$1]) hi[$1] = $2; o[$1] = NR }
	END { for (r in o) printf "%d %s %.1f %.1f\n", o[r], r, lo[r] / 1024, hi[r] / 1024 }' |
	sort -n | cut -d' ' -f2-)

# Plans: how often PostgreSQL planned the worklist's statements against how
# often it ran them, over a run of each worklist line (pg_stat_statements)
psql_ -c "ALTER SYSTEM SET pg_stat_statements.track = top" \
	-c "ALTER SYSTEM SET pg_stat_statements.track_planning = on" -c "SELECT pg_reload_conf()" >/dev/null
sleep 1
psql_ -c "SELECT pg_stat_statements_reset()" >/dev/null
for u in "/api/unit/worklist|$usid" "/api/unit/worklist?after=$after|$usid" "/api/county/worklist|$csid"; do
	wrk -t2 -c16 -d3s -H "Cookie: sid=${u#*|}" "$base${u%|*}" >/dev/null
done
plans=$(psql_ -F ' ' -c "SELECT coalesce(sum(plans), 0), coalesce(sum(calls), 0),
	round(coalesce(sum(total_plan_time) / nullif(sum(calls), 0), 0)::numeric, 3),
	round(coalesce(sum(total_exec_time) / nullif(sum(calls), 0), 0)::numeric, 3)
	FROM pg_stat_statements WHERE query LIKE '%FROM desk d%' AND query LIKE '%LIMIT%'")
psql_ -c "ALTER SYSTEM RESET pg_stat_statements.track_planning" \
	-c "ALTER SYSTEM RESET pg_stat_statements.track" -c "SELECT pg_reload_conf()" >/dev/null

# The statistics (统计分析, issue 9) one request at a time, beside a bare SQL
# count of the same applications timed by psql (the median of 21 runs).
ssid=$(login admin admin)
st_() { wrk -t1 -c1 -d"${DUR}s" -s "$LUA/report.lua" -H "Cookie: sid=$2" "$base$1" |
	awk '/^BENCH / { printf "%.1f\n", $6 / 1000 }'; }
cs=$(st_ /api/county/stats "$csid")
as=$(st_ /api/admin/stats "$ssid")
floor_ms() {	# sql -> the median time in ms
	{ echo '\timing on'; for _ in $(seq 1 21); do echo "$1;"; done; } |
		scripts/stack.sh psql -At -o /dev/null 2>&1 |
		awk '/^Time:/ {print $2}' | sort -n | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }'
}
cf=$(floor_ms "SELECT count(*) FROM desk d JOIN application a ON a.id = d.application_id
	WHERE d.org_id = (SELECT org_id FROM app_user WHERE username = 'wucheng_jsj')")
af=$(floor_ms "SELECT count(*) FROM application WHERE state <> 'draft'")
echo >&2

{
printf '\n%-36s %9s %9s %8s %8s %6s %9s %9s %7s\n' line "floor/s" "req/s" "p50 ms" "p99 ms" ratio \
	"p99 @64" "floor @64" "others"
for r in "${rows[@]}"; do
	IFS='|' read -r name f p p64 ld f64 <<<"$r"
	read -r frps _ _ _ _ <<<"$f"
	read -r prps pp50 pp99 pst perr _ <<<"$p"
	p64_99=- f64_99=-
	[ "$p64" != - ] && p64_99=$(cut -d' ' -f3 <<<"$p64")
	[ -n "$f64" ] && f64_99=$(cut -d' ' -f3 <<<"$f64")
	awk -v n="$name" -v f="$frps" -v p="$prps" -v a="$pp50" -v b="$pp99" -v c="$p64_99" -v l="$ld" \
		-v g="$f64_99" 'BEGIN { printf "%-36s %9d %9d %8.2f %8.2f %6.2f %9s %9s %6s%%\n", n, f, p, a, b,
		p / f, c, g, l }'
	[ "$perr" = 0 ] || echo "  ($perr socket errors)"
	case $name in hello*) ;; chain*) [ "$pst" = 0 ] || echo "  ($pst refused)" ;;
	*) [ "$pst" = 0 ] || echo "  ($pst answers of 400 or more)" ;; esac
done
echo
echo "chain moves: $total applications waiting at 压测大单位's 资格审查; $moved passed, $answered answered 200," \
	"$untouched untouched, $added history rows added; every move in the history exactly once: $intact"
echo "first load, gzipped (page, scripts and styles before it shows):" \
	"$(awk '{ printf "%s%s %.1f KB", (NR > 1 ? ", " : ""), $1, $2 / 1024 }' <<<"$fl")"
echo "private memory a worker, MB (min–max):" \
	"$(awk '{ printf "%s%s %s–%s", (NR > 1 ? ", " : ""), $1, $2, $3 }' <<<"$mem")"
read -r np nc pt et <<<"$plans"
echo "worklist first page, one request at a time, p50 / p99 ms at $SMALL and at $APPS applications:" \
	"压测大单位 $(tr ' ' / <<<"$small_u") and $(tr ' ' / <<<"$large_u")," \
	"婺城区建设局 $(tr ' ' / <<<"$small_c") and $(tr ' ' / <<<"$large_c")"
echo "worklist statements: $np plans for $nc calls; planning $pt ms, execution $et ms a call"
awk -v c="$cs" -v a="$as" -v cf="$cf" -v af="$af" 'BEGIN {
	printf "statistics p50: county %.1f ms, operator %.1f ms; a bare count of the same applications " \
	    "%.1f / %.1f ms\n", c, a, cf, af }'
echo
# the goals of issue 10 (and the statistics' of issue 9)
ratio() {	# the line whose name starts with $1 -> its ratio to the floor
	local r
	for r in "${rows[@]}"; do
		[[ $r == "$1"* ]] || continue
		awk -F'|' '{ split($2, f, " "); split($3, p, " "); printf "%.2f\n", p[1] / f[1] }' <<<"$r"
	done
}
goal() {	# name figure ok?
	printf '%-62s %-6s %s\n' "$1" "$([ "$3" = 1 ] && echo ok || echo short)" "$2"
}
ge() { awk -v a="$1" -v b="$2" 'BEGIN { print (a >= b) ? 1 : 0 }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b) ? 1 : 0 }'; }
h=$(ratio hello); goal "hello: ratio to the bare FastCGI hello >= 0.90" "$h" "$(ge "$h" 0.9)"
m=$(ratio me); goal "me: ratio to the floor >= 0.80" "$m" "$(ge "$m" 0.8)"
for w in "unit worklist, page 1" "unit worklist, page 50" "county worklist"; do
	x=$(ratio "$w"); goal "$w: ratio to the floor >= 0.80" "$x" "$(ge "$x" 0.8)"
done
for w in "unit|$small_u|$large_u" "county|$small_c|$large_c"; do
	IFS='|' read -r who a b <<<"$w"
	a=${a%% *} b=${b%% *}
	goal "$who worklist page 1 at $APPS within 20 % of at $SMALL (issue 7)" "$b ms against $a ms" \
		"$(awk -v a="$a" -v b="$b" 'BEGIN { print (b <= 1.2 * a) ? 1 : 0 }')"
done
pr=$(awk -v p="$np" -v c="$nc" 'BEGIN { printf "%.3f", c ? p / c : 1 }')
goal "worklist plans stable: plans / calls <= 0.01" "$pr ($np / $nc)" "$(awk -v r="$pr" 'BEGIN { print r <= 0.01 }')"
pmr=$(cut -d' ' -f1 <<<"$pm")
goal "chain moves >= 3000/s, nothing lost" "$pmr/s, intact: $intact" \
	"$([ "$(ge "$pmr" 3000)" = 1 ] && [ $intact = yes ] && echo 1 || echo 0)"
mx=$(awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { printf "%.1f", m / 1024 }' <<<"$fl")
goal "first load of every portal <= 150 KB gzipped" "largest $mx KB" "$(awk -v m="$mx" 'BEGIN { print m <= 150 }')"
worst=0 wn= fworst=0
for r in "${rows[@]}"; do
	case $r in chain*|hello*) continue ;; esac
	x=$(cut -d'|' -f4 <<<"$r" | cut -d' ' -f3)
	[ "$(lt "$worst" "$x")" = 1 ] && worst=$x wn=${r%%|*}
	x=$(cut -d'|' -f6 <<<"$r" | cut -d' ' -f3)
	[ "$(lt "$fworst" "$x")" = 1 ] && fworst=$x
done
# (the floor's worst beside it: a floor over 25 ms is the machine's p99, not the portal's)
goal "read lines: p99 < 25 ms at 64 connections" "worst $worst ms ($wn); the floor's worst $fworst ms" \
	"$(lt "$worst" 25)"
w=$(awk -v c="$cs" -v a="$as" 'BEGIN { print (c > a ? c : a) }')
# issue 9's line is at 100 000 applications; at another size, the figure only
if [ "$APPS" -eq 100000 ]; then
	goal "statistics: slowest p50 < 200 ms (issue 9)" "$w ms" "$(lt "$w" 200)"
else
	printf '%-62s %-6s %s\n' "statistics at $APPS: slowest p50 (issue 9's 200 ms: at 100 000)" \
		- "$w ms"
fi
if [ "$APPS" -ge 1000000 ] && [ -s "$ROOT/var/bench-100000.txt" ]; then
	for w in me "unit worklist, page 1" "unit worklist, page 50" "county worklist"; do
		a=$(ratio "$w")
		b=$(awk -v w="$w" 'index($0, w ":") == 1 && /ratio to the floor/ { print $(NF) }' \
			"$ROOT/var/bench-100000.txt")
		[ -n "$b" ] && goal "$w at $APPS: ratio within 10 % of 100 000's ($b)" "$a" \
			"$(awk -v a="$a" -v b="$b" 'BEGIN { print (a >= 0.9 * b) ? 1 : 0 }')"
	done
fi
echo "other work on the machine during the lines: $(for r in "${rows[@]}"; do cut -d"|" -f5 <<<"$r"; done |
	sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%s-%s %%", lo, hi }') of its CPU" \
	"(a line taken while others worked is noise; load average at the end $(cut -d' ' -f1 /proc/loadavg))"
} | tee "$OUT"
