#!/usr/bin/env bash
# Deadline day (make loadtest, not part of make test): at least 200 applicants
# autosaving and submitting at once for 2 minutes, on a stack of its own
# (var/loadtest, port LOADTEST_PORT) with the plain (not sanitizer) build and
# PostgreSQL's durable defaults. Prints throughput, latency percentiles, 5xx
# and the stored-once check (scripts/loadtest.mjs; LOADTEST_* tune it) and
# fails when there is a 5xx or a submission not stored exactly once.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export VAR=$ROOT/var/loadtest PORT=${LOADTEST_PORT:-8094} WORKERS=${WORKERS:-4}

scripts/stack.sh stop >/dev/null 2>&1 || true
rm -rf "$VAR"	# every run on a database of its own making
trap 'scripts/stack.sh stop >/dev/null 2>&1' EXIT
scripts/stack.sh start >/dev/null
scripts/stack.sh seed >/dev/null

echo "loadtest: stack on 127.0.0.1:$PORT, $WORKERS workers per program, $(nproc) cores"
PORTAL_URL=http://127.0.0.1:$PORT PORTAL_VAR=$VAR node scripts/loadtest.mjs
