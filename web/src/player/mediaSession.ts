// Media keys and the lock screen / notification card (Media Session API).
import { trackCoverUrl } from "../api/endpoints";
import type { PlayerStore } from "./PlayerStore";

export function connectMediaSession(store: PlayerStore): () => void {
  if (!("mediaSession" in navigator)) return () => undefined;
  const session = navigator.mediaSession;
  const handlers: Array<[MediaSessionAction, MediaSessionActionHandler]> = [
    ["play", () => store.play()],
    ["pause", () => store.pause()],
    ["previoustrack", () => store.previous()],
    ["nexttrack", () => store.next()],
    ["seekbackward", (d) => store.seekBy(-(d.seekOffset ?? 10))],
    ["seekforward", (d) => store.seekBy(d.seekOffset ?? 10)],
    ["seekto", (d) => d.seekTime !== undefined && store.seek(d.seekTime)],
    ["stop", () => store.pause()],
  ];
  for (const [action, handler] of handlers) {
    try {
      session.setActionHandler(action, handler);
    } catch {
      // This browser does not know the action.
    }
  }
  let shownTrackId: string | null = null;
  const update = () => {
    const track = store.currentTrack();
    const time = store.engine.snapshot();
    if ((track?.id ?? null) !== shownTrackId) {
      shownTrackId = track?.id ?? null;
      session.metadata = track
        ? new MediaMetadata({
            title: track.title,
            artist: track.artist,
            album: track.album,
            artwork: track.has_cover
              ? [96, 256, 512].map((size) => ({
                  src: new URL(trackCoverUrl(track.id, size), window.location.href).href,
                  sizes: `${size}x${size}`,
                  type: "image/jpeg",
                }))
              : [],
          })
        : null;
    }
    session.playbackState = !track ? "none" : time.playing ? "playing" : "paused";
    if (track && time.duration > 0 && "setPositionState" in session) {
      try {
        session.setPositionState({
          duration: time.duration,
          position: Math.min(time.currentTime, time.duration),
          playbackRate: 1,
        });
      } catch {
        // Position outside the duration while a new track loads.
      }
    }
  };
  const unsubscribeStore = store.subscribe(update);
  const unsubscribeEngine = store.engine.subscribe(update);
  update();
  return () => {
    unsubscribeStore();
    unsubscribeEngine();
  };
}
