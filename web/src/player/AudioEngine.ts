// Plays one track at a time through two <audio> elements: the active one
// and a standby one that preloads the next track, so the switch at the end
// of a track is a swap of elements instead of a new request (the gap is an
// event's latency, not a round trip).
//
// A failed stream (network error, a node that went away, a 5xx) is retried
// from the position it had reached, with backoff, before giving up. On a
// cluster, a stream whose node no longer answers continues at once from
// the same position on another node (StreamFailover), without an error.
import type { Track } from "../api/types";
import { GaplessChain } from "./GaplessChain";
import { fullyBuffered } from "./mediaBuffer";

export interface EngineTime {
  trackId: string | null;
  currentTime: number;
  duration: number;
  buffered: Array<[number, number]>;
  playing: boolean;
  waiting: boolean;
  error: string | null;
}

// Moves the streams to another node when theirs is gone (NodeDirectory).
export interface StreamFailover {
  readonly hasAlternatives: boolean;
  serving(): Promise<boolean>; // whether the streams' node answers at all
  moveOn(): Promise<boolean>; // false: no other node answers
}

export interface EngineEvents {
  ended: () => void;
  failed: (message: string) => void;
  playingChanged: (playing: boolean) => void;
}

const kRetriesMax = 5;
const kRetryDelayMsBase = 500;
const kStallMsMax = 12_000;
// Gapless: how long before the end of a track the next one is decoded, and
// the longest track decoded whole (memory: about 10 MB per stereo minute).
const kGaplessLeadSeconds = 15;
const kGaplessTrackSecondsMax = 20 * 60;
const kChainTickMs = 250;
// How often the node a playing stream still downloads from is checked:
// the element plays from its buffer for a while after its node died (and
// the browser retries quietly), so waiting for an error means silence.
const kServingCheckMs = 2_000;

type UrlOf = (track: Track, attempt: number) => string;

export class AudioEngine {
  private elements: [HTMLAudioElement, HTMLAudioElement];
  private activeSlot = 0;
  private trackIds: [string | null, string | null] = [null, null];
  private retries = 0;
  private retryTimer: number | null = null;
  private stallTimer: number | null = null;
  private resumeAt: number | null = null;
  private wantPlaying = false;
  private volume = 1;
  private gain = 1; // ReplayGain factor, may exceed 1
  private time: EngineTime = emptyTime();
  private listeners = new Set<() => void>();
  private nextTrack: Track | null = null;
  private gaplessPair: string | null = null;
  private chainTimer: number | null = null;
  private gaplessEnabled = true;
  private nodeCheck: Promise<boolean> | null = null; // a serving()/moveOn() round under way
  private servingTimer: number | null = null;
  private readonly chain = new GaplessChain({
    advanced: () => this.events.ended(),
    ended: (id) => {
      // Back to the elements, on the track that just ended, so that what
      // the player does next (stop at the end, or play it again) acts on it.
      this.stopChainTicks();
      this.wantPlaying = false;
      this.trackIds[this.activeSlot] = id;
      this.active.src = this.urlOf({ id } as Track, 0);
      this.active.load();
      this.events.ended();
    },
  });

  constructor(
    private readonly urlOf: UrlOf,
    private readonly events: EngineEvents,
    host: HTMLElement = document.body,
    private readonly failover: StreamFailover | null = null,
  ) {
    this.elements = [this.makeElement(0, host), this.makeElement(1, host)];
    if (failover) this.servingTimer = window.setInterval(() => this.checkServingNode(), kServingCheckMs);
  }

  private makeElement(slot: number, host: HTMLElement): HTMLAudioElement {
    const audio = document.createElement("audio");
    // CORS mode: a stream from another node (failover) must stay audible
    // through Web Audio, which silences cross-origin media without CORS.
    audio.crossOrigin = "anonymous";
    audio.preload = "auto";
    audio.dataset.slot = String(slot);
    audio.setAttribute("aria-hidden", "true");
    host.appendChild(audio);
    const whenActive = (handler: () => void) => () => {
      if (this.elements[this.activeSlot] === audio) handler();
    };
    audio.addEventListener("timeupdate", whenActive(() => this.onTimeUpdate()));
    audio.addEventListener("progress", whenActive(() => this.refresh()));
    audio.addEventListener("durationchange", whenActive(() => this.refresh()));
    audio.addEventListener("loadedmetadata", whenActive(() => this.onLoadedMetadata()));
    audio.addEventListener("playing", whenActive(() => this.onPlaying()));
    audio.addEventListener("pause", whenActive(() => this.refresh()));
    audio.addEventListener("waiting", whenActive(() => this.onWaiting()));
    audio.addEventListener("ended", whenActive(() => this.events.ended()));
    audio.addEventListener("error", whenActive(() => this.onError()));
    return audio;
  }

  get active(): HTMLAudioElement {
    return this.elements[this.activeSlot] as HTMLAudioElement;
  }
  private get standby(): HTMLAudioElement {
    return this.elements[1 - this.activeSlot] as HTMLAudioElement;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  snapshot(): EngineTime {
    return this.time;
  }

  // Starts `track` at `startAt` seconds; plays it if `autoplay`.
  load(track: Track, startAt: number, autoplay: boolean): void {
    if (this.chain.active && this.chain.currentId === track.id && startAt === 0) {
      // The chain already started this track, on time: nothing to load.
      this.wantPlaying = true;
      this.time = { ...this.time, trackId: track.id, error: null };
      this.refresh();
      return;
    }
    this.leaveChain();
    this.clearTimers();
    this.retries = 0;
    this.wantPlaying = autoplay;
    this.active.pause();
    const standbySlot = 1 - this.activeSlot;
    // A preload that failed is not swapped in: the track is requested anew.
    if (this.trackIds[standbySlot] === track.id && startAt === 0 && !this.standby.error) {
      this.activeSlot = standbySlot; // preloaded: swap, no new request
      this.active.currentTime = 0;
    } else {
      this.trackIds[this.activeSlot] = track.id;
      this.resumeAt = startAt > 0 ? startAt : null;
      this.active.src = this.urlOf(track, 0);
      this.active.load();
    }
    this.applyVolume();
    this.elements.forEach((audio, slot) => (audio.dataset.active = String(slot === this.activeSlot)));
    this.time = { ...emptyTime(), trackId: track.id, duration: track.duration_ms / 1000, currentTime: startAt };
    if (autoplay) this.playActive();
    this.refresh();
  }

  // Decoded-audio playback (GaplessChain) once both tracks of a transition are decoded.
  private maybePrepareGapless(): void {
    const audio = this.active;
    const current = this.trackIds[this.activeSlot];
    const next = this.nextTrack;
    if (!this.gaplessEnabled || !current || !next || this.chain.active || !this.wantPlaying || audio.paused) return;
    if (!Number.isFinite(audio.duration) || audio.duration > kGaplessTrackSecondsMax) return;
    if (next.duration_ms / 1000 > kGaplessTrackSecondsMax) return;
    if (audio.duration - audio.currentTime > kGaplessLeadSeconds || !this.chain.canTakeOver(audio)) return;
    const pair = `${current}>${next.id}`;
    if (this.gaplessPair === pair) return;
    this.gaplessPair = pair;
    const still = () =>
      this.trackIds[this.activeSlot] === current && this.nextTrack?.id === next.id && this.wantPlaying && !this.chain.active;
    Promise.all([
      this.chain.decode(current, this.urlOf({ id: current } as Track, 0)),
      this.chain.decode(next.id, this.urlOf(next, 0)),
    ]).then(
      ([currentBuffer, nextBuffer]) => {
        const element = this.active;
        if (!still() || element.paused || element.duration - element.currentTime < 1) return;
        this.applyVolume();
        this.chain.takeOver(element, current, currentBuffer);
        this.chain.scheduleNext(next.id, nextBuffer);
        this.startChainTicks();
      },
      () => undefined, // Not decodable here: the element plays on, with a small gap at the end.
    );
  }

  private scheduleInChain(track: Track): void {
    const current = this.chain.currentId;
    this.chain.decode(track.id, this.urlOf(track, 0)).then(
      (buffer) => {
        if (this.chain.currentId === current && this.nextTrack?.id === track.id) this.chain.scheduleNext(track.id, buffer);
      },
      () => undefined,
    );
  }

  private leaveChain(): void {
    if (!this.chain.active) return;
    this.chain.stop();
    this.stopChainTicks();
  }

  private startChainTicks(): void {
    if (this.chainTimer === null) this.chainTimer = window.setInterval(() => this.refresh(), kChainTickMs);
  }
  private stopChainTicks(): void {
    if (this.chainTimer !== null) window.clearInterval(this.chainTimer);
    this.chainTimer = null;
  }

  setGapless(on: boolean): void {
    this.gaplessEnabled = on;
  }

  // Whether decoded audio (not an element) plays now; for tests and diagnostics.
  get gapless(): boolean {
    return this.chain.active;
  }

  // Fetches the track that will probably play next into the standby element.
  preload(track: Track | null): void {
    this.nextTrack = track;
    if (track && this.chain.active && this.chain.nextId !== track.id) this.scheduleInChain(track);
    const slot = 1 - this.activeSlot;
    if (!track || this.trackIds[slot] === track.id) return;
    this.trackIds[slot] = track.id;
    this.standby.src = this.urlOf(track, 0);
    this.standby.load();
  }

  stop(): void {
    this.leaveChain();
    this.clearTimers();
    this.wantPlaying = false;
    for (const audio of this.elements) {
      audio.pause();
      audio.removeAttribute("src");
      audio.load();
    }
    this.trackIds = [null, null];
    this.time = emptyTime();
    this.emit();
  }

  // Stops and removes the elements: the engine cannot be used afterwards.
  dispose(): void {
    this.stop();
    if (this.servingTimer !== null) window.clearInterval(this.servingTimer);
    this.servingTimer = null;
    this.chain.close();
    for (const audio of this.elements) audio.remove();
    this.listeners.clear();
  }

  play(): void {
    this.wantPlaying = true;
    if (this.chain.active) {
      this.chain.play();
      this.refresh();
      return;
    }
    this.playActive();
  }

  pause(): void {
    this.wantPlaying = false;
    if (this.chain.active) this.chain.pause();
    else this.active.pause();
    this.refresh();
  }

  seek(seconds: number): void {
    if (this.chain.active) {
      this.chain.seek(seconds);
      this.refresh();
      return;
    }
    const duration = Number.isFinite(this.active.duration) ? this.active.duration : this.time.duration;
    const target = Math.max(0, Math.min(seconds, duration || seconds));
    if (this.active.readyState === 0) this.resumeAt = target;
    else this.active.currentTime = target;
    this.time = { ...this.time, currentTime: target };
    this.emit();
  }

  // `volume` is the listener's (0..1); `gain` the track's ReplayGain factor.
  setVolume(volume: number, gain = 1): void {
    this.volume = Math.max(0, Math.min(1, volume));
    this.gain = Math.max(0, gain);
    this.applyVolume();
  }

  // Elements in the audio graph take the volume and amplify after it; an
  // element alone can only go up to full volume.
  private applyVolume(): void {
    for (const audio of this.elements) {
      if (this.chain.isRouted(audio)) {
        audio.volume = this.volume;
        this.chain.setElementGain(audio, this.gain);
      } else {
        audio.volume = Math.min(1, this.volume * this.gain);
      }
    }
    this.chain.setVolume(this.volume * this.gain);
  }

  private playActive(): void {
    this.chain.attach(this.elements, () => this.applyVolume());
    this.active.play().catch((reason: unknown) => {
      // Autoplay refused (no user gesture yet, e.g. after a reload): stay paused.
      if (reason instanceof DOMException && reason.name === "NotAllowedError") {
        this.wantPlaying = false;
        this.events.playingChanged(false);
        this.refresh();
      }
      // AbortError: a new load() replaced this one; nothing to do.
    });
  }

  private onLoadedMetadata(): void {
    if (this.resumeAt !== null) {
      this.active.currentTime = this.resumeAt;
      this.resumeAt = null;
    }
    this.refresh();
  }

  private onTimeUpdate(): void {
    if (!this.active.paused && this.active.currentTime > 0) this.clearStall();
    this.maybePrepareGapless();
    this.refresh();
  }

  private onPlaying(): void {
    this.clearStall();
    if (this.time.error) this.time = { ...this.time, error: null };
    this.events.playingChanged(true);
    this.refresh();
  }

  private onWaiting(): void {
    this.refresh();
    if (this.stallTimer !== null || !this.wantPlaying) return;
    this.stallTimer = window.setTimeout(() => {
      this.stallTimer = null;
      if (this.wantPlaying && this.active.readyState < 3) this.retry("the stream stalled");
    }, kStallMsMax);
  }

  private onError(): void {
    const error = this.active.error;
    const message = error?.message || (error ? `media error ${error.code}` : "stream failed");
    this.retry(message);
  }

  // Reloads the same track from the position it had reached: on another
  // node at once if its own no longer answers, else on the same one after
  // a backoff.
  private retry(message: string): void {
    const trackId = this.trackIds[this.activeSlot];
    if (!trackId || this.retryTimer !== null) return;
    if (this.failover?.hasAlternatives || this.nodeCheck) {
      this.time = { ...this.time, waiting: true };
      this.emit();
      void (this.nodeCheck ?? this.moveIfNodeGone()).then((moved) => {
        if (!moved) this.retryHere(message);
      });
      return;
    }
    this.retryHere(message);
  }

  // While a stream still downloads, checks that its node is there, so that
  // a node that died is left before the buffer runs out.
  private checkServingNode(): void {
    const audio = this.active;
    if (!this.wantPlaying || this.chain.active || this.nodeCheck || this.retryTimer !== null) return;
    if (!this.failover?.hasAlternatives || !this.trackIds[this.activeSlot] || fullyBuffered(audio)) return;
    void this.moveIfNodeGone();
  }

  // True when the streams moved to another node (the active track reloaded
  // there, from where it was; a preloaded next track too).
  private moveIfNodeGone(): Promise<boolean> {
    const failover = this.failover;
    if (!failover) return Promise.resolve(false);
    this.nodeCheck ??= (async () => {
      try {
        return !(await failover.serving()) && (await failover.moveOn());
      } finally {
        this.nodeCheck = null;
      }
    })().then((moved) => moved && this.reloadOnNewNode());
    return this.nodeCheck;
  }

  private reloadOnNewNode(): true {
    const trackId = this.trackIds[this.activeSlot];
    if (!trackId || this.chain.active) return true;
    this.retries = 0;
    this.clearStall();
    const audio = this.active;
    this.resumeAt = this.resumeAt ?? (audio.readyState > 0 ? audio.currentTime : this.time.currentTime);
    this.active.src = this.urlOf({ id: trackId } as Track, 0);
    this.active.load();
    if (this.wantPlaying) this.playActive();
    const nextId = this.trackIds[1 - this.activeSlot];
    if (nextId && !fullyBuffered(this.standby)) {
      this.standby.src = this.urlOf({ id: nextId } as Track, 0);
      this.standby.load();
    }
    this.refresh();
    return true;
  }

  private retryHere(message: string): void {
    const trackId = this.trackIds[this.activeSlot];
    if (!trackId || this.retryTimer !== null) return;
    if (this.retries >= kRetriesMax) {
      this.time = { ...this.time, error: message, playing: false, waiting: false };
      this.emit();
      this.events.failed(message);
      return;
    }
    const attempt = ++this.retries;
    const position = this.time.currentTime;
    this.time = { ...this.time, waiting: true, error: `${message}; retrying (${attempt}/${kRetriesMax})` };
    this.emit();
    this.retryTimer = window.setTimeout(
      () => {
        this.retryTimer = null;
        const track = { id: trackId } as Track;
        this.resumeAt = position;
        this.active.src = this.urlOf(track, attempt);
        this.active.load();
        if (this.wantPlaying) this.playActive();
      },
      kRetryDelayMsBase * 2 ** (attempt - 1),
    );
  }

  private clearStall(): void {
    if (this.stallTimer !== null) window.clearTimeout(this.stallTimer);
    this.stallTimer = null;
  }

  private clearTimers(): void {
    this.clearStall();
    if (this.retryTimer !== null) window.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private refresh(): void {
    if (this.chain.active) {
      const duration = this.chain.duration();
      this.time = {
        ...this.time,
        trackId: this.chain.currentId,
        currentTime: this.chain.position(),
        duration,
        buffered: [[0, duration]],
        playing: this.chain.playing(),
        waiting: false,
      };
      this.emit();
      return;
    }
    const audio = this.active;
    const buffered: Array<[number, number]> = [];
    for (let i = 0; i < audio.buffered.length; i++) buffered.push([audio.buffered.start(i), audio.buffered.end(i)]);
    const duration = Number.isFinite(audio.duration) && audio.duration > 0 ? audio.duration : this.time.duration;
    this.time = {
      ...this.time,
      currentTime: this.resumeAt ?? audio.currentTime,
      duration,
      buffered,
      playing: !audio.paused,
      waiting: this.wantPlaying && audio.readyState < 3 && !audio.paused,
    };
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

function emptyTime(): EngineTime {
  return { trackId: null, currentTime: 0, duration: 0, buffered: [], playing: false, waiting: false, error: null };
}
