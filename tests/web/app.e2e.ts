// A listener's session in a real browser against a real node: sign in,
// upload with progress, browse, search, play, seek, skip, reload, playlists.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeAudio, makeCover, scratchDir } from "./support/audio";
import { activeAudio, launch, screenshot, watchConsole } from "./support/browser";
import { adminPassword, DispotifyNode } from "./support/node";

const node = new DispotifyNode();
let browser: Browser;
let page: Page;
let consoleErrors: string[];

const album = "Océano Pacífico";
const artist = "Beyoncé Test";
const titles = ["Canción del Mar", "Segunda Ola", "Tercera Marea"];

beforeAll(async () => {
  await node.start();
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  consoleErrors = watchConsole(page);
});

afterAll(async () => {
  await browser?.close();
  await node.stop();
});

async function pollUntil<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

describe("signed out", () => {
  it("refuses a wrong password in words and signs in with the right one", async () => {
    await page.goto(`${node.url}/albums`);
    await screenshot(page, "login");
    await page.getByLabel("Username").fill("admin");
    await page.getByLabel("Password").fill("wrong-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("Wrong username or password");
    // The browser logs the refused request itself; that one is expected.
    consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((e) => !e.includes("401")));
    await page.getByLabel("Password").fill(adminPassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Albums" }).waitFor();
  });
});

describe("signed in", () => {
  it("uploads files with a progress bar each and explains refusals", async () => {
    const cover = makeCover(200);
    const files = titles.map((title, i) => makeAudio({ title, artist, album, track: i + 1 }, 30, "mp3", 330 + 110 * i, cover));
    const notAudio = join(scratchDir, "notes-web-e2e.mp3");
    writeFileSync(notAudio, "this is not music ".repeat(100));
    await page.getByRole("link", { name: "Upload" }).click();
    await page.locator('input[type="file"]').first().setInputFiles([...files, notAudio]);
    const rows = page.getByRole("list", { name: "Uploads" }).getByRole("listitem");
    await expect.poll(() => rows.count()).toBe(4);
    await expect.poll(() => page.getByRole("progressbar").count()).toBe(4);
    await expect
      .poll(() => page.locator('.upload-row[data-state="added"]').count(), { timeout: 20_000 })
      .toBe(3);
    await expect
      .poll(() => page.locator(".upload-row", { hasText: "notes-web-e2e.mp3" }).textContent())
      .toContain("Not audio");
    expect(await page.locator('.upload-row[data-state="added"] progress').first().getAttribute("value")).toBe("100");
    await screenshot(page, "upload");
    // The same file again is reported as a duplicate, not added twice.
    await page.locator('input[type="file"]').first().setInputFiles([files[0] as string]);
    await expect
      .poll(() => page.locator('.upload-row[data-state="duplicate"]').count(), { timeout: 10_000 })
      .toBe(1);
    consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((e) => !e.includes("415")));
  });

  it("shows the album in the grid and its tracks in order", async () => {
    await page.getByRole("link", { name: "Albums" }).click();
    await page.getByRole("link", { name: album }).first().waitFor();
    // The cover thumbnail is fetched (lazily, when in view) and decodes.
    const cover = page.locator(".card img.cover").first();
    // The first thumbnail is made by ffmpeg on demand: slow on a loaded machine.
    await expect.poll(() => cover.evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await cover.getAttribute("loading")).toBe("lazy");
    await screenshot(page, "albums");
    await page.getByRole("link", { name: album }).first().click();
    await page.getByRole("heading", { name: album }).waitFor();
    const rows = page.getByRole("table", { name: `Tracks of ${album}` }).locator("tbody tr");
    await expect.poll(() => rows.allTextContents()).toEqual(titles.map((t) => expect.stringContaining(t)));
    const hero = page.getByRole("img", { name: `Cover of ${album}` });
    await expect.poll(() => hero.evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    await screenshot(page, "album");
  });

  it("finds a song by typing part of its name without accents, and plays it", async () => {
    const search = page.getByRole("combobox", { name: "Search" });
    await search.fill("cancion mar");
    const option = page.getByRole("option", { name: /Canción del Mar/ });
    await option.waitFor();
    await screenshot(page, "search");
    await search.press("ArrowDown");
    expect(await option.getAttribute("aria-selected")).toBe("true");
    await search.press("Enter");
    await expect.poll(() => page.getByTestId("now-playing-title").textContent()).toBe("Canción del Mar");
    const start = await pollUntil(() => activeAudio(page), (a) => a.currentTime > 0.5);
    expect(start.paused).toBe(false);
    const later = await pollUntil(() => activeAudio(page), (a) => a.currentTime > start.currentTime + 0.5);
    expect(later.currentTime).toBeGreaterThan(start.currentTime);
    await page.getByRole("button", { name: "Pause" }).waitFor();
  });

  it("seeks, pauses and resumes", async () => {
    const before = (await activeAudio(page)).currentTime;
    await page.locator("body").click({ position: { x: 600, y: 300 } });
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    const after = await pollUntil(() => activeAudio(page), (a) => a.currentTime >= before + 9);
    expect(after.currentTime).toBeGreaterThanOrEqual(before + 9);
    await page.getByRole("button", { name: "Pause" }).click();
    await expect.poll(async () => (await activeAudio(page)).paused).toBe(true);
    await page.getByRole("button", { name: "Play", exact: true }).click();
    await expect.poll(async () => (await activeAudio(page)).paused).toBe(false);
  });

  it("goes to the next track of the queue and back", async () => {
    // Search results queue the matching tracks only: play the album instead.
    await page.getByRole("button", { name: "Play album", exact: true }).click();
    await expect.poll(() => page.getByTestId("now-playing-title").textContent()).toBe(titles[0]);
    await page.getByRole("button", { name: "Next" }).click();
    await expect.poll(() => page.getByTestId("now-playing-title").textContent()).toBe(titles[1]);
    const playing = await pollUntil(() => activeAudio(page), (a) => a.currentTime > 0.3 && !a.paused);
    expect(playing.paused).toBe(false);
    await page.getByRole("button", { name: "Queue", exact: true }).click();
    await screenshot(page, "queue");
    const queued = page.locator(".queue-list .queue-title span:first-child");
    await page.getByRole("button", { name: `Move up: ${titles[2]}` }).click();
    await expect.poll(() => queued.allTextContents()).toEqual([titles[0], titles[2], titles[1]]);
    await page.getByRole("button", { name: `Remove from queue: ${titles[2]}` }).click();
    await expect.poll(() => queued.allTextContents()).toEqual([titles[0], titles[1]]);
    expect(await page.getByTestId("now-playing-title").textContent()).toBe(titles[1]);
    await page.getByRole("button", { name: "Close queue" }).click();
    await page.getByRole("button", { name: "Previous" }).click();
    await expect.poll(() => page.getByTestId("now-playing-title").textContent()).toBe(titles[0]);
  });

  it("recovers from a failed stream by retrying", async () => {
    let refused = 0;
    // A node answering 503 (no majority, restarting) to the first request of
    // the track, however often the browser repeats it: only the player's own
    // retry (a new request) gets the audio.
    await page.route(/\/stream/, (route) => {
      if (route.request().url().includes("retry=")) return route.continue();
      refused++;
      return route.fulfill({ status: 503, body: "unavailable" });
    });
    await page.getByRole("button", { name: `Play ${titles[2]}` }).click();
    await expect.poll(() => page.getByTestId("now-playing-title").textContent()).toBe(titles[2]);
    await expect.poll(() => refused).toBeGreaterThanOrEqual(1);
    const playing = await pollUntil(() => activeAudio(page), (a) => a.currentTime > 0.5 && !a.paused, 15_000);
    expect(playing.currentTime).toBeGreaterThan(0.5);
    expect(playing.src).toContain("retry=");
    await page.unroute(/\/stream/);
    consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((e) => !e.includes("503")));
  });

  it("toggles shuffle and cycles repeat with accessible states", async () => {
    const shuffle = page.getByRole("button", { name: "Shuffle" });
    expect(await shuffle.getAttribute("aria-pressed")).toBe("false");
    await shuffle.click();
    expect(await shuffle.getAttribute("aria-pressed")).toBe("true");
    await shuffle.click();
    const repeat = page.getByRole("button", { name: "Repeat" });
    await repeat.click();
    expect(await repeat.getAttribute("data-mode")).toBe("all");
    await repeat.click();
    expect(await repeat.getAttribute("data-mode")).toBe("one");
    await repeat.click();
    expect(await repeat.getAttribute("data-mode")).toBe("off");
  });

  it("keeps the queue and the position across a reload", async () => {
    await page.getByRole("button", { name: `Play ${titles[1]}` }).click();
    await expect.poll(() => page.getByTestId("now-playing-title").textContent()).toBe(titles[1]);
    await pollUntil(() => activeAudio(page), (a) => a.currentTime > 1.5);
    await page.getByRole("button", { name: "Pause" }).click();
    const position = (await activeAudio(page)).currentTime;
    await page.reload();
    await expect.poll(() => page.getByTestId("now-playing-title").textContent()).toBe(titles[1]);
    const restored = await pollUntil(() => activeAudio(page), (a) => a.currentTime > 0);
    expect(Math.abs(restored.currentTime - position)).toBeLessThan(2.5);
    await page.getByRole("button", { name: "Play", exact: true }).click();
    await expect.poll(async () => (await activeAudio(page)).paused).toBe(false);
    await page.getByRole("button", { name: "Pause" }).click();
  });

  it("lists every track in the virtualized table, sortable", async () => {
    await page.getByRole("link", { name: "Tracks" }).click();
    const table = page.getByRole("table", { name: "Tracks" });
    const titleCells = table.locator("tbody tr.track-row .title");
    await expect.poll(() => titleCells.allTextContents()).toEqual([...titles].sort());
    await table.getByRole("button", { name: "Title" }).click();
    await expect.poll(() => titleCells.allTextContents()).toEqual([...titles].sort().reverse());
    await screenshot(page, "tracks");
  });

  it("creates, fills, renames, reorders, trims and deletes a playlist", async () => {
    await page.getByRole("link", { name: "Playlists", exact: true }).click();
    await page.getByLabel("New playlist name").fill("Road trip");
    await page.getByRole("button", { name: "Create playlist" }).click();
    await page.getByRole("heading", { name: "Road trip" }).waitFor();
    // Add two tracks from the album's track list.
    await page.goto(`${node.url}/albums`);
    await page.getByRole("link", { name: album }).first().click();
    for (const title of [titles[2], titles[0]] as string[]) {
      await page.getByRole("button", { name: `More actions: ${title}` }).click();
      await page.getByRole("menuitem", { name: "Add to Road trip" }).click();
      await page.getByText(`Added “${title}” to Road trip.`).waitFor();
    }
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Road trip" }).click();
    const rows = page.getByRole("table", { name: "Tracks of Road trip" }).locator("tbody tr .title");
    await expect.poll(() => rows.allTextContents()).toEqual([titles[2], titles[0]]);
    await page.getByRole("button", { name: `More actions: ${titles[0]}` }).click();
    await page.getByRole("menuitem", { name: "Move up" }).click();
    await expect.poll(() => rows.allTextContents()).toEqual([titles[0], titles[2]]);
    // Rows can also be dragged into place.
    const playlistRow = (title: string) => page.locator("tr.track-row", { hasText: title });
    await playlistRow(titles[2] as string).dragTo(playlistRow(titles[0] as string));
    await expect.poll(() => rows.allTextContents()).toEqual([titles[2], titles[0]]);
    await page.getByRole("button", { name: "Rename" }).click();
    await page.getByLabel("Playlist name").fill("Night drive");
    await page.getByRole("button", { name: "Save name" }).click();
    await page.getByRole("heading", { name: "Night drive" }).waitFor();
    const renamed = page.getByRole("table", { name: "Tracks of Night drive" }).locator("tbody tr .title");
    await page.getByRole("button", { name: `More actions: ${titles[2]}` }).click();
    await page.getByRole("menuitem", { name: "Remove from playlist" }).click();
    await expect.poll(() => renamed.allTextContents()).toEqual([titles[0]]);
    await screenshot(page, "playlist");
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Delete playlist" }).click();
    await page.getByRole("heading", { name: "Playlists" }).waitFor();
    await expect.poll(() => page.getByRole("link", { name: "Night drive" }).count()).toBe(0);
    const token = await node.login();
    const left = await fetch(`${node.url}/api/v1/playlists`, { headers: { Authorization: `Bearer ${token}` } });
    expect(((await left.json()) as { items: unknown[] }).items).toHaveLength(0);
  });

  it("shows the cluster page and the users page to an admin", async () => {
    await page.getByRole("link", { name: "Cluster" }).click();
    const nodes = page.getByRole("table", { name: "Nodes" });
    await expect.poll(() => nodes.locator("tbody tr").count()).toBe(1);
    await expect.poll(() => nodes.locator("tbody tr").textContent()).toContain("leader");
    await screenshot(page, "cluster");
    await page.getByRole("link", { name: "Users" }).click();
    const firstCells = page.getByRole("table", { name: "Users" }).locator("tbody tr td:first-child");
    await expect.poll(() => firstCells.allTextContents()).toEqual(["admin"]);
    await screenshot(page, "users");
  });

  it("opens the keyboard help with ? and publishes the track to the Media Session", async () => {
    await page.locator("body").click({ position: { x: 600, y: 300 } });
    await page.keyboard.press("?");
    await page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor();
    await screenshot(page, "shortcuts");
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
    const title = await page.evaluate(() => navigator.mediaSession.metadata?.title);
    expect(title).toBe(await page.getByTestId("now-playing-title").textContent());
  });

  it("lets an admin create a user, change the role and reset the password", async () => {
    await page.getByRole("link", { name: "Users" }).click();
    await page.getByLabel("New username").fill("listener");
    await page.getByLabel("New password").fill("listener-password");
    await page.getByRole("button", { name: "Create user" }).click();
    const role = page.getByLabel("Role of listener");
    await role.waitFor();
    await role.selectOption("admin");
    await page.getByText("listener is now admin.").waitFor();
    page.once("dialog", (dialog) => void dialog.accept("fresh-password-1"));
    await page.getByRole("row", { name: /listener/ }).getByRole("button", { name: "Reset password" }).click();
    await page.getByText("Password of listener changed.").waitFor();
    const token = await node.login("listener", "fresh-password-1");
    const me = await fetch(`${node.url}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
    expect(((await me.json()) as { role: string }).role).toBe("admin");
  });

  it("fits a phone screen and follows a dark system theme", async () => {
    await page.emulateMedia({ colorScheme: "dark" });
    await page.getByRole("link", { name: "Albums" }).click();
    await page.getByRole("link", { name: album }).first().waitFor();
    const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    expect(background).toBe("rgb(18, 20, 24)");
    await screenshot(page, "albums-dark");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole("link", { name: album }).first().click();
    await page.getByRole("heading", { name: album }).waitFor();
    // Nothing wider than the screen: no sideways scrolling on a phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.getByRole("button", { name: /^(Play|Pause)$/ }).waitFor();
    await screenshot(page, "phone-album");
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it("logs out, and had no errors in the console", async () => {
    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByLabel("Username").waitFor();
    expect(consoleErrors).toEqual([]);
  });
});
