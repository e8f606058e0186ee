import type { CSSProperties } from "react";
import { Link } from "react-router-dom";
import type { Track } from "../api/types";
import { formatDuration } from "../lib/format";
import { Icon } from "../ui/Icon";
import type { MenuItem } from "../ui/Menu";
import { TrackMenu } from "./TrackMenu";

export interface TrackColumns {
  album?: boolean;
  artist?: boolean;
  year?: boolean;
}

// One row of a track table: number (or play button on hover/focus), title,
// artist, album, year, duration and the actions menu.
export function TrackRow({
  track,
  number,
  rowIndex,
  current,
  columns,
  onPlay,
  menuExtra,
  style,
  drag,
}: {
  track: Track;
  number: number;
  rowIndex?: number;
  current: boolean;
  columns: TrackColumns;
  onPlay: () => void;
  menuExtra?: MenuItem[];
  style?: CSSProperties;
  drag?: { onStart: () => void; onDrop: () => void } | undefined;
}) {
  return (
    <tr
      className={current ? "track-row current" : "track-row"}
      aria-rowindex={rowIndex}
      aria-current={current ? "true" : undefined}
      onDoubleClick={onPlay}
      style={style}
      draggable={drag ? true : undefined}
      onDragStart={drag?.onStart}
      onDragOver={drag ? (e) => e.preventDefault() : undefined}
      onDrop={drag?.onDrop}
    >
      <td className="col-number">
        <span className="number">{number}</span>
        <button type="button" className="icon-button small row-play" aria-label={`Play ${track.title}`} onClick={onPlay}>
          <Icon name="play" size={16} />
        </button>
      </td>
      <td className="col-title">
        <span className="title" title={track.title}>
          {track.title}
        </span>
      </td>
      {columns.artist !== false && (
        <td className="col-artist">
          <Link to={`/artists/${track.artist_id}`} title={track.artist}>
            {track.artist}
          </Link>
        </td>
      )}
      {columns.album !== false && (
        <td className="col-album">
          <Link to={`/albums/${track.album_id}`} title={track.album}>
            {track.album}
          </Link>
        </td>
      )}
      {columns.year && <td className="col-year">{track.year || ""}</td>}
      <td className="col-duration">{formatDuration(track.duration_ms)}</td>
      <td className="col-actions">
        <TrackMenu track={track} extra={menuExtra} />
      </td>
    </tr>
  );
}
