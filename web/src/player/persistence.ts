// What the player remembers across a reload: the queue, where it was in the
// current track, and the listener's settings.
import type { Track } from "../api/types";
import { readJson, writeJson } from "../lib/storage";
import { emptyQueue, makeEntries, type Queue, type RepeatMode } from "./queue";
import { defaultReplayGain, type ReplayGainSettings } from "./replayGain";

// One saved player per account on this browser.
const keyOf = (userId: string) => `dispotify.player.${userId}`;
// Enough for any album or playlist; a larger queue is cut when saved.
const kSavedEntriesMax = 2000;

export interface SavedPlayer {
  tracks: Track[];
  index: number;
  shuffle: boolean;
  repeat: RepeatMode;
  position: number;
  volume: number;
  muted: boolean;
  replayGain: ReplayGainSettings;
  gapless?: boolean;
}

export interface RestoredPlayer {
  queue: Queue;
  position: number;
  volume: number;
  muted: boolean;
  replayGain: ReplayGainSettings;
  gapless: boolean;
}

export function savePlayer(userId: string, state: RestoredPlayer): void {
  const start = Math.max(0, Math.min(state.queue.index, state.queue.entries.length - kSavedEntriesMax));
  const saved: SavedPlayer = {
    tracks: state.queue.entries.slice(start, start + kSavedEntriesMax).map((e) => e.track),
    index: state.queue.index - start,
    shuffle: state.queue.shuffle,
    repeat: state.queue.repeat,
    position: state.position,
    volume: state.volume,
    muted: state.muted,
    replayGain: state.replayGain,
    gapless: state.gapless,
  };
  writeJson(keyOf(userId), saved);
}

export function loadPlayer(userId: string): RestoredPlayer {
  const saved = readJson<SavedPlayer>(keyOf(userId));
  const fallback = {
    queue: emptyQueue,
    position: 0,
    volume: 1,
    muted: false,
    replayGain: defaultReplayGain,
    gapless: true,
  };
  if (!saved || !Array.isArray(saved.tracks)) return fallback;
  const entries = makeEntries(saved.tracks.filter((t) => t && typeof t.id === "string"));
  const index = entries.length === 0 ? -1 : Math.min(Math.max(saved.index | 0, 0), entries.length - 1);
  return {
    queue: {
      entries,
      index,
      shuffle: !!saved.shuffle,
      repeat: saved.repeat === "all" || saved.repeat === "one" ? saved.repeat : "off",
      unshuffled: null,
    },
    position: Number.isFinite(saved.position) && saved.position > 0 ? saved.position : 0,
    volume: Number.isFinite(saved.volume) ? Math.min(Math.max(saved.volume, 0), 1) : 1,
    muted: !!saved.muted,
    replayGain: saved.replayGain?.mode ? saved.replayGain : defaultReplayGain,
    gapless: saved.gapless !== false,
  };
}
