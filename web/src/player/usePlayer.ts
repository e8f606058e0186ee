import { createContext, useContext, useSyncExternalStore } from "react";
import type { EngineTime } from "./AudioEngine";
import type { PlayerState, PlayerStore } from "./PlayerStore";

export const PlayerContext = createContext<PlayerStore | null>(null);

export function usePlayerStore(): PlayerStore {
  const store = useContext(PlayerContext);
  if (!store) throw new Error("usePlayerStore outside PlayerContext");
  return store;
}

export function usePlayer(): PlayerState {
  const store = usePlayerStore();
  return useSyncExternalStore(store.subscribe, store.snapshot);
}

// Position, buffered ranges and play state: changes several times a second,
// so only the components that show them subscribe.
export function useEngineTime(): EngineTime {
  const store = usePlayerStore();
  return useSyncExternalStore(
    (listener) => store.engine.subscribe(listener),
    () => store.engine.snapshot(),
  );
}
