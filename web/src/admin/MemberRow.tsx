import type { ClusterMember } from "../api/types";
import { formatAgo, formatBytes } from "../lib/format";

function numberField(member: ClusterMember, ...names: string[]): number | null {
  for (const name of names) {
    const storage = member.status?.storage as Record<string, unknown> | undefined;
    const value = member[name] ?? member.status?.[name] ?? storage?.[name];
    if (typeof value === "number") return value;
  }
  return null;
}

// The role a member plays now: its own Raft view when it answered, else
// what the membership says (a voter that does not answer plays no role).
export function roleOf(member: ClusterMember, leader: string | null): string {
  if (member.membership === "learner") return "learner";
  if (typeof member.status?.role === "string") return member.status.role;
  if (member.node_id === leader) return "leader";
  return member.membership;
}

export function MemberRow({ member, leader, self }: { member: ClusterMember; leader: string | null; self: string }) {
  const healthy = member.reachable && !member.status?.error;
  const diskFree = numberField(member, "disk_free_bytes");
  const blobs = numberField(member, "blobs");
  const repairs = numberField(member, "repair_copies_done");
  return (
    <tr className={healthy ? "" : "unhealthy"}>
      <td>
        <div>{member.node_id}</div>
        <div className="muted">
          {member.api_address}
          {member.node_id === self ? " (this node)" : ""}
        </div>
      </td>
      <td>
        <span className={`badge role-${roleOf(member, leader)}`}>{roleOf(member, leader)}</span>
      </td>
      <td>
        <span className={healthy ? "badge ok" : "badge bad"}>{healthy ? "healthy" : "unreachable"}</span>
        {/* The transport keeps its last error after recovery: shown only while it fails. */}
        {!healthy && member.last_error && <div className="muted small">{member.last_error}</div>}
        {member.status?.error && <div className="muted small">{member.status.error}</div>}
      </td>
      <td>{member.node_id === self ? "—" : formatAgo(member.last_contact_ms_ago)}</td>
      <td>{member.status?.term ?? "?"}</td>
      <td>{member.status?.applied_index ?? "?"}</td>
      <td>{member.lag ?? "?"}</td>
      <td>
        {diskFree === null ? "n/a" : formatBytes(diskFree)}
        {member.storage_full === true && (
          <div>
            <span className="badge bad" title="below --min-free-disk: takes no new copies">
              full
            </span>
          </div>
        )}
      </td>
      <td>{blobs ?? "n/a"}</td>
      <td>{repairs ?? "n/a"}</td>
    </tr>
  );
}
