-- wrk script for the Raft benchmarks: one small replicated write per request.
--   WRK_HIST_OUT=FILE wrk ... -s bench/wrk_raft_writes.lua URL -- dispotify IDS_FILE TOKEN NAME_BYTES
--     PATCH /api/v1/playlists/{id} {"name": NAME_BYTES x "n"}, id drawn at random
--     from IDS_FILE (one playlist id a line, all owned by the token's user).
--   WRK_HIST_OUT=FILE wrk ... -s bench/wrk_raft_writes.lua URL -- etcd KEYS VALUE_BYTES
--     POST /v3/kv/put {"key": base64("bench/k/NNNNNN"), "value": base64(VALUE_BYTES)},
--     key drawn at random among KEYS keys.
--   wrk ... -s bench/wrk_raft_writes.lua URL -- create - TOKEN NAME_BYTES
--     POST /api/v1/playlists {"name": ...}: each request adds one playlist.
-- done() prints one "WRKJSON {...}" line (like wrk_paths.lua) and writes the
-- whole latency histogram ("latency_us count" lines) to $WRK_HIST_OUT (an
-- environment variable: done() runs in a Lua state that never saw init's
-- arguments), so that several wrk processes (one per node) merge exactly.
local reqs = {}

local b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function b64(s)
  return ((s:gsub(".", function(x)
    local r, b = "", x:byte()
    for i = 8, 1, -1 do r = r .. (b % 2 ^ i - b % 2 ^ (i - 1) > 0 and "1" or "0") end
    return r
  end) .. "0000"):gsub("%d%d?%d?%d?%d?%d?", function(x)
    if #x < 6 then return "" end
    local c = 0
    for i = 1, 6 do c = c + (x:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
    return b64chars:sub(c + 1, c + 1)
  end) .. ({ "", "==", "=" })[#s % 3 + 1])
end

function init(args)
  local mode = args[1]
  wrk.headers["Content-Type"] = "application/json"
  if mode == "dispotify" then
    wrk.headers["Authorization"] = "Bearer " .. args[3]
    local body = '{"name":"' .. string.rep("n", tonumber(args[4])) .. '"}'
    for line in io.lines(args[2]) do
      if #line > 0 then reqs[#reqs + 1] = wrk.format("PATCH", "/api/v1/playlists/" .. line, nil, body) end
    end
  elseif mode == "create" then
    wrk.headers["Authorization"] = "Bearer " .. args[3]
    reqs[1] = wrk.format("POST", "/api/v1/playlists", nil, '{"name":"' .. string.rep("c", tonumber(args[4])) .. '"}')
  elseif mode == "etcd" then
    local value = b64(string.rep("v", tonumber(args[3])))
    for i = 1, tonumber(args[2]) do
      local body = '{"key":"' .. b64(string.format("bench/k/%06d", i)) .. '","value":"' .. value .. '"}'
      reqs[#reqs + 1] = wrk.format("POST", "/v3/kv/put", nil, body)
    end
  else
    error("mode must be dispotify, etcd or create")
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  return reqs[math.random(#reqs)]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"lat_p50_us":%d,"lat_p99_us":%d,"lat_max_us":%d,' ..
    '"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
  local hist_out = os.getenv("WRK_HIST_OUT")
  if hist_out and hist_out ~= "" then
    local f = assert(io.open(hist_out, "w"))
    for i = 1, #latency do
      local v, c = latency(i)
      f:write(string.format("%d %d\n", v, c))
    end
    f:close()
  end
end
