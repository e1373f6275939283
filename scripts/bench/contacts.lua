-- GET /v1/contacts?q= (the contacts API's search) with the mix of queries.lua.
local cookie = os.getenv("COOKIE")
dofile(os.getenv("BENCH_DIR") .. "/queries.lua")
function request()
  return wrk.format("GET", "/v1/contacts?limit=20&q=" .. next_query(), { ["Cookie"] = cookie })
end
dofile(os.getenv("BENCH_DIR") .. "/percentiles.lua")
