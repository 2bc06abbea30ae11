-- wrk script: real moves on the bench cards, each an optimistic-concurrency UPDATE in the service.
-- Usage: wrk -t2 -c64 -d15s --latency -s bench/move.lua http://127.0.0.1:PORT -- CARDS_FILE THREADS
-- (THREADS repeats -t: wrk runs each thread's init() before it creates the next thread.)
-- CARDS_FILE has one "id version status" line per card (bench.sh writes it from the board).
-- Each wrk thread owns the cards whose line number is its index modulo the thread count and sends
-- them round-robin, so with more cards than connections a card is not sent again before its answer
-- is back. wrk's response() cannot tell which request it answers, so the card, its new version and
-- status are read from the body: a 200's data.appointment_id/version/status, a 409's
-- error.appointment_id/current_version/current_status.
-- Prints "moves: ok=… conflict=… other=…" and exits 1 when any answer was neither 2xx nor 409.

local threads = {}
local next_index = 0

function setup(thread)
  thread:set("thread_index", next_index)
  table.insert(threads, thread)
  next_index = next_index + 1
end

local cards = {}      -- this thread's card ids, in send order
local state = {}      -- id -> { version = n, status = s }
local cursor = 0
ok, conflict, other = 0, 0, 0

-- The allowed move that keeps a bench card cycling: scheduled -> in_progress <-> ready.
local next_status = { scheduled = "in_progress", in_progress = "ready", ready = "in_progress" }

function init(args)
  local file, thread_count = args[1], tonumber(args[2])
  if not file or not thread_count then
    error("usage: wrk -tN ... -s move.lua URL -- CARDS_FILE N")
  end
  local line_number = 0
  for line in io.lines(file) do
    local id, version, status = line:match("^(%d+) (%d+) ([%w_]+)$")
    if not id or not next_status[status] then
      error("bad line in " .. file .. ": '" .. line .. "' (want 'id version status', status scheduled/in_progress/ready)")
    end
    if line_number % thread_count == thread_index then
      table.insert(cards, id)
      state[id] = { version = tonumber(version), status = status }
    end
    line_number = line_number + 1
  end
  if #cards == 0 then
    error("no cards for thread " .. thread_index .. " in " .. file)
  end
end

function request()
  cursor = cursor % #cards + 1
  local id = cards[cursor]
  local card = state[id]
  local body = '{"new_status":"' .. next_status[card.status] .. '","expected_version":' .. card.version .. '}'
  return wrk.format("POST", "/api/admin/appointments/" .. id .. "/move", { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
    local id = body:match('"appointment_id":"(%d+)"')
    state[id] = { version = tonumber(body:match('"version":(%d+)')), status = body:match('"status":"([%w_]+)"') }
  elseif status == 409 then
    conflict = conflict + 1
    local id = body:match('"appointment_id":"(%d+)"')
    state[id] = { version = tonumber(body:match('"current_version":(%d+)')), status = body:match('"current_status":"([%w_]+)"') }
  else
    other = other + 1
    if other <= 3 then
      io.stderr:write("move.lua: unexpected HTTP " .. status .. ": " .. body .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local totals = { ok = 0, conflict = 0, other = 0 }
  for _, thread in ipairs(threads) do
    for name in pairs(totals) do
      totals[name] = totals[name] + thread:get(name)
    end
  end
  local seconds = summary.duration / 1e6
  -- One machine-readable line for bench.sh; latencies in milliseconds.
  io.write(string.format("moves: ok=%d conflict=%d other=%d seconds=%.2f ok_per_s=%.1f p50_ms=%.2f p99_ms=%.2f socket_errors=%d\n",
    totals.ok, totals.conflict, totals.other, seconds, totals.ok / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  if totals.other > 0 then
    io.write("FAIL: " .. totals.other .. " answers were neither 2xx nor 409\n")
    os.exit(1)
  end
end
