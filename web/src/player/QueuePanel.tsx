import { useState } from "react";
import { createPlaylist } from "../api/endpoints";
import { formatDuration } from "../lib/format";
import { TrackMenu } from "../library/TrackMenu";
import { usePlaylists } from "../playlists/PlaylistsContext";
import { Icon } from "../ui/Icon";
import { ReplayGainSettingsView } from "./ReplayGainSettingsView";
import { usePlayer, usePlayerStore } from "./usePlayer";

export function QueuePanel({ onClose }: { onClose: () => void }) {
  const store = usePlayerStore();
  const { queue } = usePlayer();
  const { reload } = usePlaylists();
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  async function saveAsPlaylist() {
    const name = window.prompt("Name of the new playlist", "Queue");
    if (!name) return;
    const playlist = await createPlaylist(
      name,
      queue.entries.map((e) => e.track.id),
    );
    setSaved(`Saved as “${playlist.name}”.`);
    reload();
  }

  return (
    <aside id="queue-panel" className="queue-panel" aria-label="Queue">
      <header className="queue-header">
        <h2>Queue</h2>
        <button type="button" className="icon-button" aria-label="Close queue" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      <div className="queue-actions">
        <button type="button" disabled={queue.entries.length === 0} onClick={() => void saveAsPlaylist()}>
          Save as playlist
        </button>
        <button type="button" disabled={queue.index + 1 >= queue.entries.length} onClick={() => store.clearUpcoming()}>
          Clear upcoming
        </button>
      </div>
      {saved && <p role="status">{saved}</p>}
      {queue.entries.length === 0 ? (
        <p className="muted">The queue is empty. Play an album, an artist or a track.</p>
      ) : (
        <ol className="queue-list">
          {queue.entries.map((entry, i) => (
            <li
              key={entry.key}
              className={i === queue.index ? "current" : i < queue.index ? "played" : ""}
              aria-current={i === queue.index ? "true" : undefined}
              draggable
              onDragStart={() => setDragFrom(i)}
              onDragOver={(e) => e.preventDefault()}
              onDrop={() => {
                if (dragFrom !== null) store.move(dragFrom, i);
                setDragFrom(null);
              }}
            >
              <button type="button" className="queue-title" onClick={() => store.jumpTo(i)}>
                <span>{entry.track.title}</span>
                <span className="muted">
                  {entry.track.artist} · {formatDuration(entry.track.duration_ms)}
                </span>
              </button>
              <button
                type="button"
                className="icon-button small"
                aria-label={`Move up: ${entry.track.title}`}
                disabled={i === 0}
                onClick={() => store.move(i, i - 1)}
              >
                <Icon name="up" size={16} />
              </button>
              <button
                type="button"
                className="icon-button small"
                aria-label={`Move down: ${entry.track.title}`}
                disabled={i === queue.entries.length - 1}
                onClick={() => store.move(i, i + 1)}
              >
                <Icon name="down" size={16} />
              </button>
              <button
                type="button"
                className="icon-button small"
                aria-label={`Remove from queue: ${entry.track.title}`}
                onClick={() => store.removeAt(i)}
              >
                <Icon name="close" size={16} />
              </button>
              <TrackMenu track={entry.track} />
            </li>
          ))}
        </ol>
      )}
      <ReplayGainSettingsView />
    </aside>
  );
}
