import { expect, Page } from "@playwright/test";

// The demo accounts seeded by CONTACTDESK_DEMO=1 (src/server/seed.rs).
export const ADMIN = { username: "admin", password: "demo-admin-2026", name: "Anjali Doorgakant" };
export const AGENT = { username: "priya", password: "demo-agent-2026", name: "Priya Ramdin" };
export const JEAN = { username: "jean", password: "demo-agent-2026", name: "Jean-Marc Lafleur" };

/** Waits until the WASM has taken over the server-rendered page. */
export async function hydrated(page: Page) {
  await page.waitForSelector("body[data-hydrated]");
}

export async function signIn(page: Page, who: { username: string; password: string }) {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Username").fill(who.username);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
}
