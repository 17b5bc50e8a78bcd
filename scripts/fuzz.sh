#!/usr/bin/env bash
# Builds the libFuzzer harnesses in tests/fuzz (clang, ASan+UBSan) and runs each
# for the given number of seconds (default 10) from its seed corpus.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
secs=${1:-10}
out=build/fuzz
mkdir -p "$out"
flags="-std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Ilib $(pkg-config --cflags libpq libcjson libxml-2.0)"
libs=$(make -s --no-print-directory print-ldlibs)
for src in tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	clang $flags -o "$out/$name" "$src" lib/*.c $libs
	work=$(mktemp -d)
	cp tests/fuzz/corpus/"${name#fuzz_}"/* "$work"/
	"$out/$name" -max_total_time="$secs" -max_len=8192 -timeout=5 -print_final_stats=1 "$work" 2>"$out/$name.log" \
		|| { tail -n 60 "$out/$name.log"; rm -rf "$work"; exit 1; }
	rm -rf "$work"
	echo "fuzz ok $name ($(sed -n "s/^stat::number_of_executed_units: *//p" "$out/$name.log") runs)"
done
