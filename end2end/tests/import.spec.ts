import { expect, test } from "@playwright/test";
import path from "node:path";
import { ADMIN, AGENT, hydrated, signIn } from "./helpers";

test("an admin imports the sample master export and sees the report", async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Import" }).click();
  await hydrated(page);

  await page.getByLabel("CSV file").setInputFiles(path.join(__dirname, "../../public/samples/master-export-sample.csv"));
  await page.getByRole("button", { name: "Import" }).click();

  await expect(page.getByRole("status")).toContainText("6 rows: 4 inserted, 0 updated, 1 unchanged, 1 rejected");
  const rejected = page.getByRole("row").filter({ hasText: "The part after @" });
  await expect(rejected).toHaveCount(1);
  await expect(rejected.getByRole("cell").first()).toHaveText("7");
  await expect(rejected.getByRole("cell").nth(1)).toHaveText("email");

  await page.goto("/customers?q=ibrahim.joomun%40gmail.com");
  await expect(page.getByRole("link", { name: "Ibrahim Joomun" })).toHaveCount(1);
});

test("agents see no Import page", async ({ page }) => {
  await signIn(page, AGENT);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Import" })).toHaveCount(0);
});
