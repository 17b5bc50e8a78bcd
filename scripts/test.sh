#!/usr/bin/env bash
# Everything CI checks, against a real stack of its own (var/test, port 8091):
# unit tests (cmocka, ASan+UBSan), fuzz smoke runs, clang's static analyser, integration tests through
# nginx, browser tests in headless Chromium. The role programs under test are
# the sanitizer builds. Ends with one line: "N passed, N failed".
# Ports: TEST_PORT (nginx), +1 the production-configuration stack of
# payment-production.test.mjs, +2 nginx over TLS, +3 Apache httpd, +6 the operations stack of
# ops.test.mjs, +7 the previous release's stack of upgrade.test.mjs.
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
# No WAL archiving for the test stacks: the restore drill (ops.test.mjs) archives on a
# stack of its own, as `make run` does.
export ARCHIVE=0
OUT=$ROOT/tests/out
PASS=0
FAIL=0

note() { printf '\n== %s\n' "$*"; }
tally() {	# suite passed failed
	PASS=$((PASS + $2))
	FAIL=$((FAIL + $3))
	printf -- '-- %s: %d passed, %d failed\n' "$1" "$2" "$3"
}
finish() {
	printf '\n%d passed, %d failed\n' "$PASS" "$FAIL"
	[ "$FAIL" = 0 ]
	exit $?
}

mkdir -p "$OUT"
rm -f "$OUT"/*.log "$OUT"/*.tap

note "build (sanitizers for programs and tests)"
if ! { make -s SAN=1 programs && make -s unit && make -s www; } > "$OUT/build.log" 2>&1; then
	cat "$OUT/build.log"
	tally build 0 1
	finish
fi
tally build 1 0

note "test stack on 127.0.0.1:$PORT"
scripts/stack.sh stop >/dev/null 2>&1 || true
rm -rf "$VAR"
mkdir -p "$VAR/log/san"
chown zcps "$VAR/log/san"
export BIN=$ROOT/build/san/bin
# allocator_may_return_null: an impossible size gets NULL, as from glibc's malloc in
# production, instead of a report; libfcgi then aborts on its own assertion, which
# tests/integration/fcgi-records.test.mjs provokes on purpose (docs/security.md).
export ASAN_OPTIONS="log_path=$VAR/log/san/asan:detect_leaks=0:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:log_path=$VAR/log/san/ubsan"
export PG_EXTRA_CONF="fsync = off
synchronous_commit = off
full_page_writes = off"
trap 'scripts/stack.sh stop >/dev/null 2>&1' EXIT
# TLS and Apache only for this stack (not exported: the production stack of
# payment-production.test.mjs has neither)
if ! { TLS_PORT=$TLS_PORT APACHE_PORT=$APACHE_PORT scripts/stack.sh start &&
	scripts/stack.sh seed; } > "$OUT/stack.log" 2>&1; then
	cat "$OUT/stack.log"
	tally stack 0 1
	finish
fi
tally stack 1 0
unset ASAN_OPTIONS UBSAN_OPTIONS

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

note "fuzz smoke runs"
if scripts/fuzz.sh 10 > "$OUT/fuzz.log" 2>&1; then
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

run_node() {	# suite dir
	local suite=$1 dir=$2 p f
	[ -d "$dir" ] || return 0
	PORTAL_URL=http://127.0.0.1:$PORT PORTAL_VAR=$VAR \
		PORTAL_TLS_URL=https://127.0.0.1:$TLS_PORT PORTAL_APACHE_URL=http://127.0.0.1:$APACHE_PORT \
		node --test --test-concurrency=1 --test-reporter=tap "$dir"/ > "$OUT/$suite.tap" 2>&1
	p=$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$OUT/$suite.tap" | tail -n 1)
	f=$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$OUT/$suite.tap" | tail -n 1)
	p=${p:-0}
	f=${f:-1}
	[ "$f" != 0 ] && grep -B2 -A30 '^not ok\|^    not ok' "$OUT/$suite.tap" | head -n 200
	tally "$suite" "$p" "$f"
}

note "integration tests (through nginx)"
run_node integration tests/integration
note "browser tests (headless Chromium)"
run_node browser tests/browser

note "sanitizer reports from the role programs"
reports=$(ls "$VAR"/log/san/ 2>/dev/null | wc -l)
if [ "$reports" != 0 ]; then
	cat "$VAR"/log/san/* | head -n 80
	tally sanitizers 0 "$reports"
else
	tally sanitizers 1 0
fi

finish
