import { useAuth } from "../auth/AuthContext";
import { SearchBox } from "../search/SearchBox";

export function TopBar({ onHelp }: { onHelp: () => void }) {
  const { user, logout } = useAuth();
  return (
    <header className="topbar">
      <SearchBox />
      <div className="topbar-user">
        <button type="button" className="link-button" onClick={onHelp} aria-label="Keyboard shortcuts">
          ?
        </button>
        <span className="muted">{user?.username}</span>
        <button type="button" onClick={() => void logout()}>
          Log out
        </button>
      </div>
    </header>
  );
}
