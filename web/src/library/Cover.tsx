import { useState } from "react";
import { albumCoverUrl, trackCoverUrl } from "../api/endpoints";
import { Icon } from "../ui/Icon";

// A cover thumbnail, fetched only when it scrolls into view (loading=lazy)
// and at twice its CSS size for sharp high-DPI screens.
export function Cover({
  albumId,
  trackId = null,
  size,
  alt,
}: {
  albumId: string | null;
  trackId?: string | null;
  size: number;
  alt: string;
}) {
  const [failed, setFailed] = useState(false);
  const pixels = Math.min(Math.max(Math.round(size * 2), 16), 2048);
  const src = trackId ? trackCoverUrl(trackId, pixels) : albumId ? albumCoverUrl(albumId, pixels) : null;
  if (!src || failed) {
    return (
      <div className="cover placeholder" style={{ width: size, height: size }} role="img" aria-label={alt || undefined}>
        <Icon name="note" size={Math.max(16, size / 3)} />
      </div>
    );
  }
  return (
    <img
      className="cover"
      src={src}
      alt={alt}
      width={size}
      height={size}
      loading="lazy"
      decoding="async"
      onError={() => setFailed(true)}
    />
  );
}
