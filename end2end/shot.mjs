// Dev aid (not a test): screenshots of a running server. node shot.mjs BASE_URL OUT_PREFIX
import { chromium } from "@playwright/test";
const [base, out] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
await page.goto(base + "/login");
await page.waitForSelector("body[data-hydrated]");
await page.screenshot({ path: out + "-login.png" });
await page.getByLabel("Username").fill("admin");
await page.getByLabel("Password").fill("demo-admin-2026");
await page.getByRole("button", { name: "Sign in" }).click();
await page.getByRole("heading", { name: "Overview" }).waitFor();
await page.waitForTimeout(300);
await page.screenshot({ path: out + "-home.png" });
for (const path of (process.argv[4] ?? "/admin/users").split(",")) {
  await page.goto(base + path);
  await page.waitForSelector("body[data-hydrated]");
  await page.screenshot({ path: out + path.replaceAll("/", "_") + ".png", fullPage: true });
}
await browser.close();
