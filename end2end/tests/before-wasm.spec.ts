import { expect, Page, test } from "@playwright/test";
import { ADMIN, AGENT, hydrated, signIn } from "./helpers";

/** Holds the page's WASM (and the admin pages' split-off parts) until the returned function is
 * called: the server's HTML is on screen, its code is not, as on a slow link. */
async function holdWasm(page: Page): Promise<() => void> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\.wasm$/, async (route) => {
    await gate;
    await route.continue();
  });
  return release;
}

async function contactId(page: Page, q: string): Promise<number> {
  const found = await page.request.post("/api/customers/search", { form: { q, page: "1" } });
  expect(found.ok()).toBe(true);
  return (await found.json()).hits[0].contact_id;
}

test("Update Contact pressed before the WASM arrives says it is not ready, then opens its dialog", async ({ page }) => {
  await signIn(page, AGENT);
  const id = await contactId(page, "LIB/C7001");
  const release = await holdWasm(page);
  await page.goto(`/contacts/${id}`, { waitUntil: "domcontentloaded" });

  const button = page.getByRole("button", { name: "Update Contact" });
  // Visibly (and audibly) waiting, not a button that takes focus and does nothing.
  await expect(button).toHaveAttribute("aria-disabled", "true");
  await expect(page.getByRole("button", { name: "Generate QR" })).toHaveAttribute("aria-disabled", "true");
  await button.focus();
  await page.keyboard.press("Enter");
  expect(await page.locator("body[data-hydrated]").count()).toBe(0);
  await expect(page.getByRole("dialog")).toHaveCount(0);

  release();
  await hydrated(page);
  // The press is honoured once the page can honour it.
  const dialog = page.getByRole("dialog", { name: "Update Customer Contact Information" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel("New mobile number")).toBeFocused();
  await expect(button).not.toHaveAttribute("aria-disabled", "true");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
});

test("a report row ticked before the admin page's code arrives is selected once it has", async ({ page }) => {
  await signIn(page, ADMIN);
  const release = await holdWasm(page);
  await page.goto("/admin/contact-updates?status=pending", { waitUntil: "domcontentloaded" });

  const first = page.locator("tbody tr[data-status=pending]").first().getByRole("checkbox");
  await expect(first).toHaveAttribute("aria-disabled", "true");
  await first.click({ force: true });
  await expect(first).not.toBeChecked();

  release();
  await expect(first).toBeChecked();
  await expect(first).not.toHaveAttribute("aria-disabled", "true");
  await expect(page.getByTestId("sync-selected")).toHaveText("Mark as synced (1)");
});

test("after client-side navigation a control is ready at once: pressed straight away, it opens its dialog", async ({
  page,
}) => {
  await signIn(page, AGENT);
  await page.keyboard.press("/");
  await page.keyboard.type("LIB/C7001");
  await page.keyboard.press("Enter");
  const button = page.getByRole("button", { name: "Update Contact" });
  await button.click();
  await expect(page.getByRole("dialog", { name: "Update Customer Contact Information" })).toBeVisible();
  await expect(button).not.toHaveAttribute("aria-disabled", "true");
});
