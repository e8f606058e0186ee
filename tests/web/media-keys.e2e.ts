// The media keys, sent the way a Linux desktop sends them: through MPRIS on
// a D-Bus session bus of the test's own, to which chromium publishes the
// page's media session (playerctl is the desktop's media-key daemon here).
// Listening to an album through: the keys must keep working after the
// gapless player has handed playback from the <audio> elements to decoded
// audio (Web Audio), where a browser alone would stop routing play/pause.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bytesOf, makeAudio } from "./support/audio";
import { screenshot, signIn } from "./support/browser";
import { adminPassword, DispotifyNode } from "./support/node";

const node = new DispotifyNode();
let bus: ChildProcess;
let busAddress = "";
let browser: Browser;
let page: Page;
const kTitles = ["First Key", "Second Key", "Third Key"];

// A private session bus: its address is the first line dbus-daemon prints.
function startSessionBus(): Promise<string> {
  bus = spawn("/usr/bin/dbus-daemon", ["--session", "--nofork", "--nopidfile", "--print-address=1"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    bus.once("error", reject);
    createInterface({ input: bus.stdout! }).once("line", (line) => resolve(line.trim()));
  });
}

// A media key: playerctl calls the MPRIS method on chromium's player.
function mediaKey(...args: string[]): string {
  return execFileSync("/usr/bin/playerctl", ["--player=chromium", ...args], {
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: busAddress },
    encoding: "utf8",
    timeout: 10_000,
  }).trim();
}

const nowPlaying = () => page.getByTestId("now-playing-title").textContent();
const playButton = () => page.locator(".play-button").getAttribute("aria-label");
const elapsed = () => page.getByLabel("Elapsed").textContent();
// Decoded audio plays: every track element is paused while the player plays.
const decodedAudioPlays = () =>
  page.evaluate(() => [...document.querySelectorAll<HTMLAudioElement>("audio[data-slot]")].every((a) => a.paused));

beforeAll(async () => {
  await node.start();
  const token = await node.login();
  for (const [i, title] of kTitles.entries()) {
    const path = makeAudio({ title, artist: "Key Band", album: "Media Keys", track: i + 1 }, 14, "mp3", 330 + 110 * i);
    await node.upload(token, `${i + 1}.mp3`, bytesOf(path));
  }
  busAddress = await startSessionBus();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--autoplay-policy=no-user-gesture-required", "--no-sandbox", "--mute-audio"],
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: busAddress },
  });
  page = await (await browser.newContext()).newPage();
  await signIn(page, `${node.url}/`, adminPassword);
  await page.getByRole("link", { name: "Media Keys" }).first().click();
});

afterAll(async () => {
  await browser?.close();
  bus?.kill();
  await node.stop();
});

it("pauses, resumes and skips with the media keys while the album plays gaplessly", async () => {
  await page.getByRole("button", { name: "Play album", exact: true }).click();
  await expect.poll(nowPlaying).toBe("First Key");
  // The desktop sees the track.
  await expect.poll(() => mediaKey("metadata", "title"), { timeout: 10_000 }).toBe("First Key");
  await expect.poll(() => mediaKey("status")).toBe("Playing");
  // The gapless player takes over from the element early on a short track.
  await expect.poll(decodedAudioPlays, { timeout: 15_000 }).toBe(true);
  expect(await playButton()).toBe("Pause");

  mediaKey("pause");
  await expect.poll(playButton, { timeout: 5_000 }).toBe("Play");
  const stopped = await elapsed();
  await page.waitForTimeout(1500);
  expect(await elapsed()).toBe(stopped);
  expect(mediaKey("status")).toBe("Paused");

  mediaKey("play");
  await expect.poll(playButton, { timeout: 5_000 }).toBe("Pause");
  await expect.poll(elapsed, { timeout: 5_000 }).not.toBe(stopped);

  mediaKey("next");
  await expect.poll(nowPlaying, { timeout: 5_000 }).toBe("Second Key");
  await expect.poll(() => mediaKey("metadata", "title"), { timeout: 5_000 }).toBe("Second Key");

  // Through the join into the next track, then the keys once more.
  await expect.poll(nowPlaying, { timeout: 20_000 }).toBe("Third Key");
  mediaKey("play-pause");
  await expect.poll(playButton, { timeout: 5_000 }).toBe("Play");
  mediaKey("play-pause");
  await expect.poll(playButton, { timeout: 5_000 }).toBe("Pause");
  await screenshot(page, "media-keys");
});
