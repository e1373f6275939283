import { Browser, expect, Page, test } from "@playwright/test";
import { ADMIN, AGENT } from "./helpers";

// The admin's forms with JavaScript disabled (the WASM blocked, or not arrived yet): each posts
// natively, a success lands where the hydrated app would, a refusal comes back to the same page
// with the message beside the form and the typed values kept, never a password.

async function adminWithoutJs(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  return page;
}

test("Admin → Users without JavaScript: create (refused, then taken), reset password, deactivate", async ({ browser }) => {
  const page = await adminWithoutJs(browser);
  await page.goto("/admin/users");
  const form = page.getByRole("region", { name: "New user" });

  // A username that exists: refused, the typed name and role kept, the password not.
  await form.getByLabel("Username").fill("priya");
  await form.getByLabel("Full name").fill("Second Priya");
  await form.getByLabel("Role").selectOption("admin");
  await form.getByLabel("Password").fill("long-enough-password");
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(page).toHaveURL(/\/admin\/users/);
  await expect(form.getByText(/already/i)).toBeVisible();
  await expect(form.getByLabel("Username")).toHaveValue("priya");
  await expect(form.getByLabel("Full name")).toHaveValue("Second Priya");
  await expect(form.getByLabel("Role")).toHaveValue("admin");
  await expect(form.getByLabel("Password")).toHaveValue("");

  const username = `nojs${Date.now() % 100000}`;
  await form.getByLabel("Username").fill(username);
  await form.getByLabel("Password").fill("long-enough-password");
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Second Priya can now sign in as ${username}.` })).toBeVisible();
  const row = page.locator(`tr[data-username="${username}"]`);
  await expect(row).toContainText("Admin");
  // The page is as after a plain load: the form is empty again.
  await expect(page.getByRole("region", { name: "New user" }).getByLabel("Username")).toHaveValue("");

  await row.getByText("Reset password").click();
  await row.getByLabel(`New password for ${username}`).fill("another-long-password");
  await row.getByRole("button", { name: "Set password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Password reset." })).toBeVisible();

  await page.locator(`tr[data-username="${username}"]`).getByRole("button", { name: `Deactivate ${username}` }).click();
  await expect(page.locator(`tr[data-username="${username}"]`)).toContainText("Deactivated");
  await page.context().close();
});

test("Admin → Tokens without JavaScript: a refused token keeps its choices, an issued one is shown once, revoke", async ({
  browser,
}) => {
  const page = await adminWithoutJs(browser);
  await page.goto("/admin/tokens");
  const form = page.getByRole("region", { name: "New token" });
  await form.getByLabel("User").selectOption("priya");
  await form.getByLabel("Scope").selectOption("api");
  // Spaces pass the browser's `required`; the server refuses a blank name.
  await form.getByLabel("Name").fill("   ");
  await form.getByRole("button", { name: "Create token" }).click();
  await expect(page).toHaveURL(/\/admin\/tokens/);
  await expect(form.locator(".field-error, [role=alert]").first()).toBeVisible();
  await expect(form.getByLabel("User")).toHaveValue("priya");
  await expect(form.getByLabel("Scope")).toHaveValue("api");

  const name = `No-JS integration ${Date.now() % 100000}`;
  await form.getByLabel("Name").fill(name);
  await form.getByRole("button", { name: "Create token" }).click();
  const issued = page.getByRole("status").filter({ hasText: `Token “${name}” issued` });
  await expect(issued).toBeVisible();
  await expect(issued.getByLabel("New token")).toHaveValue(/.{20,}/);
  // Shown only this once: a reload does not show it again.
  await page.reload();
  await expect(page.getByText(`Token “${name}” issued`)).toHaveCount(0);
  await expect(page.locator("tr", { hasText: name })).toContainText("Active");

  // Revoke: the page asking, its form posted, back on the list with the token revoked.
  await page.getByRole("button", { name: `Revoke ${name}` }).click();
  await expect(page).toHaveURL(/\/admin\/tokens\?revoke=\d+/);
  const asking = page.getByRole("dialog", { name: `Revoke “${name}”?` });
  await expect(asking).toBeVisible();
  await asking.getByRole("button", { name: "Revoke token" }).click();
  await expect(page).toHaveURL(/\/admin\/tokens$/);
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page.locator("tr", { hasText: name })).toContainText("Revoked");
  await page.context().close();
});

test("the report's filter without JavaScript is a plain GET form", async ({ browser }) => {
  const page = await adminWithoutJs(browser);
  await page.goto("/admin/contact-updates");
  const filter = page.getByRole("search", { name: "Filter contact updates" });
  await filter.getByLabel("Status").selectOption("pending");
  await filter.getByRole("button", { name: /filter|apply/i }).click();
  await expect(page).toHaveURL(/status=pending/);
  await expect(page.getByTestId("report-total")).toBeVisible();
  await expect(page.locator("tbody tr[data-status]").first()).toHaveAttribute("data-status", "pending");
  await page.context().close();
});

test("New contact and Edit without JavaScript: the page with the dialog open, refusals kept, success on the contact", async ({
  browser,
}) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Username").fill(AGENT.username);
  await page.getByLabel("Password").fill(AGENT.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();

  await page.goto("/contacts");
  await page.getByRole("button", { name: "New contact" }).click();
  await expect(page).toHaveURL(/\/contacts\?new=1/);
  let dialog = page.getByRole("dialog", { name: "New contact" });
  await expect(dialog).toBeVisible();
  const name = `No-JS Lead ${Date.now() % 100000}`;
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Mobile").fill("123");
  await dialog.getByRole("button", { name: "Create contact" }).click();
  // Refused: the same dialog, the message beside the field, what was typed still there.
  dialog = page.getByRole("dialog", { name: "New contact" });
  await expect(dialog).toBeVisible();
  await expect(dialog.locator(".field-error")).toBeVisible();
  await expect(dialog.getByLabel("Name")).toHaveValue(name);
  await expect(dialog.getByLabel("Mobile")).toHaveValue("123");
  const mobile = `57${String(Date.now()).slice(-6)}`; // 57…: a Mauritian mobile range throughout
  // A second refusal says its own message, not the first's.
  await dialog.getByLabel("Mobile").fill("4737 2333");
  await dialog.getByRole("button", { name: "Create contact" }).click();
  dialog = page.getByRole("dialog", { name: "New contact" });
  await expect(dialog.locator(".field-error")).toContainText("starts with 5");
  await dialog.getByLabel("Mobile").fill(mobile);
  await dialog.getByRole("button", { name: "Create contact" }).click();
  // Taken: on the new contact's page, as the hydrated dialog goes.
  await expect(page).toHaveURL(/\/contacts\/\d+$/);
  await expect(page.getByTestId("customer-name")).toHaveText(name);

  await page.getByRole("button", { name: "Edit" }).click();
  await expect(page).toHaveURL(/\?edit=1/);
  dialog = page.getByRole("dialog", { name: "Edit contact" });
  await dialog.getByLabel("Name").fill(" ");
  await dialog.getByRole("button", { name: "Save" }).click();
  dialog = page.getByRole("dialog", { name: "Edit contact" });
  await expect(dialog.locator(".field-error")).toBeVisible();
  await dialog.getByLabel("Name").fill(`${name} Renamed`);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/contacts\/\d+$/);
  await expect(page.getByTestId("customer-name")).toHaveText(`${name} Renamed`);
  await expect(page.getByRole("dialog")).toHaveCount(0);

  // Cancel is a link back to the page without the dialog.
  await page.getByRole("button", { name: "Edit" }).click();
  await page.getByRole("dialog", { name: "Edit contact" }).getByRole("link", { name: "Cancel" }).click();
  await expect(page).toHaveURL(/\/contacts\/\d+$/);
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await context.close();
});

test("Import without JavaScript: the file posted natively, the report (first lines) or the refusal on the page", async ({
  browser,
}) => {
  const page = await adminWithoutJs(browser);
  await page.goto("/admin/import");
  // Twelve rows the import cannot take (the amount is not money) and one it can.
  const bad = Array.from({ length: 12 }, (_, i) => `${39100 + i},No-JS Row ${i},LIB/N${i},,,not-money,pending`);
  const csv = ["customer_id,name,policy_number,mobile,email,amount_due,payment_status", ...bad,
    "39200,No-JS Good Row,LIB/N99,,,10.00,pending"].join("\n");
  await page.getByLabel("CSV file").setInputFiles({ name: "no-js.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page).toHaveURL(/\/admin\/import\??$/);
  await expect(page.getByRole("status")).toContainText("13 rows: 1 inserted, 0 updated, 0 unchanged, 12 rejected");
  await expect(page.locator("table tbody tr")).toHaveCount(8);
  await expect(page.getByText("… and 4 more rejected lines.")).toBeVisible();

  // Refused: an empty file, the message on the page.
  await page.getByLabel("CSV file").setInputFiles({ name: "empty.csv", mimeType: "text/csv", buffer: Buffer.from("") });
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByRole("alert")).toHaveText("The file is empty.");
  await page.context().close();
});
