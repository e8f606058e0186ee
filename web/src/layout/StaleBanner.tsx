import { useEffect, useState } from "react";
import { subscribeStale } from "../api/client";

// Shown while this node answers from its own copy of the catalog.
export function StaleBanner() {
  const [stale, setStale] = useState(false);
  useEffect(() => subscribeStale(setStale), []);
  if (!stale) return null;
  return (
    <div className="stale-banner" role="status">
      This server cannot reach the rest of its cluster: you see its own copy of the library, and changes are refused
      until it is back. Music keeps playing.
    </div>
  );
}
