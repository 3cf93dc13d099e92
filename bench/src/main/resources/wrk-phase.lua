-- One benchmark phase for wrk, driven by io.keyway.bench.WrkLoadGenerator.
-- The bearer header comes from the environment, so the token is never on a command line.
-- Every response whose status is not 200 is counted (wrk itself only counts non-2xx/3xx).

local authorization = os.getenv("KEYWAY_BENCH_AUTHORIZATION")
if authorization ~= nil and authorization ~= "" then
  wrk.headers["Authorization"] = authorization
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non200 = 0
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
  end
end

function done(summary, latency, requests)
  local non200_total = 0
  for _, thread in ipairs(threads) do
    non200_total = non200_total + thread:get("non200")
  end
  local errors = summary.errors
  io.write(string.format(
    "KEYWAY_RESULT requests=%d duration_us=%d non200=%d connect=%d read=%d write=%d timeout=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, non200_total, errors.connect, errors.read, errors.write, errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
