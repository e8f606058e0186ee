import { expect, it } from "vitest";
import type { Track } from "../api/types";
import { gainFactor } from "./replayGain";

const track = (track_gain_db: number | null, album_gain_db: number | null, track_peak: number | null = null) =>
  ({ replaygain: { track_gain_db, album_gain_db, track_peak, album_peak: null } }) as Track;

it("turns a gain in dB into a volume factor", () => {
  expect(gainFactor(track(-6.02, null), { mode: "track", preampDb: 0 })).toBeCloseTo(0.5, 2);
  expect(gainFactor(track(-6.02, -12.04), { mode: "album", preampDb: 0 })).toBeCloseTo(0.25, 2);
  expect(gainFactor(track(-12.04, null), { mode: "track", preampDb: 6.02 })).toBeCloseTo(0.5, 2);
});

it("falls back to the other gain, ignores tracks without one and amplifies only up to the peak", () => {
  expect(gainFactor(track(null, -6.02), { mode: "track", preampDb: 0 })).toBeCloseTo(0.5, 2);
  expect(gainFactor(track(null, null), { mode: "track", preampDb: 0 })).toBe(1);
  expect(gainFactor(track(-6, null), { mode: "off", preampDb: 0 })).toBe(1);
  expect(gainFactor(track(6.02, null), { mode: "track", preampDb: 0 })).toBeCloseTo(2, 2);
  expect(gainFactor(track(6.02, null, 0.8), { mode: "track", preampDb: 0 })).toBeCloseTo(1.25, 2);
  expect(gainFactor(track(0, null, 1.25), { mode: "track", preampDb: 0 })).toBeCloseTo(0.8, 2);
  expect(gainFactor(track(30, null), { mode: "track", preampDb: 15 })).toBe(4);
});
