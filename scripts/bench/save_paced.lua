-- 200 agents saving corrections with a pause between saves, on average BENCH_THINK_MS
-- (default 250 ms), drawn at random so agents do not move in lockstep: the latency an agent
-- sees while the whole call center saves at ~120 times its real peak (an agent saves at most
-- once per call of 30 s or more). wrk measures from send to answer, without the pause.
local think = tonumber(os.getenv("BENCH_THINK_MS") or "250")
dofile(os.getenv("BENCH_DIR") .. "/save.lua")
function delay()
  return math.random(0, 2 * think)
end
