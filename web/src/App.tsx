import { useEffect, useState } from "react";
import { AuthProvider, useAuth } from "./auth/AuthContext";
import { LoginPage } from "./auth/LoginPage";
import type { User } from "./api/types";
import { AppRoutes } from "./layout/AppRoutes";
import { Shell } from "./layout/Shell";
import { connectMediaSession } from "./player/mediaSession";
import { PlayerStore } from "./player/PlayerStore";
import { PlayerContext } from "./player/usePlayer";
import { PlaylistsProvider } from "./playlists/PlaylistsContext";
import { ToastProvider } from "./ui/Toast";

// Mounted once per signed-in user (keyed by id): one player per session,
// so signing out stops the music and forgets nothing of the next user's.
function SignedIn({ user }: { user: User }) {
  const [store, setStore] = useState<PlayerStore | null>(null);
  useEffect(() => {
    const created = new PlayerStore(user.id);
    const disconnect = connectMediaSession(created);
    setStore(created);
    return () => {
      disconnect();
      created.dispose();
    };
  }, [user.id]);
  if (!store) return null;
  return (
    <PlayerContext.Provider value={store}>
      <PlaylistsProvider>
        <Shell>
          <AppRoutes role={user.role} />
        </Shell>
      </PlaylistsProvider>
    </PlayerContext.Provider>
  );
}

function Gate() {
  const { user } = useAuth();
  return user ? <SignedIn key={user.id} user={user} /> : <LoginPage />;
}

export function App() {
  return (
    <AuthProvider>
      <ToastProvider>
        <Gate />
      </ToastProvider>
    </AuthProvider>
  );
}
