-- Shared by the wrk scripts: prints p50/p95/p99 in milliseconds (wrk's --latency has no p95).
function done(summary, latency, requests)
  io.write(string.format("BENCH p50=%.2f p95=%.2f p99=%.2f\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
