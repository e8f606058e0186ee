import { Link } from "react-router-dom";
import { getAlbum } from "../api/endpoints";
import type { Album } from "../api/types";
import { usePlayerStore } from "../player/usePlayer";
import { Icon } from "../ui/Icon";
import { Cover } from "./Cover";

export function AlbumCard({ album }: { album: Album }) {
  const store = usePlayerStore();
  const play = async () => {
    const detail = await getAlbum(album.id);
    store.playTracks(detail.tracks ?? [], 0);
  };
  return (
    <article className="card">
      <Link to={`/albums/${album.id}`} className="card-link">
        <Cover albumId={album.has_cover ? album.id : null} size={180} alt="" />
        <span className="card-title" title={album.title}>
          {album.title}
        </span>
      </Link>
      <Link to={`/artists/${album.artist_id}`} className="card-subtitle">
        {album.album_artist}
      </Link>
      <button type="button" className="card-play" aria-label={`Play album ${album.title}`} onClick={() => void play()}>
        <Icon name="play" size={24} />
      </button>
    </article>
  );
}
