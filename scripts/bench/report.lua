-- wrk: one line for scripts/bench.sh at the end of a run:
-- BENCH <requests> <duration µs> <socket errors> <HTTP status ≥ 400> <p50 µs> <p99 µs>
function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format("BENCH %d %d %d %d %d %d\n", summary.requests, summary.duration,
		e.connect + e.read + e.write + e.timeout, e.status,
		latency:percentile(50), latency:percentile(99)))
end
