import { Link, useParams } from "react-router-dom";
import { getAlbum } from "../api/endpoints";
import { formatDuration, plural } from "../lib/format";
import { useAsync } from "../lib/useAsync";
import { usePlayerStore } from "../player/usePlayer";
import { Cover } from "./Cover";
import { TrackList } from "./TrackList";

export function AlbumPage() {
  const { id = "" } = useParams();
  const store = usePlayerStore();
  const { data: album, error } = useAsync((signal) => getAlbum(id, signal), [id]);
  if (error) return <p role="alert">Could not load the album: {error.message}</p>;
  if (!album) return <p className="muted">Loading…</p>;
  const tracks = album.tracks ?? [];
  const multiDisc = album.disc_count > 1;
  return (
    <section className="page" aria-labelledby="album-title">
      <header className="hero">
        <Cover albumId={album.has_cover ? album.id : null} size={200} alt={`Cover of ${album.title}`} />
        <div>
          <p className="kicker">Album</p>
          <h1 id="album-title">{album.title}</h1>
          <p>
            <Link to={`/artists/${album.artist_id}`}>{album.album_artist}</Link>
            {album.year ? ` · ${album.year}` : ""} · {plural(album.track_count, "track")} · {formatDuration(album.duration_ms)}
          </p>
          <div className="hero-actions">
            <button type="button" className="primary" onClick={() => store.playTracks(tracks, 0)}>
              Play album
            </button>
            <button type="button" onClick={() => store.enqueue(tracks, false)}>
              Add to queue
            </button>
          </div>
        </div>
      </header>
      <TrackList
        tracks={tracks}
        label={`Tracks of ${album.title}`}
        columns={{ album: false, artist: album.compilation || tracks.some((t) => t.artist !== album.album_artist) }}
        numbers={(t, i) => t.track_number ?? i + 1}
        groupByDisc={multiDisc}
      />
    </section>
  );
}
