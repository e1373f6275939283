import { expect, test } from "@playwright/test";
import { AGENT, hydrated, signIn } from "./helpers";

// The seed's promise: an agent corrects contact data in seconds. Here with the keyboard only,
// counting every key that is not part of the typed text.
test("a whole correction by keyboard: at most 8 key presses besides the typed text", async ({ page }) => {
  await signIn(page, AGENT);
  // A generated demo customer with a mobile, which no other test touches (those use the fixed
  // customers LIB/C7001–C7013).
  const found = await page.request.post("/api/customers/search", { form: { q: "LIB/C9", page: "1" } });
  expect(found.ok()).toBe(true);
  const hit = (await found.json()).hits.find((h: { mobile?: string }) => h.mobile);
  expect(hit.mobile).toMatch(/^\+2305\d{7}$/);
  const national = `${hit.mobile.slice(4, 8)} ${hit.mobile.slice(8)}`; // as an agent reads it out
  const newMobile = `58${hit.mobile.slice(-6)}`; // 58… is a valid Mauritian mobile range

  await page.goto("/");
  await hydrated(page);
  let presses = 0;
  const press = async (key: string) => {
    presses += 1;
    await page.keyboard.press(key);
  };

  await press("/");
  await page.keyboard.type(national);
  await press("Enter"); // at once: the search may still be running
  await expect(page.getByTestId("customer-name")).toHaveText(hit.name);
  await press("u");
  const dialog = page.getByRole("dialog", { name: "Update Customer Contact Information" });
  await expect(dialog.getByLabel("New mobile number")).toBeFocused();
  await page.keyboard.type(newMobile);
  await press("Tab"); // email
  await press("Tab"); // reason
  await expect(dialog.getByLabel("Update reason")).toBeFocused();
  await press("ArrowDown"); // the first reason
  await press("Control+Enter"); // save from anywhere in the dialog

  await expect(page.getByText("Contact information updated successfully")).toBeVisible();
  await expect(page.getByTestId("mobile")).toContainText(`${newMobile.slice(0, 4)} ${newMobile.slice(4)}`);
  await expect(page.getByRole("button", { name: "Update Contact" })).toBeFocused();
  expect(presses).toBeLessThanOrEqual(8);
});
