import { useCallback, useEffect, useRef } from "react";
import { Link } from "react-router-dom";
import { listArtists } from "../api/endpoints";
import { Icon } from "../ui/Icon";
import { usePagedList } from "./usePagedList";
import { useVirtualRows } from "./useVirtualRows";
import { plural } from "../lib/format";

const kPageSize = 200;
const kRowHeight = 56;

// Every artist by name; only the rows on screen exist.
export function ArtistsPage() {
  const fetchPage = useCallback(
    (offset: number, limit: number, signal: AbortSignal) => listArtists(offset, limit, signal),
    [],
  );
  const list = usePagedList(fetchPage, kPageSize, "artists");
  const scroller = useRef<HTMLDivElement>(null);
  const count = list.total ?? 0;
  const { first, last } = useVirtualRows(scroller, count, kRowHeight);
  const { ensureRange } = list;
  useEffect(() => ensureRange(first, last), [ensureRange, first, last]);

  const rows = [];
  for (let i = first; i <= last && i < count; i++) {
    const artist = list.rowAt(i);
    rows.push(
      <li key={i} style={{ top: i * kRowHeight, height: kRowHeight }} aria-posinset={i + 1} aria-setsize={count}>
        {artist ? (
          <Link to={`/artists/${artist.id}`}>
            <span className="avatar" aria-hidden="true">
              <Icon name="person" size={22} />
            </span>
            <span className="artist-name">{artist.name}</span>
            <span className="muted">
              {plural(artist.album_count, "album")} · {plural(artist.track_count, "track")}
            </span>
          </Link>
        ) : (
          <span className="skeleton" />
        )}
      </li>,
    );
  }
  return (
    <section className="page fill" aria-labelledby="artists-title">
      <header className="page-header">
        <h1 id="artists-title">Artists</h1>
        <span className="muted">{list.total === null ? "" : plural(list.total, "artist")}</span>
      </header>
      {list.error && <p role="alert">Could not load artists: {list.error.message}</p>}
      <div className="virtual-scroller" ref={scroller}>
        <ul className="artist-list" aria-label="Artists" style={{ height: count * kRowHeight }}>
          {rows}
        </ul>
      </div>
    </section>
  );
}
