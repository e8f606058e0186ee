import { useState } from "react";
import { listAudit } from "../api/endpoints";
import type { AuditEvent } from "../api/types";
import { useAsync } from "../lib/useAsync";

export const kAuditPageSize = 50;

// The actions the server writes (docs/API.md, "Audit log").
const kActions = [
  "login",
  "login.failed",
  "token.created",
  "user.created",
  "user.deleted",
  "user.password_reset",
  "user.role_changed",
  "user.renamed",
  "track.uploaded",
  "track.deleted",
  "playlist.deleted",
  "member.added",
  "member.promoted",
  "member.removed",
  "cluster.join_token_changed",
  "cluster.level_raised",
];

function describeDetail(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join(", ");
}

// The audit log, newest first, a page at a time (admins only; the server
// refuses everyone else).
export function AuditPage() {
  const [offset, setOffset] = useState(0);
  const [action, setAction] = useState("");
  const { data, error, loading } = useAsync((signal) => listAudit(offset, kAuditPageSize, action, signal), [offset, action]);
  const total = data?.total ?? 0;
  const last = Math.min(offset + kAuditPageSize, total);
  return (
    <section className="page" aria-labelledby="audit-title">
      <header className="page-header">
        <h1 id="audit-title">Audit log</h1>
        <label>
          Action
          <select
            value={action}
            onChange={(e) => {
              setAction(e.target.value);
              setOffset(0);
            }}
          >
            <option value="">all</option>
            {kActions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
      </header>
      {error && <p role="alert">Could not load the audit log: {error.message}</p>}
      <table className="data-table" aria-label="Audit events">
        <thead>
          <tr>
            <th>Time</th>
            <th>Action</th>
            <th>Who</th>
            <th>Target</th>
            <th>From</th>
            <th>Detail</th>
          </tr>
        </thead>
        <tbody>
          {(data?.items ?? []).map((event: AuditEvent) => (
            <tr key={event.id}>
              <td>{new Date(event.time).toLocaleString()}</td>
              <td>{event.action}</td>
              <td>{event.actor?.username || event.actor?.id || "—"}</td>
              <td>{event.target}</td>
              <td>{event.address ?? "—"}</td>
              <td className="muted audit-detail">{describeDetail(event.detail)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!loading && total === 0 && <p className="muted">No events.</p>}
      <nav className="pager" aria-label="Audit pages">
        <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - kAuditPageSize))}>
          Newer
        </button>
        <span role="status">{total > 0 ? `${offset + 1}–${last} of ${total}` : ""}</span>
        <button type="button" disabled={last >= total} onClick={() => setOffset(offset + kAuditPageSize)}>
          Older
        </button>
      </nav>
    </section>
  );
}
