// Uploading a whole folder: several files at once, a progress bar each,
// non-audio companions skipped, and a file over the server's limit refused
// in words.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bytesOf, makeAudio, scratchDir } from "./support/audio";
import { launch, screenshot, signIn } from "./support/browser";
import { adminPassword, DispotifyNode } from "./support/node";

const node = new DispotifyNode();
let browser: Browser;
let page: Page;
const folder = join(scratchDir, "upload", "My Album");

beforeAll(async () => {
  await node.start({ args: ["--max-upload-size", "300KiB"] });
  mkdirSync(join(folder, "CD1"), { recursive: true });
  for (let i = 1; i <= 4; i++) {
    const path = makeAudio({ title: `Folder Song ${i}`, artist: "Folder Band", album: "My Album", track: i }, 3);
    copyFileSync(path, join(folder, "CD1", `0${i}.mp3`));
  }
  // About 1.3 MB of FLAC: over the 300 KiB limit.
  copyFileSync(makeAudio({ title: "Too Long", artist: "Folder Band", album: "My Album", track: 9 }, 30, "flac"), join(folder, "09.flac"));
  writeFileSync(join(folder, "cover.jpg"), "not really a jpeg");
  writeFileSync(join(folder, ".DS_Store"), "junk");
  browser = await launch();
  page = await (await browser.newContext()).newPage();
  await signIn(page, `${node.url}/upload`, adminPassword);
});

afterAll(async () => {
  await browser?.close();
  await node.stop();
});

it("uploads a folder in parallel with a progress bar per file and explains the refusal", async () => {
  await page.getByRole("heading", { name: "Upload" }).waitFor();
  await page.locator("input[webkitdirectory]").setInputFiles(folder);
  const rows = page.getByRole("list", { name: "Uploads" }).getByRole("listitem");
  await expect.poll(() => rows.count()).toBe(5);
  expect(await page.getByRole("progressbar").count()).toBe(5);
  await expect.poll(() => page.locator('.upload-row[data-state="added"]').count(), { timeout: 20_000 }).toBe(4);
  await expect.poll(() => page.locator(".upload-row", { hasText: "09.flac" }).textContent()).toContain("Too large");
  await expect.poll(() => page.getByRole("status").first().textContent()).toContain("2 non-audio files skipped");
  expect(await page.getByText("My Album/CD1/03.mp3").count()).toBe(1);
  await screenshot(page, "upload-folder");
  const token = await node.login();
  const tracks = await fetch(`${node.url}/api/v1/tracks?limit=50`, { headers: { Authorization: `Bearer ${token}` } });
  const titles = ((await tracks.json()) as { items: Array<{ title: string }> }).items.map((t) => t.title).sort();
  expect(titles).toEqual(["Folder Song 1", "Folder Song 2", "Folder Song 3", "Folder Song 4"]);
});

it("takes files dropped on the drop zone", async () => {
  const dropped = bytesOf(makeAudio({ title: "Dropped Song", artist: "Folder Band", album: "Drops", track: 1 }, 2));
  await page.evaluate((base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], "dropped.mp3", { type: "audio/mpeg" }));
    const zone = document.querySelector(".dropzone") as HTMLElement;
    zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
  }, dropped.toString("base64"));
  await expect
    .poll(() => page.locator(".upload-row", { hasText: "dropped.mp3" }).getAttribute("data-state"), { timeout: 10_000 })
    .toBe("added");
});
