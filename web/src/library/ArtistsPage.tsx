import { useCallback } from "react";
import { Link } from "react-router-dom";
import { listArtists } from "../api/endpoints";
import { Icon } from "../ui/Icon";
import { useInfiniteList } from "./useInfiniteList";

const kPageSize = 100;

export function ArtistsPage() {
  const fetchPage = useCallback(
    (offset: number, limit: number, signal: AbortSignal) => listArtists(offset, limit, signal),
    [],
  );
  const { items, total, error, sentinel } = useInfiniteList(fetchPage, kPageSize);
  return (
    <section className="page" aria-labelledby="artists-title">
      <header className="page-header">
        <h1 id="artists-title">Artists</h1>
        <span className="muted">{total === null ? "" : `${total.toLocaleString()} artists`}</span>
      </header>
      {error && <p role="alert">Could not load artists: {error.message}</p>}
      <ul className="artist-list">
        {items.map((artist) => (
          <li key={artist.id}>
            <Link to={`/artists/${artist.id}`}>
              <span className="avatar" aria-hidden="true">
                <Icon name="person" size={22} />
              </span>
              <span className="artist-name">{artist.name}</span>
              <span className="muted">
                {artist.album_count} albums · {artist.track_count} tracks
              </span>
            </Link>
          </li>
        ))}
      </ul>
      <div ref={sentinel} className="sentinel" />
    </section>
  );
}
