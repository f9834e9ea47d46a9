-- wrk script for bench/serve/run.sh: POSTs one review per request to /v1/classify, cycling
-- through the request bodies in $BODIES (one JSON object per line), each thread from its
-- own offset. done() prints one JSON line (prefixed RESULT) with throughput, latency
-- percentiles and every error class, for run.sh to collect.
local bodies = {}
local counter = 0
local thread_id = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  local path = os.getenv("BODIES")
  if path == nil then error("BODIES is not set (a file of JSON request bodies, one a line)") end
  for line in io.lines(path) do bodies[#bodies + 1] = line end
  if #bodies == 0 then error(path .. ": no request bodies") end
  thread_id = tonumber(id) or 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

local i = 0
function request()
  i = i + 1
  local body = bodies[((i + thread_id * 7919) % #bodies) + 1]
  return wrk.format(nil, nil, nil, body)
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
