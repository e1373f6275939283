import { expect, test } from "@playwright/test";
import { ADMIN, AGENT, hydrated, signIn } from "./helpers";

test("an admin creates an agent, who then signs in", async ({ page, browser }) => {
  await signIn(page, ADMIN);
  await page.goto("/admin/users");
  await hydrated(page);

  // The server's check: a too-short password is refused under its field.
  await page.getByLabel("Username").fill("kavita");
  await page.getByLabel("Full name").fill("Kavita Dookhun");
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByLabel("Password", { exact: true }).evaluate((el) => el.removeAttribute("minlength"));
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByText("Password must be at least 10 characters.")).toBeVisible();

  await page.getByLabel("Password", { exact: true }).fill("kavita-password-1");
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByRole("status")).toContainText("Kavita Dookhun can now sign in as kavita");
  await expect(page.locator("tr[data-username=kavita]")).toContainText("Active");

  const other = await browser.newPage();
  await signIn(other, { username: "kavita", password: "kavita-password-1" });
  await expect(other.getByTestId("user-name")).toHaveText("Kavita Dookhun");
  await other.close();
});

test("an agent who opens the admin page is refused", async ({ page }) => {
  await signIn(page, AGENT);
  const response = await page.goto("/admin/users");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("alert")).toContainText("You do not have access");
});
