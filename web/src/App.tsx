import { lazy, Suspense, useEffect, useState } from "react";
import { Navigate, Route, Routes } from "react-router-dom";
import { AuthProvider, useAuth } from "./auth/AuthContext";
import { LoginPage } from "./auth/LoginPage";
import { Shell } from "./layout/Shell";
import { AlbumPage } from "./library/AlbumPage";
import { AlbumsPage } from "./library/AlbumsPage";
import { ArtistPage } from "./library/ArtistPage";
import { ArtistsPage } from "./library/ArtistsPage";
import { TracksPage } from "./library/TracksPage";
import { connectMediaSession } from "./player/mediaSession";
import { PlayerStore } from "./player/PlayerStore";
import { PlayerContext } from "./player/usePlayer";
import { PlaylistPage } from "./playlists/PlaylistPage";
import { PlaylistsPage } from "./playlists/PlaylistsPage";
import { PlaylistsProvider } from "./playlists/PlaylistsContext";
import { ToastProvider } from "./ui/Toast";

// Pages most sessions never open load on demand.
const UploadPage = lazy(() => import("./upload/UploadPage").then((m) => ({ default: m.UploadPage })));
const UsersPage = lazy(() => import("./admin/UsersPage").then((m) => ({ default: m.UsersPage })));
const ClusterPage = lazy(() => import("./admin/ClusterPage").then((m) => ({ default: m.ClusterPage })));

function SignedIn() {
  const { user } = useAuth();
  // One player per session: signing out stops the music.
  const [store, setStore] = useState<PlayerStore | null>(null);
  useEffect(() => {
    const created = new PlayerStore(user?.id ?? "");
    const disconnect = connectMediaSession(created);
    setStore(created);
    return () => {
      disconnect();
      created.dispose();
    };
    // SignedIn is keyed by the user: a new user mounts a new player.
  }, []);
  const admin = user?.role === "admin";
  if (!store) return null;
  return (
    <PlayerContext.Provider value={store}>
      <PlaylistsProvider>
        <Shell>
          <Suspense fallback={<p className="muted">Loading…</p>}>
            {/* The server sends index.html for paths under these roots only
                (kAppRoots in src/api/web_routes.cpp): keep the two in step. */}
            <Routes>
              <Route path="/" element={<Navigate to="/albums" replace />} />
              <Route path="/albums" element={<AlbumsPage />} />
              <Route path="/albums/:id" element={<AlbumPage />} />
              <Route path="/artists" element={<ArtistsPage />} />
              <Route path="/artists/:id" element={<ArtistPage />} />
              <Route path="/tracks" element={<TracksPage />} />
              <Route path="/playlists" element={<PlaylistsPage />} />
              <Route path="/playlists/:id" element={<PlaylistPage />} />
              <Route path="/upload" element={<UploadPage />} />
              {admin && <Route path="/admin/users" element={<UsersPage />} />}
              {admin && <Route path="/admin/cluster" element={<ClusterPage />} />}
              <Route path="*" element={<NotFound />} />
            </Routes>
          </Suspense>
        </Shell>
      </PlaylistsProvider>
    </PlayerContext.Provider>
  );
}

function NotFound() {
  return (
    <section className="page">
      <h1>Not found</h1>
      <p className="muted">There is no page here.</p>
    </section>
  );
}

function Gate() {
  const { user } = useAuth();
  return user ? <SignedIn key={user.id} /> : <LoginPage />;
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
