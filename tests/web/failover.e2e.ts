// Three real nodes, the page on n2, and n2 killed while it serves the
// stream: the player continues the track from where it was on another
// node (issue 6, must-have 9), audibly, with no error shown.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bytesOf, makeAudio } from "./support/audio";
import { activeAudio, launch, signInAndPlayAlbum, watchConsole } from "./support/browser";
import { adminPassword, DispotifyNode } from "./support/node";
import { installSoundMeter, soundingSamples } from "./support/soundMeter";

const nodes = [new DispotifyNode(), new DispotifyNode(), new DispotifyNode()] as const;
const [n1, n2, n3] = nodes;
let browser: Browser;
let page: Page;
let consoleErrors: string[];
// Long enough that the browser has not downloaded it all when n2 dies (it
// reads about 3 MB ahead; this is 4.8 MB at 64 kbit/s), so playing on
// needs another node, not just the buffer.
const kTrackSeconds = 600;
const kSampleRate = 44_100;

beforeAll(async () => {
  await n1.start();
  await n2.start({ join: n1.peerAddress });
  await n3.start({ join: n1.peerAddress });
  browser = await launch();
  page = await (await browser.newContext()).newPage();
  consoleErrors = watchConsole(page);
  await installSoundMeter(page);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  for (const node of nodes) await node.stop();
});

it("keeps playing, audibly and from where it was, when the node that serves the page and the stream is killed", async () => {
  const token = await n2.login();
  const tone = makeAudio({ title: "Endless Tone", artist: "Tone Maker", album: "Failover", track: 1 }, kTrackSeconds);
  await n2.upload(token, "endless.mp3", bytesOf(tone));
  await signInAndPlayAlbum(page, n2.url, adminPassword, "Failover");
  expect((await activeAudio(page)).src.startsWith(n2.url)).toBe(true);

  await n2.kill();
  const killedAt = (await activeAudio(page)).currentTime;
  // Within a check period or two the stream comes from a survivor...
  await expect
    .poll(async () => (await activeAudio(page)).src, { timeout: 10_000 })
    .toMatch(new RegExp(`^(${n1.url}|${n3.url})/api/v1/tracks/`));
  // ...and the track goes on from where it was (not from the start), for several seconds.
  await expect.poll(async () => (await activeAudio(page)).currentTime, { timeout: 10_000 }).toBeGreaterThan(killedAt + 4);
  const after = await activeAudio(page);
  expect(after.paused).toBe(false);
  expect(after.currentTime).toBeLessThan(killedAt + 20);
  // Audible: a stream of another origin reaches Web Audio only with CORS.
  const soundingBefore = await soundingSamples(page);
  await expect.poll(async () => (await soundingSamples(page)) - soundingBefore, { timeout: 5_000 }).toBeGreaterThan(kSampleRate);
  expect(await page.locator(".now-playing-error").count()).toBe(0);
  // The only errors allowed are the page's own calls to the dead node.
  expect(consoleErrors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to load resource/.test(e))).toEqual([]);
});
