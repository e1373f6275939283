-- Saving a contact update through the real HTTP path (POST /v1/customer_contact_updates),
-- each request a new correction of a random customer with its own idempotency key.
local cookie = os.getenv("COOKIE")
local run = os.time()
local counter = 0
math.randomseed(run)
function request()
  counter = counter + 1
  local body = string.format(
    '{"customer_id":"%d","new_mobile":"57%06d","update_reason":"Customer provided new contact",' ..
    '"notes":"benchmark","idempotency_key":"bench-%d-%d"}',
    100000 + math.random(0, 99999), math.random(0, 999999), run, counter)
  return wrk.format("POST", "/v1/customer_contact_updates",
    { ["Content-Type"] = "application/json", ["Cookie"] = cookie }, body)
end
dofile(os.getenv("BENCH_DIR") .. "/percentiles.lua")
