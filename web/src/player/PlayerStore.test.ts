import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { stubMedia } from "../test/renderWithPlayer";
import { makeTrack } from "../test/tracks";
import { PlayerStore } from "./PlayerStore";

beforeEach(() => {
  vi.useFakeTimers();
  stubMedia();
});
afterEach(() => vi.useRealTimers());

function failActive(store: PlayerStore) {
  const audio = store.engine.active;
  Object.defineProperty(audio, "error", { value: { code: 4, message: "" }, configurable: true });
  audio.dispatchEvent(new Event("error"));
}

it("skips a track that cannot be played, and says which", async () => {
  const store = new PlayerStore("u1");
  store.playTracks([makeTrack(0), makeTrack(1)], 0);
  for (let attempt = 1; attempt <= 5; attempt++) {
    failActive(store);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(store.currentTrack()?.id).toBe("t0"); // still retrying
  }
  failActive(store);
  expect(store.currentTrack()?.id).toBe("t1");
  expect(store.snapshot().failure).toBe("Could not play “Track 0”: media error 4");
  await vi.advanceTimersByTimeAsync(8000);
  expect(store.snapshot().failure).toBeNull();
});

it("keeps the queue and the position for the next page load", () => {
  const store = new PlayerStore("u1");
  store.playTracks([makeTrack(0), makeTrack(1), makeTrack(2)], 1);
  store.toggleShuffle();
  store.setVolume(0.4);
  const restored = new PlayerStore("u1");
  expect(restored.currentTrack()?.id).toBe("t1");
  expect(restored.snapshot().queue.entries).toHaveLength(3);
  expect(restored.snapshot().queue.shuffle).toBe(true);
  expect(restored.snapshot().volume).toBe(0.4);
});
