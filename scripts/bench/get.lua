-- GET one page with the session cookie from $COOKIE (if any); $ENCODING sets Accept-Encoding
-- (wrk asks for none by default, so a row measures compression only when it says so).
local cookie = os.getenv("COOKIE")
if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
local encoding = os.getenv("ENCODING")
if encoding and encoding ~= "" then wrk.headers["Accept-Encoding"] = encoding end
dofile(os.getenv("BENCH_DIR") .. "/percentiles.lua")
