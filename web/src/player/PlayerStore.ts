// The player: the queue (queue.ts), the audio (AudioEngine.ts) and the
// listener's settings, kept in step. Components read it through hooks
// (usePlayer.ts) and change it only through these methods.
import { streamUrl } from "../api/endpoints";
import type { Track } from "../api/types";
import { AudioEngine } from "./AudioEngine";
import { NodeDirectory } from "./NodeDirectory";
import { loadPlayer, savePlayer } from "./persistence";
import * as Q from "./queue";
import { gainFactor, type ReplayGainSettings } from "./replayGain";

export interface PlayerState {
  queue: Q.Queue;
  volume: number;
  muted: boolean;
  replayGain: ReplayGainSettings;
  gapless: boolean;
  failure: string | null;
}

const kRestartAfterSeconds = 3;
const kSaveEveryMs = 2000;
const kFailureShownMs = 8000;

export class PlayerStore {
  readonly engine: AudioEngine;
  // Where streams come from: another node of the cluster once this page's is gone.
  readonly nodes = new NodeDirectory();
  private state: PlayerState;
  private listeners = new Set<() => void>();
  private lastSaveMs = 0;
  private failuresInARow = 0;

  // `userId`: whose saved queue and settings to restore and keep.
  constructor(private readonly userId: string) {
    const restored = loadPlayer(userId);
    this.state = {
      queue: restored.queue,
      volume: restored.volume,
      muted: restored.muted,
      replayGain: restored.replayGain,
      gapless: restored.gapless,
      failure: null,
    };
    this.engine = new AudioEngine(
      (track, attempt) => this.nodes.streamBase + streamUrl(track.id) + (attempt > 0 ? `&retry=${attempt}` : ""),
      {
        ended: () => this.advance(true),
        failed: (message) => this.onFailed(message),
        playingChanged: (playing) => {
          if (playing) this.failuresInARow = 0;
          this.emit();
        },
      },
      document.body,
      this.nodes,
    );
    this.engine.subscribe(() => this.maybeSave());
    this.engine.setGapless(this.state.gapless);
    const entry = Q.current(this.state.queue);
    if (entry) this.engine.load(entry.track, restored.position, false);
    this.applyVolume();
    window.addEventListener("pagehide", this.save);
  }

  // Signing out: the music stops and the player's elements go away.
  dispose(): void {
    this.save();
    window.removeEventListener("pagehide", this.save);
    this.engine.dispose();
    this.listeners.clear();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  snapshot = (): PlayerState => this.state;

  currentTrack(): Track | null {
    return Q.current(this.state.queue)?.track ?? null;
  }

  playTracks(tracks: Track[], start = 0): void {
    if (tracks.length === 0) return;
    this.setQueue(Q.playTracks(this.state.queue, tracks, start));
    this.startCurrent(0, true);
  }

  enqueue(tracks: Track[], playNext = false): void {
    const wasEmpty = this.state.queue.entries.length === 0;
    this.setQueue(Q.enqueue(this.state.queue, tracks, playNext));
    if (wasEmpty) this.startCurrent(0, false);
    else this.preloadNext();
  }

  togglePlay(): void {
    if (!this.currentTrack()) return;
    if (this.engine.snapshot().playing) this.engine.pause();
    else this.play();
    this.emit();
  }

  play(): void {
    if (!this.currentTrack()) return;
    void this.nodes.refresh();
    this.engine.play();
  }
  pause(): void {
    this.engine.pause();
  }

  next(): void {
    this.advance(false);
  }

  previous(): void {
    if (this.engine.snapshot().currentTime > kRestartAfterSeconds) {
      this.engine.seek(0);
      return;
    }
    this.setQueue(Q.jumpTo(this.state.queue, Q.previousIndex(this.state.queue)));
    this.startCurrent(0, true);
  }

  jumpTo(index: number): void {
    this.setQueue(Q.jumpTo(this.state.queue, index));
    this.startCurrent(0, true);
  }

  seek(seconds: number): void {
    this.engine.seek(seconds);
  }
  seekBy(deltaSeconds: number): void {
    this.engine.seek(this.engine.snapshot().currentTime + deltaSeconds);
  }

  setVolume(volume: number): void {
    this.state = { ...this.state, volume: Math.min(Math.max(volume, 0), 1), muted: false };
    this.applyVolume();
    this.emit();
    this.save();
  }
  toggleMute(): void {
    this.state = { ...this.state, muted: !this.state.muted };
    this.applyVolume();
    this.emit();
    this.save();
  }
  setReplayGain(replayGain: ReplayGainSettings): void {
    this.state = { ...this.state, replayGain };
    this.applyVolume();
    this.emit();
    this.save();
  }

  setGapless(gapless: boolean): void {
    this.state = { ...this.state, gapless };
    this.engine.setGapless(gapless);
    this.emit();
    this.save();
  }

  toggleShuffle(): void {
    this.setQueue(Q.setShuffle(this.state.queue, !this.state.queue.shuffle));
    this.preloadNext();
  }
  cycleRepeat(): void {
    this.setQueue(Q.cycleRepeat(this.state.queue));
    this.preloadNext();
  }

  removeAt(index: number): void {
    const playing = this.state.queue.index === index;
    this.setQueue(Q.removeAt(this.state.queue, index));
    if (playing) {
      if (this.currentTrack()) this.startCurrent(0, this.engine.snapshot().playing);
      else this.engine.stop();
    } else {
      this.preloadNext();
    }
  }
  move(from: number, to: number): void {
    this.setQueue(Q.move(this.state.queue, from, to));
    this.preloadNext();
  }
  clearUpcoming(): void {
    this.setQueue(Q.clearUpcoming(this.state.queue));
  }

  private advance(automatic: boolean): void {
    const index = Q.nextIndex(this.state.queue, automatic);
    if (index < 0) {
      // The end of the queue: stop at the start of the last track.
      this.engine.pause();
      this.engine.seek(0);
      this.emit();
      return;
    }
    this.setQueue(Q.jumpTo(this.state.queue, index));
    this.startCurrent(0, true);
  }

  private startCurrent(position: number, autoplay: boolean): void {
    const track = this.currentTrack();
    if (!track) return;
    this.state = { ...this.state, failure: null };
    if (autoplay) void this.nodes.refresh();
    this.engine.load(track, position, autoplay);
    this.applyVolume();
    this.preloadNext();
    this.emit();
    this.save();
  }

  private preloadNext(): void {
    const index = Q.nextIndex(this.state.queue, true);
    const entry = index >= 0 && index !== this.state.queue.index ? this.state.queue.entries[index] : undefined;
    this.engine.preload(entry?.track ?? null);
  }

  // A track that cannot be played after the engine's retries is skipped,
  // unless every track of the queue failed in a row.
  private onFailed(message: string): void {
    const track = this.currentTrack();
    const failure = `Could not play ${track ? `“${track.title}”` : "the track"}: ${message}`;
    this.failuresInARow += 1;
    const index = Q.nextIndex(this.state.queue, false);
    if (index >= 0 && index !== this.state.queue.index && this.failuresInARow < this.state.queue.entries.length) {
      this.setQueue(Q.jumpTo(this.state.queue, index));
      this.startCurrent(0, true);
    }
    this.state = { ...this.state, failure };
    this.emit();
    window.setTimeout(() => {
      if (this.state.failure !== failure) return;
      this.state = { ...this.state, failure: null };
      this.emit();
    }, kFailureShownMs);
  }

  private applyVolume(): void {
    const factor = gainFactor(this.currentTrack(), this.state.replayGain);
    this.engine.setVolume(this.state.muted ? 0 : this.state.volume, factor);
  }

  private setQueue(queue: Q.Queue): void {
    this.state = { ...this.state, queue };
    this.emit();
    this.save();
  }

  private maybeSave(): void {
    const now = Date.now();
    if (now - this.lastSaveMs >= kSaveEveryMs) this.save();
  }

  private save = (): void => {
    this.lastSaveMs = Date.now();
    savePlayer(this.userId, {
      queue: this.state.queue,
      position: this.engine.snapshot().currentTime,
      volume: this.state.volume,
      muted: this.state.muted,
      replayGain: this.state.replayGain,
      gapless: this.state.gapless,
    });
  };

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
