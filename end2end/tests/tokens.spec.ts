import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ADMIN, hydrated, signIn } from "./helpers";

const run = promisify(execFile);
// The release binary under test (scripts/e2e.sh exports it); its `upload-call` is the
// reference client of the upload contract.
const BIN = process.env.CONTACTDESK_BIN ?? "../target/release/contactdesk";

/** A small WAV file: a valid header, then samples. */
function wav(bytes: number): Buffer {
  const header = Buffer.from("RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00data", "latin1");
  const body = Buffer.alloc(bytes - header.length, 0);
  for (let i = 0; i < body.length; i++) body[i] = (i * 31) & 0xff;
  return Buffer.concat([header, body]);
}

test("an admin issues a phone token, the phone uploads with it, and once revoked it is refused", async ({ page, baseURL }) => {
  await signIn(page, ADMIN);
  await page.goto("/admin/tokens");
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Tokens", level: 1 })).toBeVisible();

  // Keyboard only: choose the user, scope and name, then create.
  await page.getByLabel("User").selectOption("priya");
  await page.getByLabel("Scope").selectOption("upload");
  await page.getByLabel("Name").fill("Priya's Galaxy A54");
  await page.getByLabel("Name").press("Enter");
  const secret = await page.getByRole("textbox", { name: "New token" }).inputValue();
  expect(secret).toMatch(/^cdt_[A-Za-z0-9_-]{40,}$/);
  await expect(page.getByRole("status")).toContainText("shown only this once");
  const row = page.locator('tr[data-token="Priya\'s Galaxy A54"]');
  await expect(row).toContainText("Upload (phone)");
  await expect(row).toContainText("Never");
  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]).analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);

  const dir = mkdtempSync(join(tmpdir(), "contactdesk-e2e-"));
  const file = join(dir, "call.wav");
  writeFileSync(file, wav(48_000));
  const upload = (callId: string) =>
    run(
      BIN,
      ["upload-call", "--server", baseURL!, "--file", file, "--phone", "5737 2333", "--direction", "inbound",
        "--started-at", "2026-11-24T09:00:00+04:00", "--duration", "42", "--call-id", callId, "--attempts", "1"],
      { env: { ...process.env, CONTACTDESK_TOKEN: secret, CONTACTDESK_CONFIG: "/nonexistent.toml" } },
    );
  const { stdout } = await upload("6a1f0c3e-2b7d-4e9a-8c5f-1d3b7e9a2c40");
  const answer = JSON.parse(stdout);
  expect(answer.call_id).toBe("6a1f0c3e-2b7d-4e9a-8c5f-1d3b7e9a2c40");
  expect(answer.contact_name).toBe("Kevin Anderson Curepipe");
  expect(answer.agent_name).toBe("Priya Ramdin");

  await page.reload();
  await hydrated(page);
  await expect(row).not.toContainText("Never");

  await row.getByRole("button", { name: "Revoke Priya's Galaxy A54" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("refused from its next request");
  await dialog.getByRole("button", { name: "Revoke token" }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toContainText("Revoked");
  await expect(row.getByRole("button", { name: /Revoke/ })).toHaveCount(0);

  const refused = await upload("6a1f0c3e-2b7d-4e9a-8c5f-1d3b7e9a2c41").then(
    () => null,
    (e: { stdout: string; stderr: string }) => e,
  );
  expect(refused, "the revoked token must be refused").not.toBeNull();
  expect(refused!.stderr).toContain("401");

  await page.goto("/admin/activity");
  await hydrated(page);
  await expect(page.getByRole("table")).toContainText("Priya's Galaxy A54 for priya (upload)");
});
