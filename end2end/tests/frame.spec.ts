import { expect, Page, test } from "@playwright/test";
import { ADMIN, AGENT, hydrated, signIn } from "./helpers";

/** A value that lives only as long as this document: gone after a full page load. */
async function markDocument(page: Page) {
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
}
async function sameDocument(page: Page) {
  return page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true);
}

test("the server's HTML carries the frame itself, never a loading placeholder", async ({ page }) => {
  await signIn(page, AGENT);
  for (const path of ["/", "/customers", "/customers?q=kevin"]) {
    const html = await (await page.request.get(path)).text();
    expect(html).toContain('data-testid="user-name"');
    expect(html).toContain(AGENT.name);
    expect(html).not.toContain("Loading…");
  }
});

test("sign-in, client-side navigation and sign-out keep the frame right", async ({ page }) => {
  // Signed in without a page load: the frame is mounted in the browser.
  await signIn(page, AGENT);
  await expect(page.getByTestId("user-name")).toHaveText(AGENT.name);
  await markDocument(page);
  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: "Contacts" }).click();
  await expect(page.getByRole("heading", { name: "Contacts", level: 1 })).toBeVisible();
  await expect(page.getByTestId("user-name")).toHaveText(AGENT.name);
  expect(await sameDocument(page)).toBe(true);

  // A full load: the frame comes from the server and hydrates; navigation stays client-side.
  await page.goto("/");
  await hydrated(page);
  await expect(page.getByTestId("user-name")).toHaveText(AGENT.name);
  await markDocument(page);
  await nav.getByRole("link", { name: "Contacts" }).click();
  await expect(page).toHaveURL(/\/contacts$/);
  await nav.getByRole("link", { name: "Overview" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  expect(await sameDocument(page)).toBe(true);

  // Sign out, then in as someone else in the same tab: never the previous user's frame.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await hydrated(page);
  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByTestId("user-name")).toHaveText(ADMIN.name);
  await expect(nav.getByRole("link", { name: "Users" })).toBeVisible();
});

test("/ reaches the customer search from any page and is never typed into it", async ({ page }) => {
  await signIn(page, AGENT);
  await page.goto("/");
  await hydrated(page);
  await page.keyboard.press("/");
  const search = page.getByLabel("Search contacts");
  await expect(search).toBeFocused();
  await expect(search).toHaveValue("");
  // Pressed again inside the empty box, it still types nothing.
  await page.keyboard.press("/");
  await expect(search).toHaveValue("");
  // A policy number keeps its slash.
  await page.keyboard.type("LIB/C7002");
  await expect(search).toHaveValue("LIB/C7002");
  await expect(page).toHaveURL(/\/contacts\?q=LIB%2FC7002|\/contacts\?q=LIB\/C7002/);
  await expect(page.getByText("1 contact found")).toBeVisible();
});
