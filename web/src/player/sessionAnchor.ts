// Keeps the page's media session alive while decoded audio plays.
//
// Browsers route the media keys' play and pause (and the lock screen's
// buttons) only to a page with a playing media element: Chromium drops a
// "pause" for a session it thinks inactive, while "next" still arrives. The
// gapless chain plays decoded tracks through Web Audio with every <audio>
// element paused, so without an anchor the keys stop pausing the music after
// the first gapless join. The anchor is an element that loops silence into a
// muted branch of the audio graph: it counts as playing, and nothing of it is
// heard.

// Long enough to be taken for content rather than a notification sound
// (Chromium treats media under 5 s as transient).
const kSilenceSeconds = 8;
const kSampleRate = 8000;

// A mono 8-bit PCM WAV file of silence (unsigned samples: 128 is zero).
export function silentWav(seconds: number, sampleRate = kSampleRate): Uint8Array<ArrayBuffer> {
  const samples = Math.round(seconds * sampleRate);
  const bytes = new Uint8Array(44 + samples);
  const view = new DataView(bytes.buffer);
  const text = (offset: number, s: string) => [...s].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
  text(0, "RIFF");
  view.setUint32(4, 36 + samples, true);
  text(8, "WAVE");
  text(12, "fmt ");
  view.setUint32(16, 16, true); // fmt chunk size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // channels
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate, true); // bytes per second
  view.setUint16(32, 1, true); // block align
  view.setUint16(34, 8, true); // bits per sample
  text(36, "data");
  view.setUint32(40, samples, true);
  bytes.fill(128, 44);
  return bytes;
}

export class SessionAnchor {
  private element: HTMLAudioElement | null = null;
  private url: string | null = null;
  private held = false;

  // Creates the element, routed into `ctx` through a zero gain. Call once
  // the context runs (a suspended context would hold the element still).
  attach(ctx: AudioContext): void {
    if (this.element) return;
    this.url = URL.createObjectURL(new Blob([silentWav(kSilenceSeconds)], { type: "audio/wav" }));
    const element = document.createElement("audio");
    element.src = this.url;
    element.loop = true;
    element.setAttribute("aria-hidden", "true");
    element.dataset.role = "session-anchor";
    document.body.appendChild(element);
    const mute = ctx.createGain();
    mute.gain.value = 0;
    ctx.createMediaElementSource(element).connect(mute).connect(ctx.destination);
    this.element = element;
    if (this.held) this.hold();
  }

  // While decoded audio plays.
  hold(): void {
    this.held = true;
    void this.element?.play().catch(() => undefined);
  }

  release(): void {
    this.held = false;
    this.element?.pause();
  }

  close(): void {
    this.release();
    this.element?.remove();
    this.element = null;
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = null;
  }
}
