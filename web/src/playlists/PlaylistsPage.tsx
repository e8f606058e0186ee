import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router-dom";
import { createPlaylist } from "../api/endpoints";
import { formatDuration, plural } from "../lib/format";
import { usePlaylists } from "./PlaylistsContext";

export function PlaylistsPage() {
  const { playlists, reload } = usePlaylists();
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const navigate = useNavigate();

  async function create(event: FormEvent) {
    event.preventDefault();
    try {
      const playlist = await createPlaylist(name.trim());
      setName("");
      reload();
      navigate(`/playlists/${playlist.id}`);
    } catch (reason) {
      setError(reason instanceof Error ? reason.message : String(reason));
    }
  }

  return (
    <section className="page" aria-labelledby="playlists-title">
      <header className="page-header">
        <h1 id="playlists-title">Playlists</h1>
      </header>
      <form className="inline-form" onSubmit={(e) => void create(e)}>
        <label>
          New playlist name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        </label>
        <button type="submit" className="primary">
          Create playlist
        </button>
      </form>
      {error && <p role="alert">Could not create the playlist: {error}</p>}
      {playlists.length === 0 ? (
        <p className="muted">No playlists yet.</p>
      ) : (
        <ul className="playlist-list">
          {playlists.map((p) => (
            <li key={p.id}>
              <Link to={`/playlists/${p.id}`}>{p.name}</Link>
              <span className="muted">
                {plural(p.track_count, "track")} · {formatDuration(p.duration_ms)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
