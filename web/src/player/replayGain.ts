// ReplayGain: the loudness correction stored in the tags, applied as a
// gain factor. A factor above 1 amplifies (through Web Audio once the
// player's audio graph runs; an <audio> element alone stops at full
// volume); the track's peak keeps the result from clipping.
import type { Track } from "../api/types";

export type ReplayGainMode = "off" | "track" | "album";

export interface ReplayGainSettings {
  mode: ReplayGainMode;
  preampDb: number; // added to the tag's gain, -15..15
}

// +12 dB: more would mostly amplify noise.
export const kGainFactorMax = 4;

export const defaultReplayGain: ReplayGainSettings = { mode: "track", preampDb: 0 };

export function gainFactor(track: Track | null, settings: ReplayGainSettings): number {
  if (!track || settings.mode === "off" || !track.replaygain) return 1;
  const rg = track.replaygain;
  const gain = settings.mode === "album" ? (rg.album_gain_db ?? rg.track_gain_db) : (rg.track_gain_db ?? rg.album_gain_db);
  if (gain === null || gain === undefined) return 1;
  const peak = settings.mode === "album" ? (rg.album_peak ?? rg.track_peak) : (rg.track_peak ?? rg.album_peak);
  let factor = Math.pow(10, (gain + settings.preampDb) / 20);
  if (peak && peak > 0) factor = Math.min(factor, 1 / peak);
  return Math.min(Math.max(factor, 0), kGainFactorMax);
}
