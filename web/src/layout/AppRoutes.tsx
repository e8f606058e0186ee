import { lazy, Suspense } from "react";
import { Navigate, Route, Routes, useLocation } from "react-router-dom";
import { AlbumPage } from "../library/AlbumPage";
import { AlbumsPage } from "../library/AlbumsPage";
import { ArtistPage } from "../library/ArtistPage";
import { ArtistsPage } from "../library/ArtistsPage";
import { TracksPage } from "../library/TracksPage";
import { PlaylistPage } from "../playlists/PlaylistPage";
import { PlaylistsPage } from "../playlists/PlaylistsPage";
import type { Role } from "../api/types";
import { canUpload, isAdmin } from "../auth/permissions";
import { ErrorBoundary } from "../ui/ErrorBoundary";

// Pages most sessions never open load on demand.
const UploadPage = lazy(() => import("../upload/UploadPage").then((m) => ({ default: m.UploadPage })));
const UsersPage = lazy(() => import("../admin/UsersPage").then((m) => ({ default: m.UsersPage })));
const ClusterPage = lazy(() => import("../admin/ClusterPage").then((m) => ({ default: m.ClusterPage })));
const AuditPage = lazy(() => import("../admin/AuditPage").then((m) => ({ default: m.AuditPage })));

// The app's pages. The server sends index.html for paths under these roots
// only (kAppRoots in src/api/web_routes.cpp): keep the two in step.
// Pages the role may not use are not routed (they show Not found); the
// server refuses their calls anyway.
export function AppRoutes({ role }: { role: Role }) {
  const location = useLocation();
  const admin = isAdmin(role);
  return (
    <ErrorBoundary resetKey={location.pathname}>
      <Suspense fallback={<p className="muted">Loading…</p>}>
        <Routes>
          <Route path="/" element={<Navigate to="/albums" replace />} />
          <Route path="/albums" element={<AlbumsPage />} />
          <Route path="/albums/:id" element={<AlbumPage />} />
          <Route path="/artists" element={<ArtistsPage />} />
          <Route path="/artists/:id" element={<ArtistPage />} />
          <Route path="/tracks" element={<TracksPage />} />
          <Route path="/playlists" element={<PlaylistsPage />} />
          <Route path="/playlists/:id" element={<PlaylistPage />} />
          {canUpload(role) && <Route path="/upload" element={<UploadPage />} />}
          {admin && <Route path="/admin/users" element={<UsersPage />} />}
          {admin && <Route path="/admin/cluster" element={<ClusterPage />} />}
          {admin && <Route path="/admin/audit" element={<AuditPage />} />}
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Suspense>
    </ErrorBoundary>
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
