#!/usr/bin/env bash
# Everything CI checks, against real stacks of its own (var/test, port 8091, and for the browser
# suite var/test-browser-1 and -2, ports 8101 and 8111):
# unit tests (cmocka, ASan+UBSan), fuzz smoke runs, clang's static analyser, integration tests through
# nginx, browser tests in headless Chromium. The role programs under test are
# the sanitizer builds. Ends with one line: "N passed, N failed".
# Ports: TEST_PORT (nginx), +1 the production-configuration stack of
# payment-production.test.mjs, +2 nginx over TLS, +3 Apache httpd, +5 the empty installation of
# from-empty.test.mjs, +6 the operations stack of
# ops.test.mjs, +7 the previous release's stack of upgrade.test.mjs, +10 and +20 the browser suite's stacks.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export VAR=$ROOT/var/test
export PORT=${TEST_PORT:-8091}
TLS_PORT=$((PORT + 2))
APACHE_PORT=$((PORT + 3))
export WORKERS=3
# The suites register hundreds of applicants from 127.0.0.1; the limit itself
# is tested from addresses of its own (tests/integration/register-limit.test.mjs).
export REGISTER_PER_IP_HOUR=100000 CODES_PER_IP_HOUR=100000 LOGIN_FAILURES_PER_IP_HOUR=100000
# the suites upload thousands of files as a few demo accounts
export UPLOADS_PER_DAY=100000 UPLOAD_MB_PER_DAY=100000
# The suites sign in some 3 000 times: at production's yescrypt cost (5, ~60-100 ms of a core
# each) that was a sixth of the integration run. Cost 1 is the same algorithm at ~4 ms; the
# production cost is checked by unit/test_conf.c and by from-empty.test.mjs's installation.
export PASSWORD_COST=1
# No WAL archiving for the test stacks: the restore drill (ops.test.mjs) archives on a
# stack of its own, as `make run` does.
export ARCHIVE=0
OUT=$ROOT/tests/out
PASS=0
FAIL=0
STARTED=0

# each section says how long it took (CI keeps the whole well under 15 minutes)
note() { printf '\n== %s\n' "$*"; STARTED=$SECONDS; }
tally() {	# suite passed failed
	PASS=$((PASS + $2))
	FAIL=$((FAIL + $3))
	printf -- '-- %s: %d passed, %d failed (%d s)\n' "$1" "$2" "$3" $((SECONDS - STARTED))
}
finish() {
	printf '\n(%d s in all)\n%d passed, %d failed\n' "$SECONDS" "$PASS" "$FAIL"
	[ "$FAIL" = 0 ]
	exit $?
}

mkdir -p "$OUT"
rm -f "$OUT"/*.log "$OUT"/*.tap "$OUT"/*.secs "$OUT"/*.rc

# The fuzz smoke runs (their own clang build, then a fixed ten seconds a harness) from the
# start, beside the build (npm ci waits on the registry, vite's build takes one core) and the
# stacks' start (which waits on PostgreSQL and the seed's requests); tallied below.
fuzz_began=$SECONDS
{ scripts/fuzz.sh 10 > "$OUT/fuzz.log" 2>&1; echo $? > "$OUT/fuzz.rc"; echo $((SECONDS - fuzz_began)) > "$OUT/fuzz.secs"; } &
fz=$!

note "build (sanitizers for programs and tests)"
if ! { make -s -j2 SAN=1 programs && make -s -j2 unit && make -s www; } > "$OUT/build.log" 2>&1; then
	cat "$OUT/build.log"
	tally build 0 1
	wait $fz
	finish
fi
tally build 1 0

# Three stacks of the sanitizer builds, each seeded: the integration suite's (with TLS and Apache;
# its fault tests kill workers and restart PostgreSQL) and two for the browser suite's files, split
# in two halves of about equal length, so that the suites run at once without touching each
# other's data.
B1VAR=$ROOT/var/test-browser-1
B1PORT=$((PORT + 10))
B2VAR=$ROOT/var/test-browser-2
B2PORT=$((PORT + 20))
export BIN=$ROOT/build/san/bin
export PG_EXTRA_CONF="fsync = off
synchronous_commit = off
full_page_writes = off"
fresh_stack() {	# var port [tls-port apache-port]
	local var=$1 port=$2
	VAR=$var scripts/stack.sh stop >/dev/null 2>&1 || true
	rm -rf "$var"
	mkdir -p "$var/log/san"
	chown zcps "$var/log/san"
	# allocator_may_return_null: an impossible size gets NULL, as from glibc's malloc in
	# production, instead of a report; libfcgi then aborts on its own assertion, which
	# tests/integration/fcgi-records.test.mjs provokes on purpose (docs/security.md).
	# TLS and Apache only where asked (not exported: the production stack of
	# payment-production.test.mjs has neither)
	ASAN_OPTIONS="log_path=$var/log/san/asan:detect_leaks=0:allocator_may_return_null=1" \
	UBSAN_OPTIONS="print_stacktrace=1:log_path=$var/log/san/ubsan" \
	VAR=$var PORT=$port TLS_PORT=${3:-} APACHE_PORT=${4:-} \
		bash -c 'scripts/stack.sh start && scripts/stack.sh seed'
}
trap 'for v in "$VAR" "$B1VAR" "$B2VAR"; do VAR=$v scripts/stack.sh stop >/dev/null 2>&1; done' EXIT

note "test stacks on 127.0.0.1:$PORT (integration), :$B1PORT and :$B2PORT (browser)"
fresh_stack "$B1VAR" "$B1PORT" > "$OUT/stack-browser-1.log" 2>&1 &
b1=$!
fresh_stack "$B2VAR" "$B2PORT" > "$OUT/stack-browser-2.log" 2>&1 &
b2=$!
fresh_stack "$VAR" "$PORT" "$TLS_PORT" "$APACHE_PORT" > "$OUT/stack.log" 2>&1
main_rc=$?
wait $b1
b1_rc=$?
wait $b2
b2_rc=$?
if [ "$main_rc" != 0 ] || [ "$b1_rc" != 0 ] || [ "$b2_rc" != 0 ]; then
	[ "$main_rc" != 0 ] && cat "$OUT/stack.log"
	[ "$b1_rc" != 0 ] && cat "$OUT/stack-browser-1.log"
	[ "$b2_rc" != 0 ] && cat "$OUT/stack-browser-2.log"
	tally stack 0 1
	wait $fz
	finish
fi
tally stack 1 0

note "unit tests"
export PORTAL_TEST_DB="host=$VAR/run/pg dbname=zcps user=postgres"
for t in build/san/tests/test_*; do
	name=$(basename "$t")
	"$t" > "$OUT/unit-$name.log" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$OUT/unit-$name.log" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$OUT/unit-$name.log" | tail -n 1)
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi	# crashed before its summary
	[ "$f" != 0 ] && cat "$OUT/unit-$name.log"
	tally "$name" "$p" "$f"
done

note "fuzz smoke runs (beside the build and the stacks' start)"
wait $fz
STARTED=$((SECONDS - $(cat "$OUT/fuzz.secs" 2>/dev/null || echo 0)))
if [ "$(cat "$OUT/fuzz.rc" 2>/dev/null)" = 0 ]; then
	tally fuzz "$(grep -c '^fuzz ok' "$OUT/fuzz.log")" 0
else
	tail -n 40 "$OUT/fuzz.log"
	tally fuzz "$(grep -c '^fuzz ok' "$OUT/fuzz.log")" 1
fi

# clang's static analyser over every program and tool: a report is a failure (its paths are
# the ones the compiler's warnings do not follow: a value never read, a NULL passed on)
note "static analysis (scan-build)"
rm -rf "$ROOT/build/scan" "$OUT/scan-build"
if scan-build -o "$OUT/scan-build" --status-bugs make -s -j2 BUILD=build/scan programs > "$OUT/scan-build.log" 2>&1; then
	tally scan-build 1 0
else
	grep -A3 'warning:' "$OUT/scan-build.log" | head -n 60
	tail -n 5 "$OUT/scan-build.log"
	tally scan-build 0 1
fi

run_node() {	# suite port var files…: its TAP in tests/out/<suite>.tap, its seconds in <suite>.secs
	local suite=$1 port=$2 var=$3 began=$SECONDS
	shift 3
	PORTAL_URL=http://127.0.0.1:$port PORTAL_VAR=$var \
		PORTAL_TLS_URL=https://127.0.0.1:$TLS_PORT PORTAL_APACHE_URL=http://127.0.0.1:$APACHE_PORT \
		node --test --test-concurrency=1 --test-reporter=tap "$@" > "$OUT/$suite.tap" 2>&1
	echo $((SECONDS - began)) > "$OUT/$suite.secs"
}
tally_node() {	# suite title
	local suite=$1 p f
	note "$2"
	STARTED=$((SECONDS - $(cat "$OUT/$suite.secs" 2>/dev/null || echo 0)))
	p=$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$OUT/$suite.tap" | tail -n 1)
	f=$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$OUT/$suite.tap" | tail -n 1)
	p=${p:-0}
	f=${f:-1}
	[ "$f" != 0 ] && grep -B2 -A30 '^not ok\|^    not ok' "$OUT/$suite.tap" | head -n 200
	tally "$suite" "$p" "$f"
}

# Four at once. The integration files that run on side stacks of their own (ops, upgrade,
# production, from-empty: ports +1, +5 to +7) beside the rest, which share the main stack
# and run one after another; the browser files in two halves by length, longest first, each
# half on its stack.
main=() side=() half1=() half2=()
for f in tests/integration/*.test.mjs; do
	if grep -q "sideStack(" "$f"; then side+=("$f"); else main+=("$f"); fi
done
n1=0 n2=0
while read -r lines f; do
	if [ "$n1" -le "$n2" ]; then half1+=("$f"); n1=$((n1 + lines)); else half2+=("$f"); n2=$((n2 + lines)); fi
done < <(wc -l tests/browser/*.test.mjs | grep -v ' total$' | sort -rn)
run_node integration-side "$PORT" "$VAR" "${side[@]}" &
s1=$!
run_node browser-1 "$B1PORT" "$B1VAR" "${half1[@]}" &
s2=$!
run_node browser-2 "$B2PORT" "$B2VAR" "${half2[@]}" &
s3=$!
run_node integration "$PORT" "$VAR" "${main[@]}"
wait $s1 $s2 $s3
tally_node integration "integration tests (through nginx)"
tally_node integration-side "integration tests on side stacks: ${side[*]##*/}"
tally_node browser-1 "browser tests (headless Chromium), first half: ${half1[*]##*/}"
tally_node browser-2 "browser tests (headless Chromium), second half: ${half2[*]##*/}"

note "sanitizer reports from the role programs"
reports=$(find "$VAR/log/san" "$B1VAR/log/san" "$B2VAR/log/san" -type f 2>/dev/null | wc -l)
if [ "$reports" != 0 ]; then
	cat "$VAR"/log/san/* "$B1VAR"/log/san/* "$B2VAR"/log/san/* 2>/dev/null | head -n 80
	tally sanitizers 0 "$reports"
else
	tally sanitizers 1 0
fi

finish
