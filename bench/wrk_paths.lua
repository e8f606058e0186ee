-- wrk script: each request GETs a random path from a file (one path a line).
--   wrk ... -s bench/wrk_paths.lua URL -- PATHS_FILE [TOKEN|-] [RANGE|-]
-- TOKEN sets "Authorization: Bearer TOKEN"; RANGE (e.g. bytes=0-0) sets a
-- Range header, which makes wrk's latency ~ time to first byte.
-- done() prints one machine-readable line starting with "WRKJSON ".
local paths = {}
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  if args[2] and args[2] ~= "-" then wrk.headers["Authorization"] = "Bearer " .. args[2] end
  if args[3] and args[3] ~= "-" then wrk.headers["Range"] = args[3] end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[math.random(#paths)])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"bytes":%d,"duration_us":%d,"lat_p50_us":%d,"lat_p90_us":%d,"lat_p99_us":%d,' ..
    '"lat_max_us":%d,"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d}\n',
    summary.requests, summary.bytes, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
