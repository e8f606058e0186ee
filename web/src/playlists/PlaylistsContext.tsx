import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { listPlaylists } from "../api/endpoints";
import type { Playlist } from "../api/types";

interface PlaylistsValue {
  playlists: Playlist[];
  reload: () => void;
}

const PlaylistsContext = createContext<PlaylistsValue>({ playlists: [], reload: () => undefined });

// The signed-in user's playlists, for the sidebar and "Add to playlist".
export function PlaylistsProvider({ children }: { children: ReactNode }) {
  const [playlists, setPlaylists] = useState<Playlist[]>([]);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let live = true;
    listPlaylists().then(
      (answer) => live && setPlaylists(answer.items),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const value = useMemo(() => ({ playlists, reload }), [playlists, reload]);
  return <PlaylistsContext.Provider value={value}>{children}</PlaylistsContext.Provider>;
}

export function usePlaylists(): PlaylistsValue {
  return useContext(PlaylistsContext);
}
