import { expect, Page, test } from "@playwright/test";
import { AGENT, hydrated, signIn } from "./helpers";

const DIALOG = "Update Customer Contact Information";

async function openCustomer(page: Page, query: string, name: string) {
  await page.goto(`/customers?q=${encodeURIComponent(query)}`);
  await hydrated(page);
  await page.getByRole("link", { name }).first().click();
  await expect(page.getByTestId("customer-name")).toHaveText(name);
}

async function openModal(page: Page) {
  await page.getByRole("button", { name: "Update Contact" }).click();
  const dialog = page.getByRole("dialog", { name: DIALOG });
  await expect(dialog).toBeVisible();
  return dialog;
}

function historyEntries(page: Page) {
  return page.locator(".history-entry");
}

test.beforeEach(async ({ page }) => {
  await signIn(page, AGENT);
});

test("search by phone in any format, Enter opens the first hit, detail as in the mock-up", async ({ page }) => {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Contacts" }).click();
  await hydrated(page);
  await page.getByRole("heading", { name: "Contacts", level: 1 }).click();
  await page.keyboard.press("/");
  const search = page.getByLabel("Search contacts");
  await expect(search).toBeFocused();

  for (const phone of ["5737 2333", "+230 5737 2333", "0023057372333"]) {
    await search.fill(phone);
    await expect(page.getByRole("link", { name: "Kevin Anderson Curepipe" })).toBeVisible();
    await expect(page.getByText("1 contact found")).toBeVisible();
  }
  await search.fill("lib/c7013");
  await expect(page.getByRole("link", { name: "Kevin Anderson Curepipe" })).toBeVisible();
  await search.fill("marie-josee lagesse");
  await expect(page.getByRole("link", { name: "Marie-Josée Lagesse" }).first()).toBeVisible();
  await search.fill("LIB/C7002");
  await expect(page.getByText("1 contact found")).toBeVisible();
  await search.press("Enter");

  await expect(page.getByTestId("customer-name")).toHaveText("Marie-Josée Lagesse");
  await expect(page.getByTestId("policy-numbers")).toHaveText("LIB/C7002");
  await expect(page.getByTestId("amount-due")).toHaveText("MUR 780.50");
  await expect(page.getByTestId("payment-status")).toHaveText("pending");
  await expect(page.getByRole("button", { name: "Update Contact" })).toBeVisible();
});

test("the modal is an accessible dialog: labels, focus, Tab kept inside, Escape and Cancel", async ({ page }) => {
  await openCustomer(page, "kevin anderson", "Kevin Anderson Curepipe");
  const dialog = await openModal(page);

  await expect(dialog.getByText("Customer:")).toBeVisible();
  await expect(dialog.getByText("LIB/C7013")).toBeVisible();
  await expect(dialog.getByText("Current: 5737 2333")).toBeVisible();
  await expect(dialog.getByText("Current: vikas.khanna@zwennpay.com")).toBeVisible();
  await expect(dialog.getByText("Format: 8 digits (e.g., 57372333)", { exact: false })).toBeVisible();
  await expect(dialog.getByText("Format: valid email address")).toBeVisible();
  await expect(dialog.getByText("Updated contact info will be used immediately", { exact: false })).toBeVisible();
  await expect(dialog.getByLabel("New mobile number")).toBeFocused();
  for (const label of ["New email address", "Update reason", "Additional notes"]) {
    await expect(dialog.getByLabel(label)).toBeVisible();
  }
  const reasons = await dialog.getByLabel("Update reason").locator("option").allTextContents();
  expect(reasons).toEqual([
    "Select reason",
    "Customer provided new contact",
    "Current contact is incorrect",
    "Current contact is missing",
    "Email bounced / SMS failed",
    "Customer requested update",
    "Other",
  ]);

  for (let i = 0; i < 12; i++) {
    await page.keyboard.press("Tab");
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  }
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press("Shift+Tab");
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  }

  await dialog.getByLabel("New mobile number").fill("58123456");
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Update Contact" })).toBeFocused();
  await expect(page.getByTestId("mobile")).toContainText("5737 2333");

  const again = await openModal(page);
  await expect(again.getByLabel("New mobile number")).toHaveValue("");
  await again.getByRole("button", { name: "Cancel" }).click();
  await expect(again).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Update Contact" })).toBeFocused();
  await expect(historyEntries(page)).toHaveCount(0);
});

test("validation runs as the agent types and each error sits under its field", async ({ page }) => {
  await openCustomer(page, "kevin anderson", "Kevin Anderson Curepipe");
  const dialog = await openModal(page);
  const save = dialog.getByRole("button", { name: "Save & Continue" });

  await save.click();
  await expect(dialog.getByText("Enter a new mobile number or a new email address (or both).")).toBeVisible();
  await expect(dialog.locator("#update-reason-error")).toHaveText("Select the reason for this update.");

  await dialog.getByLabel("New mobile number").fill("5737233");
  await expect(dialog.locator("#new-mobile-error")).toContainText("A Mauritian mobile has 8 digits; this has 7.");
  await dialog.getByLabel("New mobile number").fill("5737abcd");
  await expect(dialog.locator("#new-mobile-error")).toContainText("only digits");
  await dialog.getByLabel("New mobile number").fill("612345678");
  await expect(dialog.locator("#new-mobile-error")).toContainText("8 digits");
  await dialog.getByLabel("New mobile number").fill("58123456");
  await expect(dialog.locator("#new-mobile-error")).toHaveText("");

  await dialog.getByLabel("New email address").fill("not-an-email");
  await expect(dialog.locator("#new-email-error")).not.toHaveText("");
  await dialog.getByLabel("New email address").fill("");
  await expect(dialog.locator("#new-email-error")).toHaveText("");

  const notes = dialog.getByLabel("Additional notes");
  await notes.fill("n".repeat(500));
  await expect(dialog.getByText("500 / 500 characters")).toBeVisible();
  await expect(dialog.locator("#update-notes-error")).toHaveText("");
  await notes.fill("n".repeat(501));
  await expect(dialog.locator("#update-notes-error")).toHaveText("Notes can be at most 500 characters (501 entered).");
  await save.click();
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(historyEntries(page)).toHaveCount(0);
});

test("a customer with no email: mobile-only update, success message, marker and history", async ({ page }) => {
  await openCustomer(page, "ibrahim joomun", "Ibrahim Joomun");
  await expect(page.getByTestId("email")).toHaveText("—");
  const dialog = await openModal(page);
  await expect(dialog.getByText("Current: none")).toBeVisible();

  await dialog.getByLabel("New mobile number").fill("5812 3456");
  await dialog.getByLabel("Update reason").selectOption("Current contact is incorrect");
  await dialog.getByRole("button", { name: "Save & Continue" }).click();

  await expect(dialog).toHaveCount(0);
  await expect(page.getByText("Contact information updated successfully!")).toBeVisible();
  await expect(page.getByText("The new contact details will be used for this customer.")).toBeVisible();
  await expect(page.getByTestId("mobile")).toContainText("5812 3456");
  const marker = page.getByTestId("mobile").locator(".marker");
  await expect(marker).toContainText("Updated today");
  await expect(marker).toHaveAttribute("title", /Updated by Priya Ramdin on/);
  await expect(historyEntries(page)).toHaveCount(1);
  await expect(historyEntries(page).first()).toContainText("5765 4321");
  await expect(historyEntries(page).first()).toContainText("5812 3456");
  await expect(historyEntries(page).first()).toContainText("Current contact is incorrect");

  // Still there after a reload: it was stored, not just shown.
  await page.reload();
  await expect(page.getByTestId("mobile")).toContainText("5812 3456");
  await expect(page.getByTestId("mobile").locator(".marker")).toContainText("Updated today");
});

test("a customer with no mobile: email-only update with special characters", async ({ page }) => {
  await openCustomer(page, "marie-josee", "Marie-Josée Lagesse");
  const dialog = await openModal(page);

  await dialog.getByLabel("New email address").fill("o'neil+mj_lagesse@Intnet.MU");
  await dialog.getByLabel("Update reason").selectOption("Email bounced / SMS failed");
  await dialog.getByRole("button", { name: "Save & Continue" }).click();

  await expect(page.getByText("Contact information updated successfully!")).toBeVisible();
  await expect(page.getByTestId("email")).toContainText("o'neil+mj_lagesse@intnet.mu");
  await expect(page.getByTestId("email").locator(".marker")).toContainText("Updated today");
  await expect(page.getByTestId("mobile")).toHaveText("—");
});

test("a customer with neither: both at once, with an international number", async ({ page }) => {
  await openCustomer(page, "li mei", "Li Mei Ah-Chuen");
  const dialog = await openModal(page);

  await dialog.getByLabel("New mobile number").fill("+33 6 12 34 56 78");
  await dialog.getByLabel("New email address").fill("limei@example.mu");
  await dialog.getByLabel("Update reason").selectOption("Current contact is missing");
  await dialog.getByLabel("Additional notes").fill("Lives in Lyon half the year.");
  await dialog.getByRole("button", { name: "Save & Continue" }).click();

  await expect(page.getByText("Contact information updated successfully!")).toBeVisible();
  await expect(page.getByTestId("mobile")).toContainText("+33612345678");
  await expect(page.getByTestId("email")).toContainText("limei@example.mu");
  await expect(historyEntries(page).first()).toContainText("Lives in Lyon half the year.");
});

test("a very long name stays readable in the page and the modal", async ({ page }) => {
  const name = "Jean-Baptiste Marie-Christophe Lagesse de Spéville-Hossenbaccus Ramgoolam Appadoo";
  await openCustomer(page, "spéville", name);
  const dialog = await openModal(page);
  await expect(dialog.getByText(name)).toBeVisible();
  const box = await dialog.boundingBox();
  const viewport = page.viewportSize();
  expect(box!.width).toBeLessThanOrEqual(viewport!.width);
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toHaveCount(0);
});

test("two updates the same day, a double-clicked Save, and a second agent: all kept, newest wins", async ({ page, browser }) => {
  await openCustomer(page, "kevin anderson", "Kevin Anderson Curepipe");
  const before = await historyEntries(page).count();

  let dialog = await openModal(page);
  await dialog.getByLabel("New mobile number").fill("57778888");
  await dialog.getByLabel("Update reason").selectOption("Customer provided new contact");
  await dialog.getByRole("button", { name: "Save & Continue" }).dblclick();
  await expect(page.getByText("Contact information updated successfully!")).toBeVisible();
  await expect(historyEntries(page)).toHaveCount(before + 1);

  dialog = await openModal(page);
  await dialog.getByLabel("New email address").fill("kevin.curepipe@example.mu");
  await dialog.getByLabel("Update reason").selectOption("Customer requested update");
  await dialog.getByRole("button", { name: "Save & Continue" }).click();
  await expect(historyEntries(page)).toHaveCount(before + 2);
  await expect(historyEntries(page).first()).toContainText("kevin.curepipe@example.mu");

  // Jean, on another machine, updates the same customer a moment later.
  const other = await browser.newPage();
  await signIn(other, { username: "jean", password: "demo-agent-2026" });
  await openCustomer(other, "kevin anderson", "Kevin Anderson Curepipe");
  const otherDialog = await openModal(other);
  await otherDialog.getByLabel("New mobile number").fill("57001234");
  await otherDialog.getByLabel("Update reason").selectOption("Current contact is incorrect");
  await otherDialog.getByRole("button", { name: "Save & Continue" }).click();
  await expect(other.getByTestId("mobile")).toContainText("5700 1234");
  await other.close();

  await page.reload();
  await expect(page.getByTestId("mobile")).toContainText("5700 1234");
  await expect(historyEntries(page)).toHaveCount(before + 3);
  await expect(historyEntries(page).first()).toContainText("Jean-Marc Lafleur");
  await expect(historyEntries(page).nth(1)).toContainText("Priya Ramdin");
});

test("a broad search pages through its results, Previous and Next", async ({ page }) => {
  await page.goto(`/customers?q=${encodeURIComponent("lib/c7")}`);
  await hydrated(page);
  const pager = page.getByRole("navigation", { name: "Result pages" });
  await expect(pager.getByText(/^Page 1 of \d+$/)).toBeVisible();
  await expect(pager.getByRole("button", { name: "Previous" })).toBeDisabled();
  const firstOnPage1 = await page.locator("tbody tr").first().innerText();
  await expect(page.locator("tbody tr")).toHaveCount(20);

  await pager.getByRole("button", { name: "Next" }).click();

  await expect(pager.getByText(/^Page 2 of \d+$/)).toBeVisible();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.locator("tbody tr").first()).not.toHaveText(firstOnPage1);
  await pager.getByRole("button", { name: "Previous" }).click();
  await expect(pager.getByText(/^Page 1 of \d+$/)).toBeVisible();
});
