import { useState } from "react";
import { useNavigate, useParams } from "react-router-dom";
import {
  deletePlaylist,
  getPlaylist,
  movePlaylistEntry,
  removeFromPlaylist,
  renamePlaylist,
} from "../api/endpoints";
import type { Playlist } from "../api/types";
import { TrackList } from "../library/TrackList";
import { formatDuration, plural } from "../lib/format";
import { useAsync } from "../lib/useAsync";
import { usePlayerStore } from "../player/usePlayer";
import { useToast } from "../ui/Toast";
import { usePlaylists } from "./PlaylistsContext";

export function PlaylistPage() {
  const { id = "" } = useParams();
  const { data, error } = useAsync((signal) => getPlaylist(id, signal), [id]);
  const [edited, setEdited] = useState<Playlist | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const store = usePlayerStore();
  const navigate = useNavigate();
  const toast = useToast();
  const { reload } = usePlaylists();
  const playlist = edited?.id === id ? edited : data;

  if (error) return <p role="alert">Could not load the playlist: {error.message}</p>;
  if (!playlist) return <p className="muted">Loading…</p>;
  const tracks = playlist.tracks ?? [];

  const change = async (action: () => Promise<Playlist>, failure: string) => {
    try {
      setEdited(await action());
      reload();
    } catch (reason) {
      toast(`${failure}: ${reason instanceof Error ? reason.message : String(reason)}`);
    }
  };

  const remove = async () => {
    if (!window.confirm(`Delete the playlist “${playlist.name}”?`)) return;
    try {
      await deletePlaylist(playlist.id);
      reload();
      navigate("/playlists");
    } catch (reason) {
      toast(`Could not delete: ${reason instanceof Error ? reason.message : String(reason)}`);
    }
  };

  return (
    <section className="page" aria-labelledby="playlist-title">
      <header className="hero">
        <div>
          <p className="kicker">Playlist</p>
          {renaming === null ? (
            <h1 id="playlist-title">{playlist.name}</h1>
          ) : (
            <form
              className="inline-form"
              onSubmit={(e) => {
                e.preventDefault();
                void change(() => renamePlaylist(playlist.id, renaming.trim()), "Could not rename").then(() =>
                  setRenaming(null),
                );
              }}
            >
              <h1 id="playlist-title" className="visually-hidden">
                {playlist.name}
              </h1>
              <label>
                Playlist name
                <input value={renaming} onChange={(e) => setRenaming(e.target.value)} required maxLength={200} autoFocus />
              </label>
              <button type="submit" className="primary">
                Save name
              </button>
              <button type="button" onClick={() => setRenaming(null)}>
                Cancel
              </button>
            </form>
          )}
          <p>
            {plural(playlist.track_count, "track")} · {formatDuration(playlist.duration_ms)}
          </p>
          <div className="hero-actions">
            <button type="button" className="primary" disabled={tracks.length === 0} onClick={() => store.playTracks(tracks, 0)}>
              Play playlist
            </button>
            <button type="button" onClick={() => setRenaming(playlist.name)}>
              Rename
            </button>
            <button type="button" className="danger" onClick={() => void remove()}>
              Delete playlist
            </button>
          </div>
        </div>
      </header>
      {tracks.length === 0 ? (
        <p className="muted">This playlist is empty. Add tracks from any list with their “More actions” menu.</p>
      ) : (
        <TrackList
          tracks={tracks}
          label={`Tracks of ${playlist.name}`}
          columns={{}}
          onReorder={(from, to) => void change(() => movePlaylistEntry(playlist.id, from, to), "Could not move")}
          menuExtra={(_, i) => [
            {
              label: "Move up",
              disabled: i === 0,
              onSelect: () => void change(() => movePlaylistEntry(playlist.id, i, i - 1), "Could not move"),
            },
            {
              label: "Move down",
              disabled: i === tracks.length - 1,
              onSelect: () => void change(() => movePlaylistEntry(playlist.id, i, i + 1), "Could not move"),
            },
            {
              label: "Remove from playlist",
              onSelect: () => void change(() => removeFromPlaylist(playlist.id, i), "Could not remove"),
            },
          ]}
        />
      )}
    </section>
  );
}
