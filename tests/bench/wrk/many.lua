-- POST /lpas for UIDS (comma-separated): wrk -s many.lua URL -- TOKEN UIDS
dofile(os.getenv("LPA_BENCH_WRK_DIR") .. "/report.lua")

function init(args)
  wrk.method = "POST"
  wrk.path = "/lpas"
  wrk.headers["Content-Type"] = "application/json"
  if args[1] ~= "" then
    wrk.headers["X-Jwt-Authorization"] = "Bearer " .. args[1]
  end
  local uids = {}
  for uid in string.gmatch(args[2], "[^,]+") do
    uids[#uids + 1] = '"' .. uid .. '"'
  end
  wrk.body = '{"uids":[' .. table.concat(uids, ",") .. ']}'
end
