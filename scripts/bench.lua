-- wrk script of scripts/bench. With BENCH_TOKEN set, each request is
-- POST {"key": BENCH_TOKEN}; without, the URL is fetched with GET. At the end
-- it prints one line scripts/bench reads (latencies in milliseconds).

local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
  wrk.method = "POST"
  wrk.body = '{"key":"' .. token .. '"}'
  wrk.headers["Content-Type"] = "application/json"
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f rps=%.0f p50=%.3f p90=%.3f p99=%.3f max=%.3f non2xx=%d socket_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.status, e.connect + e.read + e.write + e.timeout))
end
