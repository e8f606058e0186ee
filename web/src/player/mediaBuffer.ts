// What a media element holds of its resource.

// Slack at the end: browsers report the last buffered range a little short
// of the duration for some formats.
const kEndSlackSeconds = 0.5;

// Whether the element holds its whole track (nothing left to download, so
// the node it came from is no longer needed for it).
export function fullyBuffered(audio: HTMLMediaElement): boolean {
  const { buffered, duration } = audio;
  if (!Number.isFinite(duration) || duration <= 0 || buffered.length === 0) return false;
  return buffered.end(buffered.length - 1) >= duration - kEndSlackSeconds;
}
