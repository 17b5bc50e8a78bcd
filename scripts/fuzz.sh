#!/usr/bin/env bash
# Builds the libFuzzer harnesses in tests/fuzz (clang, ASan+UBSan) and runs each
# for the given number of seconds (default 10) from its seed corpus:
#   fuzz_json        JSON bodies through the declared-field checks
#   fuzz_urlencoded  query strings through the declared-field checks
#   fuzz_multipart   multipart bodies, their declared parts, sniffing, file names
#   fuzz_photo       the ID-photo check (libjpeg-turbo)
#   fuzz_signature   the 承诺书 signature check (libpng)
#   fuzz_fcgi        FastCGI records through libfcgi and the whole request pipeline
# `make fuzz SECONDS=n` runs them all for n seconds each, as many at once as there are cores;
# make test, 10 seconds.
# Findings (crash-*, leak-*, timeout-*) are written to build/fuzz/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
secs=${1:-10}
out=build/fuzz
mkdir -p "$out/obj"
flags="-std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer-no-link,address,undefined -Ilib $(pkg-config --cflags libpq libcjson libxml-2.0)"
libs="$(make -s --no-print-directory print-ldlibs) -lm"

# the library once for all harnesses (again only where a source or a header changed)
newest_header=$(ls -t lib/*.h | head -n 1)
for src in lib/*.c; do
	obj=$out/obj/$(basename "$src" .c).o
	if [ ! -e "$obj" ] || [ "$src" -nt "$obj" ] || [ "$newest_header" -nt "$obj" ]; then
		echo "$src $obj"
	fi
done | xargs -r -n 2 -P "$(nproc)" sh -c "clang $flags -c -o \"\$1\" \"\$0\""
rm -f "$out/libportal-fuzz.a"
ar rcs "$out/libportal-fuzz.a" "$out"/obj/*.o

# one harness from its seed corpus: "fuzz ok" with its runs, or its log's tail and "fuzz failed"
run() {
	local name=$1 work
	work=$(mktemp -d)
	cp tests/fuzz/corpus/"${name#fuzz_}"/* "$work"/
	if clang ${flags/fuzzer-no-link/fuzzer} -o "$out/$name" "tests/fuzz/$name.c" "$out/libportal-fuzz.a" $libs &&
	    (cd "$out" && "./$name" -max_total_time="$secs" -max_len=8192 -timeout=5 -print_final_stats=1 "$work" 2>"$name.log"); then
		echo "fuzz ok $name ($(sed -n "s/^stat::number_of_executed_units: *//p" "$out/$name.log") runs)"
	else
		tail -n 60 "$out/$name.log"
		echo "fuzz failed $name"
	fi
	rm -rf "$work"
}

# as many at once as there are cores (each harness is one process)
for src in tests/fuzz/fuzz_*.c; do
	while [ "$(jobs -pr | wc -l)" -ge "$(nproc)" ]; do
		wait -n
	done
	name=$(basename "$src" .c)
	run "$name" > "$out/$name.result" 2>&1 &
done
wait
status=0
for src in tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	cat "$out/$name.result"
	grep -q "^fuzz ok $name " "$out/$name.result" || status=1
done
exit $status
