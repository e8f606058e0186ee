// Every main view checked by axe-core (WCAG 2 A and AA rules) in the real
// browser, in the light and the dark theme: names of controls, labels,
// contrast, landmarks, ARIA use.
import { createRequire } from "node:module";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bytesOf, makeAudio, makeCover } from "./support/audio";
import { launch } from "./support/browser";
import { adminPassword, DispotifyNode } from "./support/node";

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const node = new DispotifyNode();
let browser: Browser;
let page: Page;
let albumId = "";

beforeAll(async () => {
  await node.start();
  const token = await node.login();
  const cover = makeCover(120);
  for (let i = 1; i <= 2; i++) {
    const track = await node.upload(
      token,
      `${i}.mp3`,
      bytesOf(makeAudio({ title: `Accessible ${i}`, artist: "Axe", album: "Audit", track: i }, 3, "mp3", 440, cover)),
    );
    albumId = (track as unknown as { album_id: string }).album_id;
  }
  browser = await launch();
  // axe is injected as a script: the page's Content-Security-Policy would refuse it.
  page = await (await browser.newContext({ bypassCSP: true })).newPage();
});

afterAll(async () => {
  await browser?.close();
  await node.stop();
});

async function violations(): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (o: unknown) => Promise<{ violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    return axe.run({ runOnly: { type: "tag", values: ["wcag2a", "wcag2aa"] } });
  });
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

const views: Array<[string, string]> = [
  ["albums", "/albums"],
  ["album", "/album"],
  ["artists", "/artists"],
  ["tracks", "/tracks"],
  ["playlists", "/playlists"],
  ["upload", "/upload"],
  ["users", "/admin/users"],
  ["cluster", "/admin/cluster"],
];

it("the sign-in page has no violations", async () => {
  await page.goto(`${node.url}/`);
  await page.getByLabel("Username").waitFor();
  expect(await violations()).toEqual([]);
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill(adminPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Albums" }).waitFor();
});

for (const scheme of ["light", "dark"] as const) {
  it(`the main views have no violations in the ${scheme} theme`, async () => {
    await page.emulateMedia({ colorScheme: scheme });
    const found: Record<string, string[]> = {};
    for (const [name, path] of views) {
      await page.goto(`${node.url}${path === "/album" ? `/albums/${albumId}` : path}`);
      await page.locator("h1").first().waitFor();
      await page.waitForTimeout(300);
      const list = await violations();
      if (list.length > 0) found[name] = list;
    }
    // With a track playing and the queue open.
    await page.goto(`${node.url}/albums/${albumId}`);
    await page.getByRole("button", { name: "Play album", exact: true }).click();
    await page.getByRole("button", { name: "Queue", exact: true }).click();
    await page.getByRole("button", { name: "Pause" }).waitFor();
    const list = await violations();
    if (list.length > 0) found["playing with queue"] = list;
    await page.getByRole("button", { name: "Pause" }).click();
    expect(found).toEqual({});
  });
}
