import { describe, expect, it } from "vitest";
import type { Track } from "../api/types";
import {
  current,
  cycleRepeat,
  emptyQueue,
  enqueue,
  move,
  nextIndex,
  playTracks,
  previousIndex,
  removeAt,
  setShuffle,
} from "./queue";

function track(id: string): Track {
  return { id, title: `Song ${id}` } as Track;
}
const tracks = ["a", "b", "c", "d", "e"].map(track);
const ids = (q: { entries: { track: Track }[] }) => q.entries.map((e) => e.track.id).join("");

describe("queue", () => {
  it("plays from the chosen track and stops at the end with repeat off", () => {
    const q = playTracks(emptyQueue, tracks, 3);
    expect(current(q)?.track.id).toBe("d");
    expect(nextIndex(q, true)).toBe(4);
    expect(nextIndex({ ...q, index: 4 }, true)).toBe(-1);
  });

  it("wraps with repeat all and replays with repeat one only when a track ends", () => {
    let q = playTracks(emptyQueue, tracks, 4);
    q = cycleRepeat(q);
    expect(q.repeat).toBe("all");
    expect(nextIndex(q, true)).toBe(0);
    q = cycleRepeat(q);
    expect(q.repeat).toBe("one");
    expect(nextIndex(q, true)).toBe(4);
    expect(nextIndex(q, false)).toBe(0); // the Next button still moves on
    expect(cycleRepeat(q).repeat).toBe("off");
  });

  it("goes back, wrapping only with repeat", () => {
    const q = playTracks(emptyQueue, tracks, 0);
    expect(previousIndex(q)).toBe(0);
    expect(previousIndex({ ...q, repeat: "all" })).toBe(4);
    expect(previousIndex({ ...q, index: 2 })).toBe(1);
  });

  it("shuffles only what is still to come and restores the order", () => {
    const q = playTracks(emptyQueue, tracks, 1);
    const reversed = () => 0; // a deterministic "random" source
    const s = setShuffle(q, true, reversed);
    expect(s.shuffle).toBe(true);
    expect(ids(s).slice(0, 2)).toBe("ab");
    expect(ids(s).split("").sort().join("")).toBe("abcde");
    expect(ids(s)).not.toBe("abcde");
    const back = setShuffle({ ...s, index: 3 }, false);
    expect(ids(back)).toBe("abcde");
    expect(current(back)?.track.id).toBe(current({ ...s, index: 3 })?.track.id);
  });

  it("starts a shuffled album with the chosen track", () => {
    const q = playTracks({ ...emptyQueue, shuffle: true }, tracks, 2, () => 0.5);
    expect(current(q)?.track.id).toBe("c");
    expect(q.entries).toHaveLength(5);
  });

  it("keeps the current track when entries before it are removed or moved", () => {
    let q = playTracks(emptyQueue, tracks, 2);
    q = removeAt(q, 0);
    expect(current(q)?.track.id).toBe("c");
    q = move(q, 1, 3);
    expect(ids(q)).toBe("bdec");
    expect(current(q)?.track.id).toBe("c");
  });

  it("inserts play-next after the current track", () => {
    let q = playTracks(emptyQueue, tracks.slice(0, 2), 0);
    q = enqueue(q, [track("x")], true);
    expect(ids(q)).toBe("axb");
    q = enqueue(q, [track("y")], false);
    expect(ids(q)).toBe("axby");
  });
});
