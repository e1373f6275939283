import { APIRequestContext, expect, Locator, test } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { ADMIN, AGENT, hydrated, signIn } from "./helpers";

/** A real WAV recording: 8 kHz, 16-bit mono, `seconds` of a 440 Hz tone. */
function wav(seconds: number): Buffer {
  const rate = 8000;
  const samples = rate * seconds;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), i * 2);
  const header = Buffer.alloc(44);
  header.write("RIFF", 0, "latin1");
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVEfmt ", 8, "latin1");
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36, "latin1");
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** An upload token for Priya, issued through the admin's server function. */
async function uploadToken(request: APIRequestContext): Promise<string> {
  const answer = await request.post("/api/admin/tokens/create", {
    form: { username: AGENT.username, scope: "upload", name: `e2e ${randomUUID()}` },
  });
  expect(answer.status()).toBe(200);
  return (await answer.json()).token;
}

async function upload(request: APIRequestContext, token: string, phone: string, seconds: number) {
  const answer = await request.post("/v1/calls/upload", {
    headers: { Authorization: `Bearer ${token}` },
    multipart: {
      call_id: randomUUID(),
      phone,
      direction: "inbound",
      started_at: new Date().toISOString(),
      duration_seconds: String(seconds),
      audio: { name: "call.wav", mimeType: "audio/wav", buffer: wav(seconds) },
    },
  });
  expect(answer.status()).toBe(201);
  return answer.json();
}

/** Loads the player's metadata and answers the duration it reports. */
function durationOf(audio: Locator): Promise<number> {
  return audio.evaluate(
    (el: HTMLAudioElement) =>
      new Promise<number>((resolve, reject) => {
        el.addEventListener("loadedmetadata", () => resolve(el.duration), { once: true });
        el.addEventListener("error", () => reject(new Error(`media error ${el.error?.code}`)), { once: true });
        el.preload = "metadata";
        el.load();
      }),
  );
}

/** Seeks the player to `seconds` and answers where it landed. */
function seekTo(audio: Locator, seconds: number): Promise<number> {
  return audio.evaluate(
    (el: HTMLAudioElement, to: number) =>
      new Promise<number>((resolve) => {
        el.addEventListener("seeked", () => resolve(el.currentTime), { once: true });
        el.currentTime = to;
      }),
    seconds,
  );
}

test("a recording uploaded through the API plays and seeks on Call Logs and on the contact's page", async ({ page, browser }) => {
  await signIn(page, ADMIN);
  const token = await uploadToken(page.request);
  const kevin = await upload(page.request, token, "+230 5737 2333", 4);
  expect(kevin.contact_name).toBe("Kevin Anderson Curepipe");
  const lead = await upload(page.request, token, "5912 0077", 2);
  expect(lead.contact_status).toBe("new_lead");

  const agent = await browser.newPage();
  await signIn(agent, AGENT);
  await agent.getByRole("link", { name: "Call Logs" }).click();
  await expect(agent.getByRole("heading", { name: "Call Logs", level: 1 })).toBeVisible();
  await hydrated(agent);
  const row = agent.locator(`tr[data-call-id="${kevin.id}"]`);
  await expect(row).toContainText("Kevin Anderson Curepipe");
  await expect(row).toContainText("5737 2333");
  await expect(row).toContainText("0:04");

  // The new number is a New Lead, highlighted.
  const leadRow = agent.locator(`tr[data-call-id="${lead.id}"]`);
  await expect(leadRow).toHaveClass(/new-lead/);
  await expect(leadRow.getByText("New lead", { exact: true })).toBeVisible();

  // Play: the element loads the stream and knows its length; seeking asks for a byte range.
  const ranges: number[] = [];
  agent.on("response", (r) => {
    if (r.url().endsWith(`/v1/calls/${kevin.id}/audio`)) ranges.push(r.status());
  });
  const audio = row.locator("audio");
  await expect(audio).toHaveAttribute("aria-label", /Recording of the call with Kevin Anderson Curepipe/);
  const duration = await durationOf(audio);
  expect(duration).toBeCloseTo(4, 1);
  const position = await seekTo(audio, 3);
  expect(position).toBeCloseTo(3, 0);
  expect(ranges.length).toBeGreaterThan(0);
  expect(ranges.every((s) => s === 200 || s === 206)).toBe(true);
  expect(ranges).toContain(206);

  // The filter lives in the URL: the new lead's number only.
  await agent.getByLabel("Phone").fill("5912 0077");
  await agent.getByRole("button", { name: "Filter" }).click();
  await expect(agent).toHaveURL(/phone=5912%200077/);
  await expect(agent.getByRole("status")).toHaveText("1 call");
  await agent.goBack();

  // The row links to the contact's page, which lists the call with a player that plays and seeks.
  await row.getByRole("link", { name: "Kevin Anderson Curepipe" }).click();
  await expect(agent).toHaveURL(new RegExp(`/contacts/${kevin.contact_id}$`));
  const calls = agent.getByRole("region", { name: "Calls" });
  const onContact = calls.locator(`tr[data-call-id="${kevin.id}"] audio`);
  await expect(onContact).toHaveCount(1);
  const length = await durationOf(onContact);
  expect(length).toBeCloseTo(4, 1);
  const there = await seekTo(onContact, 2);
  expect(there).toBeCloseTo(2, 0);

  // The unknown number's New Lead is highlighted among the Contacts' New Leads.
  await agent.goto("/contacts?status=new_lead");
  await hydrated(agent);
  const leadContact = agent.locator("tr.new-lead", { hasText: lead.contact_name });
  await expect(leadContact).toBeVisible();
  await expect(leadContact.locator('[data-status="new_lead"]')).toHaveText("New Lead");
  await agent.close();
});

test("a call without a number says why on Call Logs: Android's -1, -2 and -3", async ({ page }) => {
  // The admin issues Priya's phone token and reads Call Logs.
  await signIn(page, ADMIN);
  const token = await uploadToken(page.request);
  for (const raw of ["-1", "-2", "-3"]) await upload(page.request, token, raw, 1);
  await page.goto("/calls");
  await hydrated(page);
  const rows = page.locator("tbody tr").filter({ hasText: /Unknown number|Private number|Payphone/ });
  // Newest first: the three just uploaded, each named for its reason.
  await expect(rows.nth(0)).toContainText("Payphone");
  await expect(rows.nth(1)).toContainText("Private number");
  await expect(rows.nth(2)).toContainText("Unknown number");
});
