// Gapless playback: consecutive tracks decoded with Web Audio and started
// on the audio clock exactly where the previous one ends, so a continuous
// album plays without a gap (an <audio> element cannot start on time).
//
// The AudioEngine streams each track through an <audio> element first (fast
// start, seeking before download ends, retries). When the current track
// nears its end and the next one is known, both are decoded and the chain
// takes over from the element with a short crossfade on the audio clock;
// from then on every following track is scheduled sample-accurately.
//
// Both <audio> elements are routed through the same AudioContext (once it
// runs), so the element and the decoded copy meet in one graph. While the
// chain plays, a SessionAnchor keeps the page's media session alive, so the
// media keys still pause and resume.
import { SessionAnchor } from "./sessionAnchor";

export interface ChainCallbacks {
  // The next track started (on time); the chain now plays it.
  advanced: () => void;
  // The current track (`id`) ended and nothing was scheduled after it.
  ended: (id: string) => void;
}

interface Playing {
  id: string;
  buffer: AudioBuffer;
  source: AudioBufferSourceNode;
  gain: GainNode;
  ctxStart: number; // audio clock time at which `offset` plays
  offset: number; // seconds into the buffer at ctxStart
}

export const kCrossfadeSeconds = 0.01;
const kHandoffDelaySeconds = 0.1;
const kScheduleLeadSecondsMin = 0.3;
const kDecodedMax = 3;

export class GaplessChain {
  private ctx: AudioContext | null = null;
  private output: GainNode | null = null;
  private readonly routed = new Map<HTMLMediaElement, GainNode>();
  private current: Playing | null = null;
  private next: Playing | null = null;
  private pausedAt: number | null = null;
  private pausedNext: { id: string; buffer: AudioBuffer } | null = null;
  private advanceTimer: number | null = null;
  private readonly decoded = new Map<string, Promise<AudioBuffer>>();
  private volume = 1;
  private readonly anchor = new SessionAnchor();

  constructor(private readonly callbacks: ChainCallbacks) {}

  static supported(): boolean {
    return typeof window !== "undefined" && typeof window.AudioContext === "function";
  }

  get active(): boolean {
    return this.current !== null;
  }
  get currentId(): string | null {
    return this.current?.id ?? null;
  }
  get nextId(): string | null {
    return this.next?.id ?? null;
  }
  get running(): boolean {
    return this.ctx?.state === "running";
  }

  // Creates the audio context (call from a user gesture: a play) and
  // routes the elements through it once it runs. Never routes into a
  // suspended context, which would silence the elements.
  attach(elements: HTMLMediaElement[], onRouted: () => void): void {
    if (!GaplessChain.supported()) return;
    if (!this.ctx) {
      this.ctx = new AudioContext();
      this.output = this.ctx.createGain();
      this.output.connect(this.ctx.destination);
    }
    const ctx = this.ctx;
    const route = () => {
      if (ctx.state !== "running") return;
      for (const element of elements) {
        if (this.routed.has(element)) continue;
        const gain = ctx.createGain();
        ctx.createMediaElementSource(element).connect(gain).connect(ctx.destination);
        this.routed.set(element, gain);
      }
      this.anchor.attach(ctx);
      onRouted();
    };
    if (ctx.state === "running") route();
    else void ctx.resume().then(route, () => undefined);
  }

  canTakeOver(element: HTMLMediaElement): boolean {
    return this.running && this.routed.has(element);
  }

  isRouted(element: HTMLMediaElement): boolean {
    return this.routed.has(element);
  }

  // The gain after a routed element (ReplayGain above full volume).
  setElementGain(element: HTMLMediaElement, gain: number): void {
    const node = this.routed.get(element);
    if (node) node.gain.value = gain;
  }

  // The whole file decoded (kept for the last few tracks).
  decode(id: string, url: string): Promise<AudioBuffer> {
    const ctx = this.ctx;
    if (!ctx) return Promise.reject(new Error("no audio context"));
    let pending = this.decoded.get(id);
    if (!pending) {
      pending = fetch(url)
        .then((r) => {
          if (!r.ok) throw new Error(`HTTP ${r.status}`);
          return r.arrayBuffer();
        })
        .then((bytes) => ctx.decodeAudioData(bytes));
      pending.catch(() => this.decoded.delete(id));
      this.decoded.set(id, pending);
      while (this.decoded.size > kDecodedMax) this.decoded.delete(this.decoded.keys().next().value as string);
    }
    return pending;
  }

  // Continues `element`'s track from the decoded `buffer`, crossfading on
  // the audio clock so the switch is inaudible.
  takeOver(element: HTMLMediaElement, id: string, buffer: AudioBuffer): void {
    const ctx = this.ctx as AudioContext;
    const elementGain = this.routed.get(element) as GainNode;
    const level = elementGain.gain.value;
    const at = ctx.currentTime + kHandoffDelaySeconds;
    const offset = element.currentTime + kHandoffDelaySeconds;
    this.current = this.startSource(id, buffer, at, offset, true);
    this.anchor.hold();
    elementGain.gain.setValueAtTime(level, at);
    elementGain.gain.linearRampToValueAtTime(0, at + kCrossfadeSeconds);
    window.setTimeout(
      () => {
        element.pause();
        elementGain.gain.cancelScheduledValues(0);
        elementGain.gain.value = level;
      },
      (kHandoffDelaySeconds + kCrossfadeSeconds) * 1000 + 50,
    );
  }

  // Starts `buffer` exactly when the current track ends. False when it is
  // too late to schedule it reliably (the caller falls back to elements).
  scheduleNext(id: string, buffer: AudioBuffer): boolean {
    const ctx = this.ctx;
    const current = this.current;
    if (!ctx || !current || this.pausedAt !== null) return false;
    if (this.next?.id === id) return true;
    this.dropNext();
    const at = current.ctxStart + (current.buffer.duration - current.offset);
    if (at - ctx.currentTime < kScheduleLeadSecondsMin) return false;
    this.next = this.startSource(id, buffer, at, 0, false);
    this.advanceTimer = window.setTimeout(() => this.advance(), (at - ctx.currentTime) * 1000);
    return true;
  }

  position(): number {
    const current = this.current;
    if (!current || !this.ctx) return 0;
    if (this.pausedAt !== null) return this.pausedAt;
    return Math.min(Math.max(current.offset + this.ctx.currentTime - current.ctxStart, 0), current.buffer.duration);
  }
  duration(): number {
    return this.current?.buffer.duration ?? 0;
  }
  playing(): boolean {
    return this.current !== null && this.pausedAt === null;
  }

  pause(): void {
    if (!this.current || this.pausedAt !== null) return;
    const position = this.position();
    this.restartAt(null);
    this.pausedAt = position;
    this.anchor.release();
  }

  play(): void {
    if (!this.current || this.pausedAt === null) return;
    const position = this.pausedAt;
    this.pausedAt = null;
    this.restartAt(position);
    this.anchor.hold();
  }

  seek(seconds: number): void {
    if (!this.current) return;
    const target = Math.min(Math.max(seconds, 0), this.current.buffer.duration);
    if (this.pausedAt !== null) this.pausedAt = target;
    else this.restartAt(target);
  }

  setVolume(volume: number): void {
    this.volume = volume;
    if (this.output) this.output.gain.value = volume;
  }

  // Leaves gapless mode: silence the decoded tracks (the engine goes back to elements).
  stop(): void {
    this.dropNext();
    if (this.current) this.silence(this.current);
    this.current = null;
    this.pausedAt = null;
    this.pausedNext = null;
    this.anchor.release();
  }

  // Releases the audio context; the chain cannot be used afterwards.
  close(): void {
    this.stop();
    this.anchor.close();
    void this.ctx?.close().catch(() => undefined);
    this.ctx = null;
    this.routed.clear();
  }

  private startSource(id: string, buffer: AudioBuffer, at: number, offset: number, fadeIn: boolean): Playing {
    const ctx = this.ctx as AudioContext;
    const source = ctx.createBufferSource();
    source.buffer = buffer;
    const gain = ctx.createGain();
    if (fadeIn) {
      gain.gain.setValueAtTime(0, at);
      gain.gain.linearRampToValueAtTime(1, at + kCrossfadeSeconds);
    }
    const output = this.output as GainNode;
    source.connect(gain).connect(output);
    output.gain.value = this.volume;
    const playing: Playing = { id, buffer, source, gain, ctxStart: at, offset };
    source.onended = () => {
      // Only the natural end of the current track, with nothing after it.
      if (this.current === playing && this.pausedAt === null && !this.next) {
        this.current = null;
        this.anchor.release();
        this.callbacks.ended(playing.id);
      }
    };
    source.start(at, Math.min(offset, buffer.duration));
    return playing;
  }

  // Restarts the current track at `position` (null: just stop it), and the next one after it.
  private restartAt(position: number | null): void {
    const current = this.current as Playing;
    const next = this.next;
    const after = next ?? this.pausedNext;
    this.dropNext();
    this.silence(current);
    if (position === null) {
      this.pausedNext = after ? { id: after.id, buffer: after.buffer } : null;
      return;
    }
    this.pausedNext = null;
    const ctx = this.ctx as AudioContext;
    this.current = this.startSource(current.id, current.buffer, ctx.currentTime + 0.02, position, false);
    if (after) this.scheduleNext(after.id, after.buffer);
  }

  private advance(): void {
    this.advanceTimer = null;
    if (!this.next) return;
    const previous = this.current;
    this.current = this.next;
    this.next = null;
    if (previous) previous.source.onended = null;
    this.callbacks.advanced();
  }

  private dropNext(): void {
    if (this.advanceTimer !== null) window.clearTimeout(this.advanceTimer);
    this.advanceTimer = null;
    if (this.next) this.silence(this.next);
    this.next = null;
  }

  private silence(playing: Playing): void {
    playing.source.onended = null;
    try {
      playing.source.stop();
    } catch {
      // Never started.
    }
    playing.source.disconnect();
    playing.gain.disconnect();
  }
}
