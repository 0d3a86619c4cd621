-- wrk script for `make bench` (benchmarks/run.py sets the environment).
--   BENCH_MODE=toggle  the htmx POST a browser sends when a checklist box is ticked: that
--                      box alone (and the form's workspace) to a random candidate of the
--                      large workspace, with the session cookie, HX-Trigger-Name and the
--                      X-CSRFToken header that base.html puts on <body>
--   BENCH_MODE=ping    GET of the minimal signed-in view (the ceiling)
-- done() prints one line "BENCH_JSON {...}" that run.py reads.

local mode = os.getenv("BENCH_MODE") or "toggle"
local token = os.getenv("BENCH_CSRF")
local origin = os.getenv("BENCH_ORIGIN")
local fields = {
  "ideal_customer", "transferable_trust", "active_channel", "real_complement",
  "purchase_context", "easy_execution", "two_sided_benefit", "measurable",
}
local codes = {}
local counter = 0

wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
wrk.headers["Accept-Encoding"] = "gzip, deflate, br"

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(os.time() * 1000 + (seed or 0))
  if mode == "toggle" then
    for line in io.lines(os.getenv("BENCH_CODES")) do
      codes[#codes + 1] = line
    end
  end
end

-- wrk.format() ignores wrk.headers when given its own headers: repeat the cookie here.
local toggle_headers = {
  ["Cookie"] = os.getenv("BENCH_COOKIE"),
  ["Accept-Encoding"] = "gzip, deflate, br",
  ["Content-Type"] = "application/x-www-form-urlencoded",
  ["HX-Request"] = "true",
  ["HX-Target"] = "light",
  ["HX-Trigger"] = "id_ideal_customer",
  ["X-CSRFToken"] = token,
  ["Origin"] = origin,
}

function request()
  if mode == "ping" then
    return wrk.format("GET", "/bench/ping/")
  end
  local code = codes[math.random(#codes)]
  -- One box, ticked or unticked: the page sends the control that changed alone (hx-params)
  -- and names it in HX-Trigger-Name.
  local field = fields[math.random(#fields)]
  local body = { "workspace=" .. (os.getenv("BENCH_WORKSPACE") or "") }
  if math.random() < 0.5 then
    body[#body + 1] = field .. "=on"
  end
  toggle_headers["HX-Trigger-Name"] = field
  toggle_headers["HX-Trigger"] = "id_" .. field
  toggle_headers["HX-Current-URL"] = origin .. "/candidates/" .. code .. "/"
  return wrk.format("POST", "/candidates/" .. code .. "/checklist/", toggle_headers,
                    table.concat(body, "&"))
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "status_errors": %d, ' ..
    '"socket_errors": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.status,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean))
end
