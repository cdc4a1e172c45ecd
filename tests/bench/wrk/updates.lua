-- POST /lpas/{uid}/updates, each a fresh valid CORRECTION of the donor's email, rotating over
-- PER LPAs of each thread (M-9TTT-0000-NNNN, made beforehand by the script), so that a change's
-- `old` is always the email the previous change of that LPA set. The email, unlike a name,
-- leaves no note, so the LPAs keep their size and every round measures the same work:
-- wrk -s updates.lua URL -- TOKEN PER
dofile(os.getenv("LPA_BENCH_WRK_DIR") .. "/report.lua")

local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  headers = { ["Content-Type"] = "application/json" }
  if args[1] ~= "" then
    headers["X-Jwt-Authorization"] = "Bearer " .. args[1]
  end
  per = tonumber(args[2])
  names = {}
  next_lpa = 0
  serial = 0
end

function request()
  serial = serial + 1
  -- wrk calls request() once on the first thread to check the script, and does not send that
  -- request: a change made then would break its LPA's chain of `old` values. The first call of
  -- each thread is a health check instead (sent by every thread but the first).
  if serial == 1 then
    return wrk.format("GET", "/health-check")
  end
  next_lpa = next_lpa % per + 1
  local uid = string.format("M-%04d-0000-%04d", 9000 + id, next_lpa)
  local old = names[next_lpa] and ('"' .. names[next_lpa] .. '"') or "null"
  local new = "donor" .. serial .. "@example.com"
  names[next_lpa] = new
  local body = '{"type":"CORRECTION","changes":[{"key":"/donor/email","old":' .. old
    .. ',"new":"' .. new .. '"}]}'
  return wrk.format("POST", "/lpas/" .. uid .. "/updates", headers, body)
end
