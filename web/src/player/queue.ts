// The play queue as a pure value: what plays now, what comes next, shuffle
// and repeat. Every operation returns a new Queue; nothing here touches
// audio or the DOM, so the rules are tested on their own (queue.test.ts).
import type { Track } from "../api/types";

export type RepeatMode = "off" | "all" | "one";

export interface QueueEntry {
  key: string; // unique within the queue (the same track may be queued twice)
  track: Track;
}

export interface Queue {
  entries: QueueEntry[];
  index: number; // -1 when empty
  shuffle: boolean;
  repeat: RepeatMode;
  // The order before shuffle was turned on, restored when it is turned off.
  unshuffled: QueueEntry[] | null;
}

export const kQueueEntriesMax = 10_000;

export const emptyQueue: Queue = { entries: [], index: -1, shuffle: false, repeat: "off", unshuffled: null };

let nextKey = 0;
export function makeEntries(tracks: Track[]): QueueEntry[] {
  return tracks.map((track) => ({ key: `q${Date.now().toString(36)}-${(nextKey++).toString(36)}`, track }));
}

export function current(queue: Queue): QueueEntry | null {
  return queue.entries[queue.index] ?? null;
}

function shuffled<T>(items: T[], random: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

// Replaces the queue with `tracks`, starting at `start`. With shuffle on,
// the chosen track plays first and the rest follow in random order.
export function playTracks(queue: Queue, tracks: Track[], start: number, random = Math.random): Queue {
  const entries = makeEntries(tracks.slice(0, kQueueEntriesMax));
  const first = Math.min(Math.max(start, 0), entries.length - 1);
  if (!queue.shuffle || entries.length === 0) return { ...queue, entries, index: first, unshuffled: null };
  const chosen = entries[first] as QueueEntry;
  const rest = shuffled(
    entries.filter((_, i) => i !== first),
    random,
  );
  return { ...queue, entries: [chosen, ...rest], index: 0, unshuffled: entries };
}

export function enqueue(queue: Queue, tracks: Track[], playNext: boolean): Queue {
  const room = kQueueEntriesMax - queue.entries.length;
  const added = makeEntries(tracks.slice(0, Math.max(room, 0)));
  const at = playNext ? queue.index + 1 : queue.entries.length;
  const entries = [...queue.entries.slice(0, at), ...added, ...queue.entries.slice(at)];
  const unshuffled = queue.unshuffled ? [...queue.unshuffled, ...added] : null;
  return { ...queue, entries, index: queue.index < 0 && entries.length > 0 ? 0 : queue.index, unshuffled };
}

// The index that plays after the current one, or -1 to stop. `automatic`
// is true when the current track ended by itself (repeat one replays it).
export function nextIndex(queue: Queue, automatic: boolean): number {
  if (queue.entries.length === 0) return -1;
  if (automatic && queue.repeat === "one") return queue.index;
  if (queue.index + 1 < queue.entries.length) return queue.index + 1;
  return queue.repeat === "off" ? -1 : 0;
}

export function previousIndex(queue: Queue): number {
  if (queue.entries.length === 0) return -1;
  if (queue.index > 0) return queue.index - 1;
  return queue.repeat === "off" ? 0 : queue.entries.length - 1;
}

export function jumpTo(queue: Queue, index: number): Queue {
  if (index < 0 || index >= queue.entries.length) return queue;
  return { ...queue, index };
}

export function setShuffle(queue: Queue, on: boolean, random = Math.random): Queue {
  if (on === queue.shuffle) return queue;
  const playing = current(queue);
  if (on) {
    const upcoming = shuffled(queue.entries.slice(queue.index + 1), random);
    const played = queue.entries.slice(0, queue.index + 1);
    return { ...queue, shuffle: true, entries: [...played, ...upcoming], unshuffled: queue.entries };
  }
  const entries = queue.unshuffled ?? queue.entries;
  const index = playing ? entries.findIndex((e) => e.key === playing.key) : -1;
  return { ...queue, shuffle: false, entries, index: index >= 0 ? index : queue.index, unshuffled: null };
}

export function cycleRepeat(queue: Queue): Queue {
  const order: RepeatMode[] = ["off", "all", "one"];
  const repeat = order[(order.indexOf(queue.repeat) + 1) % order.length] as RepeatMode;
  return { ...queue, repeat };
}

export function removeAt(queue: Queue, index: number): Queue {
  if (index < 0 || index >= queue.entries.length) return queue;
  const removed = queue.entries[index] as QueueEntry;
  const entries = queue.entries.filter((_, i) => i !== index);
  let newIndex = queue.index;
  if (index < queue.index) newIndex -= 1;
  if (newIndex >= entries.length) newIndex = entries.length - 1;
  const unshuffled = queue.unshuffled ? queue.unshuffled.filter((e) => e.key !== removed.key) : null;
  return { ...queue, entries, index: newIndex, unshuffled };
}

export function move(queue: Queue, from: number, to: number): Queue {
  const n = queue.entries.length;
  if (from < 0 || from >= n || to < 0 || to >= n || from === to) return queue;
  const entries = queue.entries.slice();
  const [moved] = entries.splice(from, 1);
  entries.splice(to, 0, moved as QueueEntry);
  const playingKey = current(queue)?.key;
  const index = entries.findIndex((e) => e.key === playingKey);
  return { ...queue, entries, index };
}

export function clearUpcoming(queue: Queue): Queue {
  const entries = queue.entries.slice(0, queue.index + 1);
  return { ...queue, entries, unshuffled: null };
}
