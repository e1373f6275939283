import { expect, test } from "@playwright/test";
import { ADMIN, AGENT, hydrated, signIn } from "./helpers";

// The checklist's "Updated contact is used when generating QR" and "QR email goes to new email
// address", end to end: capture an email, generate the QR, email it, find it in the outbox.
test("the QR code is emailed to the address the agent just captured", async ({ page }) => {
  const newEmail = `ibrahim.${Date.now()}@example.mu`;
  await signIn(page, AGENT);
  await page.goto(`/customers?q=${encodeURIComponent("ibrahim joomun")}`);
  await hydrated(page);
  await page.getByRole("link", { name: "Ibrahim Joomun" }).first().click();
  await expect(page.getByTestId("customer-name")).toHaveText("Ibrahim Joomun");

  // No email yet: the QR shows, and the agent is told how to send it.
  const generate = page.getByRole("button", { name: "Generate QR" });
  await generate.click();
  let dialog = page.getByRole("dialog", { name: "Payment QR Code" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("img", { name: "Payment QR code for policy LIB/C7001" })).toBeVisible();
  await expect(dialog.getByTestId("qr-amount")).toHaveText("MUR 1,250.00");
  await expect(dialog.getByText("no email address yet")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(generate).toBeFocused();

  // Capture the email.
  await page.getByRole("button", { name: "Update Contact" }).click();
  const update = page.getByRole("dialog", { name: "Update Customer Contact Information" });
  await update.getByLabel("New email address").fill(newEmail);
  await update.getByLabel("Update reason").selectOption("Current contact is missing");
  await update.getByRole("button", { name: "Save & Continue" }).click();
  await expect(page.getByText("Contact information updated successfully!")).toBeVisible();

  // The QR email now goes to it.
  await generate.click();
  dialog = page.getByRole("dialog", { name: "Payment QR Code" });
  await expect(dialog.getByTestId("qr-email")).toHaveText(newEmail);
  await expect(dialog.getByTestId("qr-payload")).toContainText("LIB/C7001");
  // Download PNG: the same image as the email's, named after the policy.
  const downloading = page.waitForEvent("download");
  await dialog.getByRole("link", { name: "Download PNG" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("payment-qr-LIB-C7001.png");
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
  expect(Buffer.concat(chunks).subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");

  await dialog.getByRole("button", { name: "Send by email" }).click();
  await expect(dialog.getByRole("status")).toContainText(`QR code email queued for ${newEmail}`);
  await dialog.getByRole("button", { name: "Close" }).last().click();
  await expect(dialog).toHaveCount(0);

  // What was sent shows on the customer page: address, policy, amount, who, delivery. The mail
  // server takes 2 s over it: the page shows it queued, then sent, without a reload.
  const sent = page.getByTestId("contact-messages").getByRole("row").filter({ hasText: newEmail });
  await expect(sent).toContainText("LIB/C7001");
  await expect(sent).toContainText("MUR 1,250.00");
  await expect(sent).toContainText("Priya Ramdin");
  await expect(sent.locator('[data-status="queued"]')).toBeVisible();
  const loads: string[] = [];
  page.on("framenavigated", (frame) => loads.push(frame.url()));
  await expect(sent.locator('[data-status="sent"]')).toContainText("Sent", { timeout: 15_000 });
  expect(loads).toEqual([]);

  // The agent has no outbox; the admin sees the message addressed to the new email.
  await expect(page.getByRole("link", { name: "Email outbox" })).toHaveCount(0);
  await page.goto("/admin/outbox");
  await expect(page.getByText("You do not have access to this.")).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await signIn(page, ADMIN);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Email outbox" }).click();
  const row = page.getByTestId("outbox").getByRole("row").filter({ hasText: newEmail });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Your payment QR code for policy LIB/C7001");
  await expect(row).toContainText("Priya Ramdin");
  await expect(row).toContainText("Sent");

  // Filter by status and find by address: the filter lives in the URL.
  await page.getByLabel("Status").selectOption("sent");
  await page.getByLabel("Address, policy or #number").fill(newEmail);
  await page.getByLabel("Address, policy or #number").press("Enter");
  await expect(page).toHaveURL(/status=sent/);
  await expect(page.getByRole("status").filter({ hasText: "1 message" })).toBeVisible();
  await expect(page.getByTestId("outbox").getByRole("row")).toHaveCount(2);
  await page.getByLabel("Status").selectOption("failed");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByText("No messages match.")).toBeVisible();
});
