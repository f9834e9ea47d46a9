-- wrk script for bench/serve/soak.sh: POSTs the request bodies of $BODIES (one a line: valid
-- ones with $TEXTS texts each, mixed with malformed, invalid-UTF-8, oversize and out-of-range
-- ones) to /v1/classify (bodies.lua), and checks every response: a 200
-- must carry exactly $TEXTS results ("lost" otherwise), any 5xx is counted. done() prints one
-- RESULT line of JSON: requests, rps, latency percentiles, counts by status, lost, socket errors.
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "bodies.lua")
local threads = common.threads
local expected = tonumber(os.getenv("TEXTS") or "0")
local term_at = tonumber(os.getenv("TERM_AT") or "0")  -- epoch second of SIGTERM (0: none)

setup = common.setup
request = common.request

function init(args)
  common.init(id)
  statuses = {}
  lost = 0
  after_term = 0
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 200 then
    local n = 0
    for _ in string.gmatch(body, '"label_id"') do n = n + 1 end
    if n ~= expected then lost = lost + 1 end
    -- Answered after SIGTERM (sent at the start of second term_at): drained by the server.
    if term_at > 0 and os.time() >= term_at then after_term = after_term + 1 end
  end
end

function done(summary, latency, requests)
  local by, total_lost, total_after = {}, 0, 0
  for _, t in ipairs(threads) do
    for s, n in pairs(t:get("statuses")) do by[s] = (by[s] or 0) + n end
    total_lost = total_lost + t:get("lost")
    total_after = total_after + t:get("after_term")
  end
  local parts = {}
  for s, n in pairs(by) do parts[#parts + 1] = string.format('"%d": %d', s, n) end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_s": %.3f, "rps": %.2f, "p50_ms": %.3f, "p99_ms": %.3f, ' ..
    '"max_ms": %.3f, "status": {%s}, "lost": %d, "after_sigterm": %d, "errors": {"connect": %d, "read": %d, ' ..
    '"write": %d, "timeout": %d}}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3,
    table.concat(parts, ", "), total_lost, total_after, e.connect, e.read, e.write, e.timeout))
end
