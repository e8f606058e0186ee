import { useCallback, useState } from "react";
import { listAlbums, type AlbumSort, type SortOrder } from "../api/endpoints";
import { usePagedList } from "./usePagedList";
import { VirtualAlbumGrid } from "./VirtualAlbumGrid";
import { plural } from "../lib/format";

const kPageSize = 120;
const kSorts: Array<{ value: `${AlbumSort}:${SortOrder}`; label: string }> = [
  { value: "name:asc", label: "Name" },
  { value: "artist:asc", label: "Artist" },
  { value: "year:desc", label: "Newest release" },
  { value: "created_at:desc", label: "Recently added" },
];

export function AlbumsPage() {
  const [sortKey, setSortKey] = useState<string>("name:asc");
  const [sort, order] = sortKey.split(":") as [AlbumSort, SortOrder];
  const fetchPage = useCallback(
    (offset: number, limit: number, signal: AbortSignal) => listAlbums(offset, limit, sort, order, signal),
    [sort, order],
  );
  const list = usePagedList(fetchPage, kPageSize, sortKey);
  return (
    <section className="page fill" aria-labelledby="albums-title">
      <header className="page-header">
        <h1 id="albums-title">Albums</h1>
        <span className="muted">{list.total === null ? "" : plural(list.total, "album")}</span>
        <label className="inline">
          Sort by
          <select value={sortKey} onChange={(e) => setSortKey(e.target.value)}>
            {kSorts.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
      </header>
      {list.error && <p role="alert">Could not load albums: {list.error.message}</p>}
      {list.total === 0 && <p className="muted">No albums yet. Upload some music.</p>}
      <VirtualAlbumGrid list={list} />
    </section>
  );
}
