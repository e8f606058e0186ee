import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { stubMedia } from "../test/renderWithPlayer";
import { makeTrack } from "../test/tracks";
import { AudioEngine } from "./AudioEngine";

beforeEach(() => {
  vi.useFakeTimers();
  stubMedia();
});
afterEach(() => vi.useRealTimers());

// jsdom's media elements do not play: these set what a browser would report.
function fake(audio: HTMLAudioElement, fields: Record<string, unknown>) {
  for (const [name, value] of Object.entries(fields)) Object.defineProperty(audio, name, { value, configurable: true, writable: true });
}

function setup() {
  const host = document.createElement("div");
  const events = { ended: vi.fn(), failed: vi.fn(), playingChanged: vi.fn() };
  const engine = new AudioEngine((track, attempt) => `/stream/${track.id}?attempt=${attempt}`, events, host);
  const [a, b] = [...host.querySelectorAll("audio")] as [HTMLAudioElement, HTMLAudioElement];
  return { engine, events, a, b };
}

it("retries a failed stream from the position it had reached", async () => {
  const { engine, a } = setup();
  engine.load(makeTrack(1), 0, true);
  expect(a.getAttribute("src")).toBe("/stream/t1?attempt=0");
  fake(a, { currentTime: 42, paused: false });
  a.dispatchEvent(new Event("timeupdate"));
  fake(a, { error: { code: 2, message: "network error" } });
  a.dispatchEvent(new Event("error"));
  expect(engine.snapshot().error).toContain("retrying (1/5)");
  await vi.advanceTimersByTimeAsync(600);
  expect(a.getAttribute("src")).toBe("/stream/t1?attempt=1");
  fake(a, { currentTime: 0 });
  a.dispatchEvent(new Event("loadedmetadata"));
  expect(a.currentTime).toBe(42);
});

it("gives up after the last retry and says why", async () => {
  const { engine, events, a } = setup();
  engine.load(makeTrack(1), 0, true);
  fake(a, { error: { code: 4, message: "" } });
  for (let attempt = 1; attempt <= 6; attempt++) {
    a.dispatchEvent(new Event("error"));
    await vi.advanceTimersByTimeAsync(500 * 2 ** attempt);
  }
  expect(events.failed).toHaveBeenCalledOnce();
  expect(engine.snapshot().error).toBe("media error 4");
});

it("plays a preloaded next track by swapping elements, without a new request", () => {
  const { engine, a, b } = setup();
  engine.load(makeTrack(1), 0, true);
  engine.preload(makeTrack(2));
  expect(b.getAttribute("src")).toBe("/stream/t2?attempt=0");
  engine.load(makeTrack(2), 0, true);
  expect(engine.active).toBe(b);
  expect(b.dataset.active).toBe("true");
  expect(a.dataset.active).toBe("false");
  expect(b.getAttribute("src")).toBe("/stream/t2?attempt=0");
});

it("starts a restored track at the saved position once its metadata is known", () => {
  const { engine, a } = setup();
  engine.load(makeTrack(1), 17.5, false);
  expect(engine.snapshot().currentTime).toBe(17.5);
  a.dispatchEvent(new Event("loadedmetadata"));
  expect(a.currentTime).toBe(17.5);
});

it("requests a track anew when its preload failed", () => {
  const { engine, a, b } = setup();
  engine.load(makeTrack(1), 0, true);
  engine.preload(makeTrack(2));
  fake(b, { error: { code: 2, message: "network error" } });
  engine.load(makeTrack(2), 0, true);
  expect(engine.active).toBe(a);
  expect(a.getAttribute("src")).toBe("/stream/t2?attempt=0");
});

it("applies ReplayGain to an element alone only up to full volume", () => {
  const { engine, a, b } = setup();
  engine.setVolume(0.25, 2);
  expect(a.volume).toBeCloseTo(0.5);
  expect(b.volume).toBeCloseTo(0.5);
  engine.setVolume(0.8, 2);
  expect(a.volume).toBe(1);
  engine.setVolume(0.8, 0.5);
  expect(a.volume).toBeCloseTo(0.4);
});

// A cluster of two nodes for the engine: `up` says whether the streams' node answers.
function withFailover(up: { value: boolean }) {
  const host = document.createElement("div");
  const events = { ended: vi.fn(), failed: vi.fn(), playingChanged: vi.fn() };
  let base = "http://n1";
  const failover = {
    hasAlternatives: true,
    serving: vi.fn(async () => up.value),
    moveOn: vi.fn(async () => {
      base = "http://n2";
      up.value = true;
      return true;
    }),
  };
  const engine = new AudioEngine((track, attempt) => `${base}/stream/${track.id}?attempt=${attempt}`, events, host, failover);
  const [a, b] = [...host.querySelectorAll("audio")] as [HTMLAudioElement, HTMLAudioElement];
  return { engine, failover, a, b };
}

it("continues a failed stream at once on another node when its own no longer answers, without an error", async () => {
  const up = { value: true };
  const { engine, failover, a } = withFailover(up);
  engine.load(makeTrack(1), 0, true);
  expect(a.crossOrigin).toBe("anonymous"); // audible through Web Audio from another origin
  fake(a, { currentTime: 42, paused: false, readyState: 4 });
  a.dispatchEvent(new Event("timeupdate"));
  up.value = false;
  fake(a, { error: { code: 2, message: "network error" } });
  a.dispatchEvent(new Event("error"));
  await vi.advanceTimersByTimeAsync(0);
  expect(failover.moveOn).toHaveBeenCalledOnce();
  expect(a.getAttribute("src")).toBe("http://n2/stream/t1?attempt=0");
  expect(engine.snapshot().error).toBeNull();
  fake(a, { currentTime: 0 });
  a.dispatchEvent(new Event("loadedmetadata"));
  expect(a.currentTime).toBe(42);
});

it("retries on the same node when it still answers (the stream, not the node, failed)", async () => {
  const { engine, failover, a } = withFailover({ value: true });
  engine.load(makeTrack(1), 0, true);
  fake(a, { error: { code: 2, message: "network error" } });
  a.dispatchEvent(new Event("error"));
  await vi.advanceTimersByTimeAsync(0);
  expect(failover.moveOn).not.toHaveBeenCalled();
  expect(engine.snapshot().error).toContain("retrying (1/5)");
  await vi.advanceTimersByTimeAsync(600);
  expect(a.getAttribute("src")).toBe("http://n1/stream/t1?attempt=1");
});

it("leaves a node that died while the stream still downloads, before the buffer runs out", async () => {
  const up = { value: true };
  const { engine, failover, a, b } = withFailover(up);
  engine.load(makeTrack(1), 0, true);
  engine.preload(makeTrack(2));
  const halfBuffered = { length: 1, start: () => 0, end: () => 30 };
  fake(a, { currentTime: 20, paused: false, readyState: 4, duration: 120, buffered: halfBuffered });
  await vi.advanceTimersByTimeAsync(2_100);
  expect(failover.serving).toHaveBeenCalled();
  expect(failover.moveOn).not.toHaveBeenCalled();
  up.value = false;
  await vi.advanceTimersByTimeAsync(2_000);
  expect(failover.moveOn).toHaveBeenCalledOnce();
  expect(a.getAttribute("src")).toBe("http://n2/stream/t1?attempt=0");
  expect(b.getAttribute("src")).toBe("http://n2/stream/t2?attempt=0");
  engine.dispose();
});
