import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

// `make bench` only: what Chromium downloads and how fast a page becomes usable. Run by
// scripts/bench.sh against the benchmark server (release build, 100,000 customers).
export default defineConfig({
  ...base,
  testDir: "./bench",
  timeout: 180_000,
  reporter: [["line"]],
});
