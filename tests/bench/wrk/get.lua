-- GET PATH with the headers given: wrk -s get.lua URL -- PATH [NAME VALUE]...
dofile(os.getenv("LPA_BENCH_WRK_DIR") .. "/report.lua")

function init(args)
  wrk.method = "GET"
  wrk.path = args[1]
  for i = 2, #args - 1, 2 do
    wrk.headers[args[i]] = args[i + 1]
  end
end
