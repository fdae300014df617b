-- wrk script: POST /messages/batch with BENCH_BATCH messages (default 500) per request until wrk's -d ends,
-- and count the messages answered "queued". done() prints one "RESULT k=v ..." line bench/run parses.
local size = tonumber(os.getenv("BENCH_BATCH") or "500")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local items = {}
for i = 1, size do
  items[i] = string.format('{"to":"bench+%d@example.org","subject":"Lot camel-mailer %d",'
    .. '"text":"Bonjour,\\nceci est le message %d du lot.\\nCordialement","tags":["bench"]}', i, i, i)
end
wrk.body = '{"messages":[' .. table.concat(items, ",") .. ']}'

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok, bad, queued = 0, 0, 0
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
    local _, n = body:gsub('"status":"queued"', "")
    queued = queued + n
  else
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local ok_all, bad_all, queued_all = 0, 0, 0
  for _, t in ipairs(threads) do
    ok_all = ok_all + t:get("ok")
    bad_all = bad_all + t:get("bad")
    queued_all = queued_all + t:get("queued")
  end
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT batches=%d non200=%d sockerr=%d queued=%d secs=%.3f msgs_per_s=%.0f p50_ms=%.2f p99_ms=%.2f\n",
    ok_all, bad_all, e.connect + e.read + e.write + e.timeout, queued_all, secs, queued_all / secs,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
