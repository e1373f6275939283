import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { ADMIN, AGENT, hydrated, signIn } from "./helpers";

test("an agent creates a contact by keyboard, edits it, and finds it highlighted among the New Leads", async ({ page }) => {
  await signIn(page, AGENT);
  // A relative already on file with the number (its own number, so no other test sees a change).
  const ravi = await page.request.post("/api/contacts/create", {
    form: { name: "Ravi Anderson", mobile: "5930 1001", email: "", shared_phone: "true" },
  });
  expect(ravi.ok()).toBe(true);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Contacts" }).click();
  await expect(page.getByRole("heading", { name: "Contacts", level: 1 })).toBeVisible();
  await hydrated(page);

  const open = page.getByRole("button", { name: "New contact" });
  await open.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "New contact" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel("Name")).toBeFocused();

  // The browser runs the rules first: nothing is sent while a field is wrong.
  await page.keyboard.press("Control+Enter");
  await expect(dialog.getByText("Enter the contact's name.")).toBeVisible();
  await expect(dialog.getByText("Enter a mobile number or an email address (or both).")).toBeVisible();
  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]).analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);

  // Ravi's number: the server names him, and the agent confirms the family shares the phone.
  await dialog.getByLabel("Name").fill("Lisa Anderson Curepipe");
  await dialog.getByLabel("Mobile").fill("5930 1001");
  await page.keyboard.press("Control+Enter");
  await expect(dialog.getByRole("alert")).toContainText("Ravi Anderson");
  await dialog.getByLabel(/They share this phone/).check();
  await dialog.getByLabel("Email").fill("lisa.anderson@example.mu");
  await page.keyboard.press("Control+Enter");

  await expect(page).toHaveURL(/\/contacts\/\d+$/);
  await expect(page.getByTestId("customer-name")).toHaveText("Lisa Anderson Curepipe");
  await expect(page.getByTestId("contact-status")).toHaveText("New Lead");
  await expect(page.getByTestId("mobile")).toContainText("5930 1001");
  await expect(page.getByRole("heading", { name: "Contact Information" })).toBeVisible();

  // Edit: name and status, by keyboard; focus comes back to Edit.
  const edit = page.getByRole("button", { name: "Edit", exact: true });
  await edit.focus();
  await page.keyboard.press("Enter");
  const editing = page.getByRole("dialog", { name: "Edit contact" });
  await expect(editing.getByLabel("Name")).toBeFocused();
  await editing.getByLabel("Name").fill("Lisa Anderson-Ramdin");
  await page.keyboard.press("Enter");
  await expect(editing).toBeHidden();
  await expect(page.getByTestId("customer-name")).toHaveText("Lisa Anderson-Ramdin");
  await expect(edit).toBeFocused();

  // The Contacts list, New Leads only: she is there, highlighted.
  await page.getByRole("link", { name: "← Contacts" }).click();
  await page.getByLabel("Status").selectOption("new_lead");
  await expect(page).toHaveURL(/status=new_lead/);
  const row = page.locator("tr.new-lead", { hasText: "Lisa Anderson-Ramdin" });
  await expect(row).toBeVisible();
  await expect(row.locator('[data-status="new_lead"]')).toHaveText("New Lead");
  await expect(page.locator('tbody [data-status="customer"]')).toHaveCount(0);
  // And the search box finds her by the new name.
  await page.keyboard.press("/");
  await page.keyboard.type("anderson-ramdin");
  await expect(page.getByRole("link", { name: "Lisa Anderson-Ramdin" })).toBeVisible();
});

test("an admin deletes a contact entered by mistake; a customer with policies offers no Delete", async ({ page }) => {
  await signIn(page, ADMIN);
  await page.goto("/contacts");
  await hydrated(page);
  await page.getByRole("button", { name: "New contact" }).click();
  const dialog = page.getByRole("dialog", { name: "New contact" });
  await dialog.getByLabel("Name").fill("Wrong Entry");
  await dialog.getByLabel("Email").fill("wrong.entry@example.mu");
  await dialog.getByRole("button", { name: "Create contact" }).click();
  await expect(page.getByTestId("customer-name")).toHaveText("Wrong Entry");

  await page.getByRole("button", { name: "Delete" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete Wrong Entry?" });
  await confirm.getByRole("button", { name: "Delete contact" }).click();
  await expect(page).toHaveURL(/\/contacts$/);
  await page.keyboard.press("/");
  await page.keyboard.type("wrong entry");
  await expect(page.getByText("No contact matches.")).toBeVisible();

  await page.getByLabel("Search contacts").fill("LIB/C7013");
  await page.getByLabel("Search contacts").press("Enter");
  await expect(page.getByTestId("customer-name")).toHaveText("Kevin Anderson Curepipe");
  await expect(page.getByRole("button", { name: "Edit", exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Delete" })).toHaveCount(0);
});
