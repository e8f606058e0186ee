// Debian's chromium, headless, through playwright-core (no browser download).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { expect } from "vitest";

export const artifacts = new URL("../artifacts/", import.meta.url).pathname;
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: ["--autoplay-policy=no-user-gesture-required", "--no-sandbox", "--mute-audio"],
  });
}

// Console errors and uncaught exceptions of a page, for "no errors in the console".
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`));
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, `${name}.png`) });
}

// The audio element that is playing (the player keeps a standby one for the next track).
export async function activeAudio(page: Page): Promise<{ currentTime: number; paused: boolean; src: string }> {
  return page.evaluate(() => {
    const playing = document.querySelector<HTMLAudioElement>('audio[data-active="true"]');
    if (!playing) throw new Error("no active audio element");
    return { currentTime: playing.currentTime, paused: playing.paused, src: playing.currentSrc };
  });
}

// Opens `url` (any page of the app: the sign-in form comes first) and signs in.
export async function signIn(page: Page, url: string, password: string, username = "admin"): Promise<void> {
  await page.goto(url);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

// Signs in as admin on the node at `url`, opens `album` and plays it; returns
// once the audio has advanced.
export async function signInAndPlayAlbum(page: Page, url: string, password: string, album: string): Promise<void> {
  await signIn(page, `${url}/`, password);
  await page.getByRole("link", { name: album }).first().click();
  await page.getByRole("button", { name: "Play album", exact: true }).click();
  await expect.poll(async () => (await activeAudio(page)).currentTime, { timeout: 10_000 }).toBeGreaterThan(0.5);
}
