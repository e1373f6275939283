import AxeBuilder from "@axe-core/playwright";
import { expect, Page, test } from "@playwright/test";
import { AGENT, hydrated, signIn } from "./helpers";

// axe-core's automated WCAG 2.2 A/AA rules on the screens an agent lives in. Automated rules are
// a floor, not the whole of WCAG: keyboard paths have their own tests (keyboard.spec.ts).
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

async function violations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

test("sign-in, overview, search results, customer page and the Update Contact dialog pass axe", async ({ page }) => {
  await page.goto("/login");
  await hydrated(page);
  expect(await violations(page)).toEqual([]);

  await signIn(page, AGENT);
  expect(await violations(page)).toEqual([]);

  await page.goto("/customers?q=kevin");
  await hydrated(page);
  await expect(page.getByRole("link", { name: "Kevin Anderson Curepipe" })).toBeVisible();
  expect(await violations(page)).toEqual([]);

  await page.getByRole("link", { name: "Kevin Anderson Curepipe" }).click();
  await expect(page.getByTestId("customer-name")).toBeVisible();
  expect(await violations(page)).toEqual([]);

  await page.keyboard.press("u");
  await expect(page.getByRole("dialog")).toBeVisible();
  expect(await violations(page)).toEqual([]);
});

test("contacts, new leads, call logs and the API reference pass axe", async ({ page }) => {
  await signIn(page, AGENT);
  for (const path of ["/contacts", "/contacts?status=new_lead", "/calls"]) {
    await page.goto(path);
    await hydrated(page);
    expect(await violations(page), path).toEqual([]);
  }
  // The demo's calls are there: the page is checked with rows, players and a New Lead.
  await expect(page.locator("tr[data-call-id]").first()).toBeVisible();
  await page.goto("/v1/docs");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("reference");
  expect(await violations(page), "/v1/docs").toEqual([]);
});
