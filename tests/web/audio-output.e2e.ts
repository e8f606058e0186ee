// The audio the page produces, measured: a tap on everything connected to
// the audio output records the peak and the longest stretch of silent
// samples between two sounding ones.
// - Gapless: across the join of two consecutive tones the silence stays far
//   below a millisecond; with gapless playback turned off the same
//   measurement finds the gap (so the test can fail).
// - ReplayGain: a track tagged +6 dB comes out twice as loud, and at its
//   own level with ReplayGain off.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bytesOf, makeAudio } from "./support/audio";
import { activeAudio, launch, screenshot, signIn } from "./support/browser";
import { adminPassword, DispotifyNode } from "./support/node";

const node = new DispotifyNode();
let browser: Browser;
let page: Page;
const kSampleRate = 44100;
// A 440 Hz tone at the default level (1/8) crosses zero in about one sample.
const kSilentSampleMax = 1e-3;

interface Silence {
  peak: number; // the largest sample
  sounding: number; // samples above the silence level
  longest: number; // longest closed run of silent samples after the first sound
  run: number;
}
type TapWindow = { __silence: Silence };

beforeAll(async () => {
  await node.start();
  const token = await node.login();
  for (const [i, title] of ["Part One", "Part Two"].entries()) {
    const path = makeAudio({ title, artist: "Seamless", album: "Continuous", track: i + 1 }, 4, "flac", 440);
    await node.upload(token, `${i + 1}.flac`, bytesOf(path));
  }
  // Tagged 6 dB too quiet: ReplayGain doubles it (peak 0.125 -> 0.25).
  const quiet = makeAudio({ title: "Quiet", artist: "Seamless", album: "Quiet Album", track: 1, replayGainDb: 6.02 }, 3, "flac");
  await node.upload(token, "quiet.flac", bytesOf(quiet));
  browser = await launch();
  page = await (await browser.newContext()).newPage();
  await page.addInitScript(
    ({ silentMax }) => {
      const silence: Silence = { peak: 0, sounding: 0, longest: 0, run: 0 };
      (window as unknown as TapWindow).__silence = silence;
      const taps = new WeakMap<BaseAudioContext, AudioNode>();
      const connect = AudioNode.prototype.connect as (this: AudioNode, ...args: unknown[]) => unknown;
      AudioNode.prototype.connect = function (this: AudioNode, ...args: unknown[]) {
        const result = connect.apply(this, args);
        if (args[0] instanceof AudioDestinationNode) {
          const ctx = this.context;
          let tap = taps.get(ctx);
          if (!tap) {
            const processor = ctx.createScriptProcessor(256, 1, 1);
            const sink = ctx.createGain();
            sink.gain.value = 0;
            connect.call(processor, sink);
            connect.call(sink, ctx.destination);
            processor.onaudioprocess = (event) => {
              for (const x of event.inputBuffer.getChannelData(0)) {
                silence.peak = Math.max(silence.peak, Math.abs(x));
                if (Math.abs(x) > silentMax) {
                  if (silence.sounding > 0) silence.longest = Math.max(silence.longest, silence.run);
                  silence.sounding += 1;
                  silence.run = 0;
                } else if (silence.sounding > 0) {
                  silence.run += 1;
                }
              }
            };
            taps.set(ctx, processor);
            tap = processor;
          }
          connect.call(this, tap);
        }
        return result;
      } as typeof AudioNode.prototype.connect;
    },
    { silentMax: kSilentSampleMax },
  );
  await signIn(page, `${node.url}/`, adminPassword);
  await page.getByRole("link", { name: "Continuous" }).first().click();
});

afterAll(async () => {
  await browser?.close();
  await node.stop();
});

async function silence(): Promise<Silence> {
  const result = await page.evaluate(() => ({ ...(window as unknown as TapWindow).__silence }));
  console.log(`silence: ${JSON.stringify(result)}`);
  return result;
}

async function playAcrossTheJoin(): Promise<void> {
  await page.evaluate(() => Object.assign((window as unknown as TapWindow).__silence, { peak: 0, sounding: 0, longest: 0, run: 0 }));
  await page.getByRole("button", { name: "Play album", exact: true }).click();
  await expect.poll(() => page.getByTestId("now-playing-title").textContent(), { timeout: 15_000 }).toBe("Part Two");
  await page.waitForTimeout(1500);
  await page.getByRole("button", { name: "Pause" }).click();
}

it("plays two consecutive tracks without a silent gap at the join", async () => {
  await playAcrossTheJoin();
  const { sounding, longest } = await silence();
  // About 5.5 s of tone were heard (4 s + 1.5 s).
  expect(sounding).toBeGreaterThan(4 * kSampleRate);
  expect(longest).toBeLessThan(kSampleRate / 2000); // under half a millisecond
  await screenshot(page, "gapless");
});

it("stops at the end of the album on its last track, ready to play it again", async () => {
  const token = await node.login();
  const albums = await fetch(`${node.url}/api/v1/albums`, { headers: { Authorization: `Bearer ${token}` } });
  const album = ((await albums.json()) as { items: Array<{ id: string; title: string }> }).items.find(
    (a) => a.title === "Continuous",
  );
  const detail = await fetch(`${node.url}/api/v1/albums/${album?.id}`, { headers: { Authorization: `Bearer ${token}` } });
  const last = ((await detail.json()) as { tracks: Array<{ id: string }> }).tracks[1]?.id as string;
  await page.getByRole("button", { name: "Play album", exact: true }).click();
  await expect.poll(() => page.getByTestId("now-playing-title").textContent(), { timeout: 15_000 }).toBe("Part Two");
  await page.getByRole("button", { name: "Play", exact: true }).waitFor({ timeout: 15_000 });
  expect(await page.getByTestId("now-playing-title").textContent()).toBe("Part Two");
  await page.getByRole("button", { name: "Play", exact: true }).click();
  const audio = await activeAudio(page);
  expect(audio.src).toContain(`/tracks/${last}/stream`);
  await expect.poll(async () => (await activeAudio(page)).currentTime).toBeGreaterThan(0.3);
  await page.getByRole("button", { name: "Pause" }).click();
});

it("finds the gap when gapless playback is turned off", async () => {
  await page.getByRole("button", { name: "Queue", exact: true }).click();
  await page.getByLabel("Gapless playback").uncheck();
  await page.getByRole("button", { name: "Close queue" }).click();
  await playAcrossTheJoin();
  const { longest } = await silence();
  expect(longest).toBeGreaterThan(kSampleRate / 1000); // over a millisecond of silence
});

it("amplifies a quiet track by its ReplayGain through the audio graph", async () => {
  const playQuiet = async () => {
    await page.getByRole("link", { name: "Albums" }).click();
    await page.getByRole("link", { name: "Quiet Album" }).first().click();
    await page.evaluate(() => Object.assign((window as unknown as TapWindow).__silence, { peak: 0 }));
    await page.getByRole("button", { name: "Play album", exact: true }).click();
    await page.getByRole("button", { name: "Pause" }).waitFor();
    await page.waitForTimeout(1000);
    await page.getByRole("button", { name: "Pause" }).click();
    return (await silence()).peak;
  };
  await page.getByRole("button", { name: "Queue", exact: true }).click();
  await page.getByLabel("ReplayGain").selectOption("track");
  const amplified = await playQuiet();
  expect(amplified).toBeGreaterThan(0.22);
  expect(amplified).toBeLessThan(0.28);
  await page.getByLabel("ReplayGain").selectOption("off");
  const plain = await playQuiet();
  expect(plain).toBeGreaterThan(0.11);
  expect(plain).toBeLessThan(0.14);
});
