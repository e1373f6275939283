import AxeBuilder from "@axe-core/playwright";
import { readFileSync } from "fs";
import { APIRequestContext, expect, Page, test } from "@playwright/test";
import { ADMIN, AGENT, JEAN, hydrated, signIn } from "./helpers";

// The seed's "Admin Testing" checklist, item by item, on the demo data. Updates are captured
// through the API by the agent (as the modal would), each on a customer no other test touches.

type Captured = { id: number; policy_number: string };

async function capture(request: APIRequestContext, customerId: string, change: object): Promise<Captured> {
  const response = await request.post("/v1/customer_contact_updates", {
    data: { customer_id: customerId, update_reason: "Customer provided new contact", ...change },
  });
  expect(response.status()).toBe(201);
  return response.json();
}

/** Today in the business time zone (Indian/Mauritius, UTC+4, no DST). */
function businessDay(offsetDays = 0): string {
  return new Date(Date.now() + 4 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

async function applyFilter(page: Page, fill: () => Promise<void>) {
  await fill();
  await page.getByRole("button", { name: "Apply filters" }).click();
}

function row(page: Page, id: number) {
  return page.locator(`tr[data-update-id="${id}"]`);
}

test("an admin reviews, filters, syncs and rejects contact updates", async ({ page, browser }) => {
  // An agent captures four corrections.
  const agentPage = await browser.newPage();
  await signIn(agentPage, AGENT);
  const mobileOnly = await capture(agentPage.request, "20049", { new_mobile: "5811 0049" });
  const emailOnly = await capture(agentPage.request, "20056", { new_email: "report.e2e@example.mu" });
  const both = await capture(agentPage.request, "20063", { new_mobile: "5811 0021", new_email: "both.e2e@example.mu" });
  const toReject = await capture(agentPage.request, "20070", { new_mobile: "5811 0028" });
  // "Contact Updates" is not in an agent's menu.
  await expect(agentPage.getByRole("link", { name: "Contact Updates" })).toHaveCount(0);
  await agentPage.close();
  // A second agent captures one, so the agent filter has something to leave out.
  const jeanPage = await browser.newPage();
  await signIn(jeanPage, JEAN);
  const byJean = await capture(jeanPage.request, "20077", { new_mobile: "5811 0077" });
  await jeanPage.close();

  // The menu item appears for the admin, and the report loads with every update in the table.
  await signIn(page, ADMIN);
  await page.getByRole("link", { name: "Contact Updates" }).click();
  await expect(page.getByRole("heading", { name: "Contact Updates" })).toBeVisible();
  await hydrated(page);
  for (const u of [mobileOnly, emailOnly, both, toReject]) {
    await expect(row(page, u.id)).toContainText("Pending");
  }
  await expect(row(page, mobileOnly.id)).toContainText("→ 5811 0049");
  await expect(row(page, emailOnly.id)).toContainText("report.e2e@example.mu");

  // Filter by status, agent and date range; each lands in the URL.
  await applyFilter(page, () => page.getByLabel("Status").selectOption("pending"));
  await expect(page).toHaveURL(/status=pending/);
  await expect(page.locator("tr[data-status=synced]")).toHaveCount(0);
  await applyFilter(page, () => page.getByLabel("Agent").selectOption({ label: AGENT.name }));
  await expect(page).toHaveURL(/agent_id=\d+/);
  await expect(row(page, both.id)).toBeVisible();
  await expect(row(page, byJean.id)).toHaveCount(0);
  await applyFilter(page, () => page.getByLabel("Agent").selectOption({ label: JEAN.name }));
  await expect(row(page, byJean.id)).toBeVisible();
  await expect(row(page, both.id)).toHaveCount(0);
  await applyFilter(page, () => page.getByLabel("Agent").selectOption({ label: AGENT.name }));
  await applyFilter(page, async () => {
    await page.getByLabel("From").fill(businessDay());
    await page.getByLabel("To (inclusive)").fill(businessDay());
  });
  await expect(row(page, both.id)).toBeVisible();
  await applyFilter(page, () => page.getByLabel("From").fill(businessDay(1)).then(() => page.getByLabel("To (inclusive)").fill(businessDay(1))));
  await expect(page.getByText("No contact update matches this filter.")).toBeVisible();
  // Back returns to the previous filter.
  await page.goBack();
  await expect(row(page, both.id)).toBeVisible();

  // Search by policy number and by customer name.
  await page.goto("/admin/contact-updates");
  await hydrated(page);
  await applyFilter(page, () => page.getByLabel("Policy number or customer name").fill(both.policy_number));
  await expect(page.getByTestId("report-total")).toHaveText("1 update matches (new leads left out)");
  const name = (await row(page, both.id).getByRole("link").textContent())!.trim();
  await applyFilter(page, () => page.getByLabel("Policy number or customer name").fill(name.split(" ")[1]));
  await expect(row(page, both.id)).toBeVisible();

  // Mark one as synced, after a confirmation.
  await page.goto("/admin/contact-updates?status=pending");
  await hydrated(page);
  await row(page, mobileOnly.id).getByRole("button", { name: "Sync" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading")).toHaveText("Mark 1 update as synced?");
  await dialog.getByRole("button", { name: "Mark as synced" }).click();
  await expect(page.getByRole("status").filter({ hasText: "marked as synced" })).toHaveText("1 update marked as synced");
  await expect(row(page, mobileOnly.id)).toHaveCount(0);

  // Bulk: two rows ticked, the count stated before anything happens.
  await page.goto("/admin/contact-updates");
  await hydrated(page);
  await row(page, emailOnly.id).getByRole("checkbox").check();
  await row(page, both.id).getByRole("checkbox").check();
  await page.getByTestId("sync-selected").click();
  await expect(dialog.getByRole("heading")).toHaveText("Mark 2 updates as synced?");
  await dialog.getByRole("button", { name: "Mark as synced" }).click();
  await expect(page.getByRole("status").filter({ hasText: "marked as synced" })).toHaveText("2 updates marked as synced");
  await expect(row(page, emailOnly.id)).toContainText("Synced");
  await expect(row(page, both.id)).toContainText(`by ${ADMIN.name}`);
  await expect(row(page, mobileOnly.id)).toContainText("Synced");

  // Reject needs a reason; with one, the row says why.
  await row(page, toReject.id).getByRole("button", { name: "Reject" }).click();
  await expect(dialog.getByLabel("Reason for rejecting (required)")).toBeFocused();
  await dialog.getByRole("button", { name: "Reject update" }).click();
  await expect(dialog.getByRole("alert")).toContainText("Say why this update is rejected.");
  await dialog.getByLabel("Reason for rejecting (required)").fill("Customer denies calling");
  await page.keyboard.press("Control+Enter");
  await expect(row(page, toReject.id)).toContainText("Rejected");
  await expect(row(page, toReject.id)).toContainText("Why: Customer denies calling");

  // Filter by status: synced shows the three synced and neither the rejected nor a pending one.
  await applyFilter(page, () => page.getByLabel("Status").selectOption("synced"));
  await expect(page).toHaveURL(/status=synced/);
  for (const u of [mobileOnly, emailOnly, both]) {
    await expect(row(page, u.id)).toContainText("Synced");
  }
  await expect(row(page, toReject.id)).toHaveCount(0);
  await expect(row(page, byJean.id)).toHaveCount(0);
  await expect(page.locator("tr[data-status=pending]")).toHaveCount(0);
  await applyFilter(page, () => page.getByLabel("Status").selectOption("rejected"));
  await expect(row(page, toReject.id)).toBeVisible();
  await expect(page.locator("tr[data-status=synced]")).toHaveCount(0);
});

test("pagination and select all matching this filter", async ({ page, browser }) => {
  const agentPage = await browser.newPage();
  await signIn(agentPage, AGENT);
  let policy = "";
  for (let i = 0; i < 26; i++) {
    // The same customer corrected back and forth: 26 real changes.
    const u = await capture(agentPage.request, "20035", { new_mobile: i % 2 ? "5822 0035" : "5833 0035" });
    policy = u.policy_number;
  }
  await agentPage.close();

  await signIn(page, ADMIN);
  await page.goto(`/admin/contact-updates?q=${encodeURIComponent(policy)}&size=25`);
  await hydrated(page);
  await expect(page.getByTestId("report-total")).toHaveText("26 updates match (new leads left out)");
  await expect(page.locator("tbody tr")).toHaveCount(25);
  const pager = page.getByRole("navigation", { name: "Report pages" });
  await expect(pager).toContainText("Page 1 of 2");
  await pager.getByRole("button", { name: "Next" }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.locator("tbody tr")).toHaveCount(1);
  await page.goBack();
  await expect(page.locator("tbody tr")).toHaveCount(25);

  await page.getByLabel("Select the pending updates on this page").check();
  await expect(page.getByTestId("sync-selected")).toHaveText("Mark as synced (25)");
  await page.getByTestId("select-all-matching").click();
  await expect(page.getByTestId("sync-selected")).toHaveText("Mark as synced (all 26 matching)");
  await page.getByTestId("sync-selected").click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading")).toHaveText("Mark all 26 matching updates as synced?");
  await dialog.getByRole("button", { name: "Mark all as synced" }).click();
  await expect(page.getByRole("status").filter({ hasText: "marked as synced" })).toHaveText("26 updates marked as synced");
  await expect(page.locator("tr[data-status=pending]")).toHaveCount(0);
});

test("the report passes axe, and agents get the refusal instead", async ({ page, browser }) => {
  await signIn(page, ADMIN);
  await page.goto("/admin/contact-updates");
  await hydrated(page);
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
    .analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);

  const agent = await browser.newPage();
  await signIn(agent, AGENT);
  const response = await agent.goto("/admin/contact-updates");
  expect(response?.status()).toBe(403);
  await expect(agent.getByRole("heading", { name: "No access" })).toBeVisible();
  await expect(agent.locator("table")).toHaveCount(0);
  await agent.close();
});

test("export CSV and Excel of a filter, then mark exactly that export as synced", async ({ page, browser }) => {
  const agentPage = await browser.newPage();
  await signIn(agentPage, AGENT);
  const u = await capture(agentPage.request, "20042", { new_mobile: "5811 0042", notes: "=1+1" });
  await agentPage.close();

  await signIn(page, ADMIN);
  await page.goto(`/admin/contact-updates?q=${encodeURIComponent(u.policy_number)}`);
  await hydrated(page);
  await expect(row(page, u.id)).toBeVisible();

  const csvDownload = page.waitForEvent("download");
  await page.getByTestId("export-csv").click();
  const csv = await csvDownload;
  expect(csv.suggestedFilename()).toMatch(/^contact-updates-\d+\.csv$/);
  const text = readFileSync(await csv.path(), "utf8");
  const lines = text.replace(/^\uFEFF/, "").trim().split("\r\n");
  expect(lines[0]).toBe(
    "id,customer_id,policy_number,customer_name,old_mobile,new_mobile,old_mobile_e164,new_mobile_e164," +
      "old_email,new_email,update_reason,notes," +
      "agent_id,agent_name,captured_at,status,synced_at,synced_by,rejected_at,rejected_by,reject_reason",
  );
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(u.policy_number);
  // The master system's form (8 digits) for new_mobile, the E.164 beside it.
  expect(lines[1]).toContain(",58110042,");
  expect(lines[1]).toContain("+23058110042");
  expect(lines[1]).toContain("'=1+1");
  const exportId = Number(csv.suggestedFilename().match(/(\d+)/)![1]);
  await expect(page.getByRole("status").filter({ hasText: `Export ${exportId} is ready` })).toContainText("1 row (CSV)");

  const xlsxDownload = page.waitForEvent("download");
  await page.getByTestId("export-xlsx").click();
  expect((await xlsxDownload).suggestedFilename()).toMatch(/^contact-updates-\d+\.xlsx$/);

  // A correction captured after the export is not synced with it.
  const later = await (async () => {
    const p = await browser.newPage();
    await signIn(p, AGENT);
    const c = await capture(p.request, "20042", { new_email: "after.export@example.mu" });
    await p.close();
    return c;
  })();
  await page.reload();
  await hydrated(page);
  const exportRow = page.locator(`tr[data-export-id="${exportId}"]`);
  await exportRow.getByRole("button", { name: "Mark synced" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading")).toHaveText(`Mark export ${exportId} as synced?`);
  await dialog.getByRole("button", { name: "Mark export as synced" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Export ${exportId}:` })).toHaveText(
    `Export ${exportId}: 1 update marked as synced`,
  );
  await expect(row(page, u.id)).toContainText("Synced");
  await expect(row(page, later.id)).toContainText("Pending");
});

test("the admin's overview shows the sync dashboard with its chart, and Activity lists what admins did", async ({ page }) => {
  await signIn(page, ADMIN);
  await expect(page.getByRole("heading", { name: "Contact updates" })).toBeVisible();
  const chart = page.getByTestId("updates-chart");
  await expect(chart).toBeVisible();
  // Readable without the picture: its description, and the figures as a table.
  await expect(chart.locator("desc")).toContainText("in the last 30 days");
  await page.getByText("The figures as a table").click();
  await expect(page.getByRole("columnheader", { name: "Customer provided new contact" })).toBeVisible();
  await expect(page.getByTestId("pending-count")).toHaveText(/^\d+$/);
  await page.getByTestId("pending-count").getByRole("link").click();
  await expect(page).toHaveURL(/\/admin\/contact-updates\?status=pending/);

  await page.getByRole("link", { name: "Activity" }).click();
  await expect(page.getByRole("heading", { name: "Activity" })).toBeVisible();
  await hydrated(page);
  await expect(page.locator("tr[data-action]").first()).toBeVisible();
  await page.getByLabel("Action").selectOption({ label: "Contact updates synced" });
  await expect(page).toHaveURL(/action=contact_updates.sync/);
  await expect(page.locator("tr[data-action]").first()).toHaveAttribute("data-action", "contact_updates.sync");
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
    .analyze();
  expect(results.violations.map((v) => v.id)).toEqual([]);
});
