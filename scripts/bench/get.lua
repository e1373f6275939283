-- GET one page with the session cookie from $COOKIE (if any).
local cookie = os.getenv("COOKIE")
if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
dofile(os.getenv("BENCH_DIR") .. "/percentiles.lua")
