import { useParams } from "react-router-dom";
import { getAlbum, getArtist } from "../api/endpoints";
import type { Track } from "../api/types";
import { useAsync } from "../lib/useAsync";
import { usePlayerStore } from "../player/usePlayer";
import { AlbumCard } from "./AlbumCard";
import { TrackList } from "./TrackList";
import { plural } from "../lib/format";

export function ArtistPage() {
  const { id = "" } = useParams();
  const store = usePlayerStore();
  const { data: artist, error } = useAsync((signal) => getArtist(id, signal), [id]);
  if (error) return <p role="alert">Could not load the artist: {error.message}</p>;
  if (!artist) return <p className="muted">Loading…</p>;
  const albums = artist.albums ?? [];
  const appearances = artist.tracks ?? [];

  // Every album in order, then the appearances on other artists' albums.
  const playAll = async () => {
    const details = await Promise.all(albums.map((a) => getAlbum(a.id)));
    const tracks: Track[] = [...details.flatMap((d) => d.tracks ?? []), ...appearances];
    store.playTracks(tracks, 0);
  };

  return (
    <section className="page" aria-labelledby="artist-title">
      <header className="hero">
        <div>
          <p className="kicker">Artist</p>
          <h1 id="artist-title">{artist.name}</h1>
          <p>
            {plural(artist.album_count, "album")} · {plural(artist.track_count, "track")}
          </p>
          <div className="hero-actions">
            <button type="button" className="primary" onClick={() => void playAll()}>
              Play artist
            </button>
          </div>
        </div>
      </header>
      {albums.length > 0 && (
        <>
          <h2>Albums</h2>
          <div className="grid">
            {albums.map((album) => (
              <AlbumCard key={album.id} album={album} />
            ))}
          </div>
        </>
      )}
      {appearances.length > 0 && (
        <>
          <h2>Appears on</h2>
          <TrackList tracks={appearances} label={`Appearances of ${artist.name}`} columns={{ artist: true }} />
        </>
      )}
    </section>
  );
}
