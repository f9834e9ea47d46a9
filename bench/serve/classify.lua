-- wrk script for bench/serve/run.sh: POSTs one review per request to /v1/classify, cycling
-- through the request bodies in $BODIES (bodies.lua). done() prints one JSON line (prefixed RESULT) with throughput, latency
-- percentiles and every error class, for run.sh to collect.
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "bodies.lua")

setup = common.setup
request = common.request

function init(args)
  common.init(id)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_s": %.3f, "rps": %.2f, "p50_ms": %.3f, "p90_ms": %.3f, ' ..
    '"p99_ms": %.3f, "max_ms": %.3f, "errors": {"connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1e3, latency:percentile(90) / 1e3, latency:percentile(99) / 1e3,
    latency.max / 1e3, e.connect, e.read, e.write, e.status, e.timeout))
end
