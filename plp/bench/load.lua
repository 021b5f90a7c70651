-- wrk script for `bash dev load`: the requests of one user, and a loud failure on any
-- answer other than 200 (a 302 to the login page would otherwise count as a success).
--
--   wrk ... -s plp/bench/load.lua http://127.0.0.1:8765 -- caseload
--   wrk ... -s plp/bench/load.lua http://127.0.0.1:8765 -- coach ID ID ID ...
--
-- "caseload": page 2 of the caseload (as the coordinator: every participant).
-- "coach": what a coach does in a day, by share of requests: open a file of their own
-- (50 %), their caseload (20 %), Vandaag (20 %), a name search (10 %). The ids are the
-- coach's own participants, so every participant page is one the coach may see.

local SEARCHES = { "jansen", "de vries", "bos", "mulder", "sanne", "kevin" }
mode, ids = "caseload", {}  -- globals, as the counters below
errors, last_status = 0, 0  -- globals: done() reads them from each thread
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  mode = args[1] or "caseload"
  for i = 2, #args do
    ids[#ids + 1] = args[i]
  end
  if mode == "coach" and #ids == 0 then
    error("coach mode needs the ids of the coach's participants")
  end
  math.randomseed(12345 + (id or 0))
end

local function pick()
  if mode == "caseload" then
    return "/deelnemers/?page=2"
  end
  local r = math.random(100)
  if r <= 50 then
    return "/deelnemers/" .. ids[math.random(#ids)] .. "/"
  elseif r <= 70 then
    return "/deelnemers/"
  elseif r <= 90 then
    return "/deelnemers/vandaag/"
  end
  local q = SEARCHES[math.random(#SEARCHES)]:gsub(" ", "+")
  return "/deelnemers/?q=" .. q
end

function request()
  return wrk.format("GET", pick())
end

function response(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
    last_status = status
  end
end

function done(summary, latency, requests)
  local failed, status = 0, 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("errors")
    if thread:get("last_status") ~= 0 then status = thread:get("last_status") end
  end
  mode = threads[1]:get("mode")
  local e = summary.errors
  local socket = e.connect + e.read + e.write + e.timeout
  io.write(string.format(
    "RESULT mode=%s requests=%d req/s=%.1f p50=%.1fms p99=%.1fms non-200=%d socket-errors=%d\n",
    mode, summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, failed, socket))
  if failed > 0 or socket > 0 then
    io.write(string.format("FAILED: %d answers other than 200 (last: %d), %d socket errors\n",
      failed, status, socket))
    os.exit(1)
  end
end
