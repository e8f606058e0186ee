// Roles in the browser against a real node: a listener sees no Upload and
// no admin pages (and the server refuses them anyway); an admin reads the
// audit log, with the listener's failed and good sign-ins in it.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launch, screenshot, signIn } from "./support/browser";
import { adminPassword, DispotifyNode } from "./support/node";

const node = new DispotifyNode();
let browser: Browser;

beforeAll(async () => {
  await node.start();
  browser = await launch();
  const token = await node.login();
  const made = await fetch(`${node.url}/api/v1/users`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ username: "lisa", password: "lisa-password-1" }),
  });
  expect(made.status).toBe(201);
  expect(((await made.json()) as { role: string }).role).toBe("listener");
});

afterAll(async () => {
  await browser?.close();
  await node.stop();
});

async function signInAs(username: string, password: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await signIn(page, `${node.url}/albums`, password, username);
  return page;
}

describe("roles", () => {
  it("shows a listener neither Upload nor the admin pages", async () => {
    const page = await signInAs("lisa", "not-her-password");
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("Wrong username or password");
    await page.getByLabel("Password").fill("lisa-password-1");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Albums" }).waitFor();
    const nav = page.getByRole("navigation", { name: "Main" });
    expect(await nav.getByRole("link", { name: "Playlists" }).count()).toBe(1);
    for (const name of ["Upload", "Users", "Cluster", "Audit"]) {
      expect(await nav.getByRole("link", { name }).count()).toBe(0);
    }
    await page.goto(`${node.url}/upload`);
    await page.getByRole("heading", { name: "Not found" }).waitFor();
    await page.goto(`${node.url}/admin/audit`);
    await page.getByRole("heading", { name: "Not found" }).waitFor();
    await page.context().close();
  });

  it("lists the audit log for an admin, a page at a time", async () => {
    const page = await signInAs("admin", adminPassword);
    await page.getByRole("link", { name: "Audit" }).click();
    const table = page.getByRole("table", { name: "Audit events" });
    await table.getByRole("row", { name: /login\.failed.*lisa/ }).waitFor();
    await table.getByRole("row", { name: /user\.created.*lisa/ }).waitFor();
    await page.getByLabel("Action").selectOption("login.failed");
    await expect.poll(() => table.locator("tbody tr").count()).toBe(1);
    await screenshot(page, "audit");
    await page.getByRole("link", { name: "Users" }).click();
    const role = page.getByLabel("Role of lisa");
    await role.waitFor();
    expect(await role.locator("option").allTextContents()).toEqual(["listener", "uploader", "admin"]);
    await page.context().close();
  });
});
