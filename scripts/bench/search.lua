-- The Contacts page's search server function with the mix of queries.lua.
local cookie = os.getenv("COOKIE")
dofile(os.getenv("BENCH_DIR") .. "/queries.lua")
function request()
  return wrk.format("POST", "/api/customers/search",
    { ["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie },
    "q=" .. next_query() .. "&page=1")
end
dofile(os.getenv("BENCH_DIR") .. "/percentiles.lua")
