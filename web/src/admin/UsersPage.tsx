import { useState, type FormEvent } from "react";
import { createUser, deleteUser, listUsers, updateUser } from "../api/endpoints";
import type { Role, User } from "../api/types";
import { useAuth } from "../auth/AuthContext";
import { kRoles } from "../auth/permissions";
import { useAsync } from "../lib/useAsync";
import { useToast } from "../ui/Toast";

export function UsersPage() {
  const { data, error, reload } = useAsync(() => listUsers(), []);
  const { user: me } = useAuth();
  const toast = useToast();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  // The server's default too: uploading is given on purpose.
  const [role, setRole] = useState<Role>("listener");

  const run = async (action: () => Promise<unknown>, done: string) => {
    try {
      await action();
      toast(done);
      reload();
    } catch (reason) {
      toast(`Failed: ${reason instanceof Error ? reason.message : String(reason)}`);
    }
  };

  const create = (event: FormEvent) => {
    event.preventDefault();
    void run(() => createUser(username.trim(), password, role), `Created ${username}.`).then(() => {
      setUsername("");
      setPassword("");
    });
  };

  const resetPassword = (user: User) => {
    const next = window.prompt(`New password for ${user.username} (at least 8 characters)`);
    if (next) void run(() => updateUser(user.id, { password: next }), `Password of ${user.username} changed.`);
  };

  return (
    <section className="page" aria-labelledby="users-title">
      <header className="page-header">
        <h1 id="users-title">Users</h1>
      </header>
      <form className="inline-form" onSubmit={create} aria-label="New user">
        <label>
          New username
          <input value={username} onChange={(e) => setUsername(e.target.value)} required pattern="[A-Za-z0-9._\-]{1,64}" />
        </label>
        <label>
          New password
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={8} />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <RoleOptions />
          </select>
        </label>
        <button type="submit" className="primary">
          Create user
        </button>
      </form>
      {error && <p role="alert">Could not load users: {error.message}</p>}
      <table className="data-table" aria-label="Users">
        <thead>
          <tr>
            <th>Username</th>
            <th>Role</th>
            <th>Created</th>
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(data?.items ?? []).map((user) => (
            <tr key={user.id}>
              <td>{user.username}</td>
              <td>
                <select
                  aria-label={`Role of ${user.username}`}
                  value={user.role}
                  disabled={user.id === me?.id}
                  onChange={(e) =>
                    void run(() => updateUser(user.id, { role: e.target.value as Role }), `${user.username} is now ${e.target.value}.`)
                  }
                >
                  <RoleOptions />
                </select>
              </td>
              <td>{new Date(user.created_at).toLocaleString()}</td>
              <td className="row-actions">
                <button type="button" onClick={() => resetPassword(user)}>
                  Reset password
                </button>
                <button
                  type="button"
                  className="danger"
                  disabled={user.id === me?.id}
                  onClick={() => {
                    if (window.confirm(`Delete ${user.username} and their playlists?`))
                      void run(() => deleteUser(user.id), `Deleted ${user.username}.`);
                  }}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function RoleOptions() {
  return (
    <>
      {kRoles.map((r) => (
        <option key={r.role} value={r.role} title={r.description}>
          {r.role}
        </option>
      ))}
    </>
  );
}
