import { useEffect, useRef } from "react";
import type { Album } from "../api/types";
import { AlbumCard } from "./AlbumCard";
import type { PagedList } from "./usePagedList";
import { useElementWidth } from "./useElementWidth";
import { useVirtualRows } from "./useVirtualRows";

const kCardWidthMin = 170;
const kGap = 20;
// Below the square cover: title and artist lines and padding.
const kCardTextHeight = 64;

// The albums as a grid of which only the rows on screen exist, fetched a
// page at a time: as smooth with 10,000 albums as with 10.
export function VirtualAlbumGrid({ list }: { list: PagedList<Album> }) {
  const scroller = useRef<HTMLDivElement>(null);
  const width = useElementWidth(scroller, 1000);
  const columns = Math.max(1, Math.floor((width + kGap) / (kCardWidthMin + kGap)));
  const cardWidth = (width - kGap * (columns - 1)) / columns;
  const rowHeight = Math.round(cardWidth + kCardTextHeight + kGap);
  const count = list.total ?? 0;
  const rowCount = Math.ceil(count / columns);
  const { first, last } = useVirtualRows(scroller, rowCount, rowHeight, 3);
  const { ensureRange } = list;
  useEffect(() => ensureRange(first * columns, (last + 1) * columns - 1), [ensureRange, first, last, columns]);

  const rows = [];
  for (let row = first; row <= last && row < rowCount; row++) {
    const cells = [];
    for (let column = 0; column < columns; column++) {
      const index = row * columns + column;
      if (index >= count) break;
      const album = list.rowAt(index);
      cells.push(album ? <AlbumCard key={album.id} album={album} /> : <div key={`empty-${index}`} className="card skeleton-card" />);
    }
    rows.push(
      <div
        key={row}
        className="grid-row"
        style={{ top: row * rowHeight, height: rowHeight - kGap, gridTemplateColumns: `repeat(${columns}, 1fr)` }}
      >
        {cells}
      </div>,
    );
  }
  return (
    <div className="virtual-scroller" ref={scroller}>
      <div className="grid-canvas" style={{ height: rowCount * rowHeight }}>
        {rows}
      </div>
    </div>
  );
}
