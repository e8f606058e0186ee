import { Link } from "react-router-dom";
import { Cover } from "../library/Cover";
import { usePlayer, useEngineTime } from "./usePlayer";
import * as Q from "./queue";

export function NowPlaying() {
  const { queue, failure } = usePlayer();
  const { error } = useEngineTime();
  const track = Q.current(queue)?.track ?? null;
  if (!track) return <div className="now-playing empty">Nothing playing</div>;
  return (
    <div className="now-playing">
      <Cover trackId={track.has_cover ? track.id : null} albumId={null} size={56} alt="" />
      <div className="now-playing-text">
        <div className="now-playing-title" data-testid="now-playing-title">
          {track.title}
        </div>
        <div className="now-playing-artist">
          <Link to={`/artists/${track.artist_id}`}>{track.artist}</Link>
          {" · "}
          <Link to={`/albums/${track.album_id}`}>{track.album}</Link>
        </div>
        {(failure ?? error) && (
          <div className="now-playing-error" role="status">
            {failure ?? error}
          </div>
        )}
      </div>
    </div>
  );
}
