-- What the wrk scripts of bench/serve share (loaded with dofile): numbering the threads, reading
-- the request bodies of $BODIES (one JSON object a line) and POSTing them to the URL's path
-- (/v1/classify), cycling through them, each thread from its own offset.
local M = { threads = {} }
local bodies, offset, i = {}, 0, 0

function M.setup(thread)
  thread:set("id", #M.threads)
  table.insert(M.threads, thread)
end

function M.init(thread_id)
  local path = os.getenv("BODIES")
  if path == nil then error("BODIES is not set (a file of JSON request bodies, one a line)") end
  for line in io.lines(path) do bodies[#bodies + 1] = line end
  if #bodies == 0 then error(path .. ": no request bodies") end
  offset = (tonumber(thread_id) or 0) * 7919
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function M.request()
  i = i + 1
  return wrk.format(nil, nil, nil, bodies[((i + offset) % #bodies) + 1])
end

return M
