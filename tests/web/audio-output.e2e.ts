// The audio the page produces, measured: a tap on everything connected to
// the audio output records the peak, how much sounded and every stretch of
// silent samples between two sounding ones, with its time on the audio
// clock.
// - Gapless: across the join of two consecutive tones (the instant the
//   gapless chain scheduled the second track to start) the output has no
//   silence longer than half a millisecond, and the chain, not an <audio>
//   element, played the second track. With gapless playback turned off the
//   elements play both tracks and the measurement finds the gap (so the
//   test can fail).
//   Only the join is judged: a start of playback may lose a render quantum
//   (128 samples) on a loaded machine (Chromium's element source outputs
//   silence when it cannot take its lock in time), and the chain fades in
//   over the element, which is quiet by design.
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
// Silent stretches shorter than this are zero crossings, not worth keeping.
const kRunKeptMin = 8;
// How far from the join a silent stretch counts as the join's (the tap
// reports a time a few milliseconds off: its own buffering).
const kJoinWindowSeconds = 0.25;

interface Silence {
  peak: number; // the largest sample
  sounding: number; // samples above the silence level
  runs: Array<[number, number]>; // [audio clock seconds at its start, samples] of each closed silent run
  run: number; // the open run
  runStart: number;
}
// Two meters: `mix` hears everything that reaches the output; `decoded`
// hears only the branches not fed by an <audio> element: the gapless chain.
interface Meters {
  mix: Silence;
  decoded: Silence;
  starts: number[]; // audio clock times at which a decoded track was scheduled to start from its beginning
}
type TapWindow = { __meters: Meters };

const longest = (silence: Silence, from = -Infinity, to = Infinity): number =>
  Math.max(0, ...silence.runs.filter(([at]) => at >= from && at <= to).map(([, samples]) => samples));

beforeAll(async () => {
  await node.start();
  const token = await node.login();
  for (const [i, title] of ["Part One", "Part Two"].entries()) {
    const path = makeAudio({ title, artist: "Seamless", album: "Continuous", track: i + 1 }, 4, "flac", 440);
    await node.upload(token, `${i + 1}.flac`, bytesOf(path));
  }
  // Tagged 6 dB too quiet: ReplayGain doubles it (peak 0.125 -> 0.25).
  const quietTrack = makeAudio({ title: "Quiet", artist: "Seamless", album: "Quiet Album", track: 1, replayGainDb: 6.02 }, 3, "flac");
  await node.upload(token, "quiet.flac", bytesOf(quietTrack));
  browser = await launch();
  page = await (await browser.newContext()).newPage();
  await page.addInitScript(
    ({ silentMax, runKeptMin }) => {
      const fresh = (): Silence => ({ peak: 0, sounding: 0, runs: [], run: 0, runStart: 0 });
      const meters: Meters = { mix: fresh(), decoded: fresh(), starts: [] };
      (window as unknown as TapWindow).__meters = meters;
      const measure = (silence: Silence, samples: Float32Array, at: number, rate: number) => {
        samples.forEach((x, i) => {
          silence.peak = Math.max(silence.peak, Math.abs(x));
          if (Math.abs(x) > silentMax) {
            if (silence.sounding > 0 && silence.run >= runKeptMin) silence.runs.push([silence.runStart, silence.run]);
            silence.sounding += 1;
            silence.run = 0;
          } else if (silence.sounding > 0) {
            if (silence.run === 0) silence.runStart = at + i / rate;
            silence.run += 1;
          }
        });
      };
      const connect = AudioNode.prototype.connect as (this: AudioNode, ...args: unknown[]) => unknown;
      // A silent branch to the output that measures what enters it.
      const tapInto = (ctx: BaseAudioContext, silence: Silence): AudioNode => {
        const processor = ctx.createScriptProcessor(256, 1, 1);
        const sink = ctx.createGain();
        sink.gain.value = 0;
        connect.call(processor, sink);
        connect.call(sink, ctx.destination);
        processor.onaudioprocess = (event) =>
          measure(silence, event.inputBuffer.getChannelData(0), event.playbackTime, ctx.sampleRate);
        return processor;
      };
      const taps = new WeakMap<BaseAudioContext, { mix: AudioNode; decoded: AudioNode }>();
      const fedByElement = new WeakSet<AudioNode>();
      AudioNode.prototype.connect = function (this: AudioNode, ...args: unknown[]) {
        const result = connect.apply(this, args);
        if (this instanceof MediaElementAudioSourceNode && args[0] instanceof AudioNode) fedByElement.add(args[0]);
        if (args[0] instanceof AudioDestinationNode) {
          const ctx = this.context;
          let tap = taps.get(ctx);
          if (!tap) {
            tap = { mix: tapInto(ctx, meters.mix), decoded: tapInto(ctx, meters.decoded) };
            taps.set(ctx, tap);
          }
          connect.call(this, tap.mix);
          if (!fedByElement.has(this)) connect.call(this, tap.decoded);
        }
        return result;
      } as typeof AudioNode.prototype.connect;
      const start = AudioBufferSourceNode.prototype.start;
      AudioBufferSourceNode.prototype.start = function (
        this: AudioBufferSourceNode,
        when?: number,
        offset?: number,
        duration?: number,
      ) {
        if (offset === 0 && when !== undefined) meters.starts.push(when);
        start.call(this, when, offset, duration);
      };
    },
    { silentMax: kSilentSampleMax, runKeptMin: kRunKeptMin },
  );
  await signIn(page, `${node.url}/`, adminPassword);
  await page.getByRole("link", { name: "Continuous" }).first().click();
});

afterAll(async () => {
  await browser?.close();
  await node.stop();
});

async function meters(): Promise<Meters> {
  const result = await page.evaluate(() => structuredClone((window as unknown as TapWindow).__meters));
  console.log(`meters: ${JSON.stringify(result)}`);
  return result;
}

async function resetMeters(): Promise<void> {
  await page.evaluate(() => {
    const m = (window as unknown as TapWindow).__meters;
    for (const silence of [m.mix, m.decoded]) Object.assign(silence, { peak: 0, sounding: 0, runs: [], run: 0 });
    m.starts = [];
  });
}

async function playAcrossTheJoin(): Promise<void> {
  await resetMeters();
  await page.getByRole("button", { name: "Play album", exact: true }).click();
  await expect.poll(() => page.getByTestId("now-playing-title").textContent(), { timeout: 15_000 }).toBe("Part Two");
  await page.waitForTimeout(1500);
  await page.getByRole("button", { name: "Pause" }).click();
}

it("plays two consecutive tracks without a silent gap at the join", async () => {
  await playAcrossTheJoin();
  const { mix, decoded, starts } = await meters();
  // About 5.5 s of tone were heard (4 s + 1.5 s), Part Two from the chain,
  // scheduled once, from its beginning.
  expect(mix.sounding).toBeGreaterThan(4 * kSampleRate);
  expect(decoded.sounding).toBeGreaterThan(1.5 * kSampleRate);
  expect(starts).toHaveLength(1);
  const join = starts[0] as number;
  expect(longest(mix, join - kJoinWindowSeconds, join + kJoinWindowSeconds)).toBeLessThan(kSampleRate / 2000); // under half a millisecond
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
  const { mix, decoded } = await meters();
  expect(decoded.sounding).toBe(0); // the elements played both tracks
  expect(longest(mix)).toBeGreaterThan(kSampleRate / 1000); // over a millisecond of silence
});

it("amplifies a quiet track by its ReplayGain through the audio graph", async () => {
  const playQuiet = async () => {
    await page.getByRole("link", { name: "Albums" }).click();
    await page.getByRole("link", { name: "Quiet Album" }).first().click();
    await resetMeters();
    await page.getByRole("button", { name: "Play album", exact: true }).click();
    await page.getByRole("button", { name: "Pause" }).waitFor();
    await page.waitForTimeout(1000);
    await page.getByRole("button", { name: "Pause" }).click();
    return (await meters()).mix.peak;
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
