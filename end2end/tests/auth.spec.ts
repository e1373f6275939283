import { expect, test } from "@playwright/test";
import { ADMIN, AGENT, JEAN, hydrated, signIn } from "./helpers";

test("an agent signs in, sees only agent navigation, and signs out", async ({ page }) => {
  await signIn(page, AGENT);

  await expect(page.getByTestId("user-name")).toHaveText(AGENT.name);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Overview" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Users" })).toHaveCount(0);
  await expect(page.getByText("Demo data")).toBeVisible();
  await expect(page.getByRole("region", { name: "Customers" })).toContainText("200");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  // The session is over on the server: a protected page sends us back to sign in.
  await page.goto("/");
  await expect(page).toHaveURL(/\/login\?next=/);
});

test("an admin sees the admin section and the users list", async ({ page }) => {
  await signIn(page, ADMIN);

  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: "Users" }).click();

  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
  await expect(page.locator("tr[data-username=priya]")).toContainText("Priya Ramdin");
  await expect(page.getByRole("region", { name: "Active users" })).toHaveCount(0); // on Overview only

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
});

test("a wrong password shows the generic error and stays signed out", async ({ page }) => {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Username").fill(AGENT.username);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();

  await expect(page.getByRole("alert")).toHaveText("Wrong username or password.");
  await expect(page).toHaveURL(/\/login/);

  // An unknown user gets the very same words.
  await page.getByLabel("Username").fill("nobody-here");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Wrong username or password.");
});

test("signing in and out works without JavaScript: an error is said on the sign-in page", async ({ browser }) => {
  // As on a slow link before the WASM arrives, or where it is blocked: the forms post natively.
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Username").fill("nobody-without-js");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  // Back on the sign-in page with the message, never a bare error body.
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole("alert")).toHaveText("Wrong username or password.");
  // The username typed is kept, never the password.
  await expect(page.getByLabel("Username")).toHaveValue("nobody-without-js");
  await expect(page.getByLabel("Password")).toHaveValue("");

  // The admin: the test before this one failed the agent's sign-in, who waits a second now.
  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await context.close();
});

test("after a failure the next try waits a second, and the page says so", async ({ page }) => {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Username").fill(JEAN.username);
  await page.getByLabel("Password").fill("a-typo-typo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Wrong username or password.");

  await page.getByLabel("Password").fill(JEAN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Too many failed sign-in attempts. Try again in 1 second.");

  // A second later the same form signs in: a typo costs a second, not a lock-out.
  await expect(async () => {
    if (page.url().includes("/login")) {
      await page.getByLabel("Password").fill(JEAN.password, { timeout: 1_000 });
      await page.getByRole("button", { name: "Sign in" }).click({ timeout: 1_000 });
    }
    await expect(page).not.toHaveURL(/\/login/, { timeout: 1_000 });
  }).toPass({ timeout: 10_000 });
  await expect(page.getByTestId("user-name")).toHaveText(JEAN.name);
});

test("a deep link survives sign-in", async ({ page }) => {
  await page.goto("/admin/users");
  await expect(page).toHaveURL(/\/login\?next=\/admin\/users/);
  await hydrated(page);
  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
});
