import { NavLink } from "react-router-dom";
import { useAuth } from "../auth/AuthContext";
import { canUpload, isAdmin } from "../auth/permissions";
import { usePlaylists } from "../playlists/PlaylistsContext";
import { Logo } from "../ui/Logo";

export function Sidebar() {
  const { user } = useAuth();
  const { playlists } = usePlaylists();
  return (
    <nav className="sidebar" aria-label="Main">
      <Logo />
      <ul>
        <li>
          <NavLink to="/albums">Albums</NavLink>
        </li>
        <li>
          <NavLink to="/artists">Artists</NavLink>
        </li>
        <li>
          <NavLink to="/tracks">Tracks</NavLink>
        </li>
        <li>
          <NavLink to="/playlists" end>
            Playlists
          </NavLink>
        </li>
        {canUpload(user?.role) && (
          <li>
            <NavLink to="/upload">Upload</NavLink>
          </li>
        )}
        {isAdmin(user?.role) && (
          <>
            <li>
              <NavLink to="/admin/users">Users</NavLink>
            </li>
            <li>
              <NavLink to="/admin/cluster">Cluster</NavLink>
            </li>
            <li>
              <NavLink to="/admin/audit">Audit</NavLink>
            </li>
          </>
        )}
      </ul>
      {playlists.length > 0 && (
        <ul className="sidebar-playlists" aria-label="Your playlists">
          {playlists.map((p) => (
            <li key={p.id}>
              <NavLink to={`/playlists/${p.id}`}>{p.name}</NavLink>
            </li>
          ))}
        </ul>
      )}
    </nav>
  );
}
