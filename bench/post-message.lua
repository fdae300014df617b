-- wrk script: POST a valid /message JSON body to the URL's path, and count what came back.
--   BENCH_ENHANCE=true|false  enhance_content in the body
--   BENCH_QUOTA=N             send exactly N POSTs in total (split over BENCH_THREADS threads), then stop;
--                             0 = post until wrk's -d duration ends (the accept test)
--   BENCH_IDS=prefix          append each accepted task_id to prefix.<thread> (the exactly-once check);
--                             with a quota, a thread that has all its answers creates prefix.<thread>.done
-- done() prints one "RESULT k=v ..." line that bench/run parses: only 202s count as accepted.
local enhance = os.getenv("BENCH_ENHANCE") == "true"
local quota_total = tonumber(os.getenv("BENCH_QUOTA") or "0")
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "2")
local ids_prefix = os.getenv("BENCH_IDS") or ""

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"destinataire":"bench@example.org","sujet":"Benchmark camel-mailer",'
  .. '"message":"Bonjour,\\nceci est un message du benchmark.\\nCordialement","enhance_content":'
  .. tostring(enhance) .. '}'

-- setup() and done() share one Lua state; each thread runs in its own
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  local i = #threads
  thread:set("id", i)
  -- thread i of n gets its share of the quota, the first ones one more when it does not divide
  local share = math.floor(quota_total / nthreads)
  if i <= quota_total % nthreads then share = share + 1 end
  thread:set("quota", share)
end

-- wrk itself sleeps for its whole -d duration: this marker tells bench/run to end it (SIGINT) now
function mark_done()
  io.open(ids_prefix .. "." .. id .. ".done", "w"):close()
  wrk.thread:stop()
end

function init(args)
  accepted, other, answered, sent = 0, 0, 0, 0
  if ids_prefix ~= "" then
    ids = io.open(ids_prefix .. "." .. id, "w")
    ids:setvbuf("line") -- wrk never closes a thread's Lua state: unflushed lines would be lost
  end
  if quota_total > 0 and quota == 0 then mark_done() end
end

if quota_total > 0 then
  -- a fixed number of POSTs. wrk asks delay() before every request, so a slot is taken there: after
  -- delay() and before request() other connections of the thread run, and a counter kept in
  -- request() would let several of them past the quota. Once the quota is taken, connections only
  -- wait (an hour, far past any wait of bench/run) until the thread has its answers and stops.
  function delay()
    if sent >= quota then return 3600000 end
    sent = sent + 1
    return 0
  end
  local post = nil
  function request()
    post = post or wrk.format()
    return post
  end
end

function response(status, headers, body)
  answered = answered + 1
  if status == 202 then
    accepted = accepted + 1
    if ids then
      local task_id = body:match('"task_id"%s*:%s*"([^"]+)"')
      if task_id then ids:write(task_id, "\n") end
    end
  else
    other = other + 1
  end
  if quota > 0 and answered == quota then mark_done() end
end

function done(summary, latency, requests)
  local ok, bad = 0, 0
  for _, t in ipairs(threads) do
    ok = ok + t:get("accepted")
    bad = bad + t:get("other")
  end
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT accepted=%d non202=%d sockerr=%d timeouts=%d secs=%.3f rps202=%.1f p50_ms=%.2f p99_ms=%.2f\n",
    ok, bad, e.connect + e.read + e.write, e.timeout, secs, ok / secs,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
