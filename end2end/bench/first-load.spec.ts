import { test, expect, Browser, Page } from "@playwright/test";
import { ADMIN } from "../tests/helpers";

// Figures printed as `BENCH <name>|<value>` lines; scripts/bench.sh puts them in its table.
const CUSTOMER = process.env.BENCH_CUSTOMER_ID ?? "1";
const RUNS = 10;

function report(name: string, value: string) {
  console.log(`BENCH ${name}|${value}`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Records, in the page's own clock, when the WASM has hydrated it (App sets data-hydrated). */
async function recordHydration(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { __hydratedAt?: number };
    new MutationObserver((_, obs) => {
      if (document.body?.hasAttribute("data-hydrated")) {
        w.__hydratedAt = performance.now();
        obs.disconnect();
      }
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-hydrated"] });
  });
}

async function signedInContext(browser: Browser) {
  const context = await browser.newContext();
  const res = await context.request.post("/api/auth/login", {
    form: { username: ADMIN.username, password: ADMIN.password, next: "/" },
    maxRedirects: 0,
  });
  expect(res.status()).toBeLessThan(400);
  return context;
}

/** Loads `path` in a fresh page of `context` and returns the bytes on the wire (headers and
 *  encoded bodies of every response) and the time to hydration. */
async function load(page: Page, path: string) {
  const sizes: Promise<number>[] = [];
  page.on("requestfinished", (req) =>
    sizes.push(req.sizes().then((s) => s.responseHeadersSize + s.responseBodySize)),
  );
  await recordHydration(page);
  await page.goto(path);
  await page.waitForSelector("body[data-hydrated]");
  await page.waitForLoadState("networkidle");
  const hydratedAt = await page.evaluate(() => (window as unknown as { __hydratedAt: number }).__hydratedAt);
  const bytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
  return { bytes, hydratedAt };
}

test("first load: bytes on the wire from a cold cache", async ({ browser }) => {
  const anonymous = await browser.newContext();
  const login = await load(await anonymous.newPage(), "/login");
  await anonymous.close();
  report("Bytes on the wire, /login, cold cache", `${login.bytes}`);

  const signedIn = await signedInContext(browser);
  const detail = await load(await signedIn.newPage(), `/customers/${CUSTOMER}`);
  await signedIn.close();
  report("Bytes on the wire, customer page, cold cache", `${detail.bytes}`);
  report("Customer page hydrated, cold cache (ms)", detail.hydratedAt.toFixed(0));
});

test("customer page: hydrated Update Contact, and the key that opens it", async ({ browser }) => {
  const context = await signedInContext(browser);
  const page = await context.newPage();
  await recordHydration(page);
  await page.goto(`/customers/${CUSTOMER}`); // warms the cache: agents load the assets once
  await page.waitForSelector("body[data-hydrated]");

  const hydration: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await page.goto(`/customers/${CUSTOMER}`);
    await expect(page.getByRole("button", { name: "Update Contact" })).toBeEnabled();
    await page.waitForSelector("body[data-hydrated]");
    hydration.push(await page.evaluate(() => (window as unknown as { __hydratedAt: number }).__hydratedAt));
  }
  report(`Customer page hydrated, warm cache, median of ${RUNS} (ms)`, median(hydration).toFixed(0));

  const open: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await page.evaluate(() => {
      const w = window as unknown as { __down?: number; __focused?: number };
      w.__down = undefined;
      w.__focused = undefined;
      document.addEventListener("keydown", () => (w.__down ??= performance.now()), { capture: true, once: true });
      document.addEventListener("focusin", (e) => {
        if ((e.target as HTMLElement).id === "new-mobile") w.__focused ??= performance.now();
      });
    });
    await page.keyboard.press("u");
    await expect(page.locator("#new-mobile")).toBeFocused();
    open.push(
      await page.evaluate(() => {
        const w = window as unknown as { __down: number; __focused: number };
        return w.__focused - w.__down;
      }),
    );
    await page.keyboard.press("Escape");
    await expect(page.getByRole("dialog")).toHaveCount(0);
  }
  report(`Key U to Update Contact open, focus in mobile, median of ${RUNS} (ms)`, median(open).toFixed(1));
  await context.close();
});
