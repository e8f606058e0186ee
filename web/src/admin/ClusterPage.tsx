import { useCallback, useEffect, useState } from "react";
import { clusterStatus } from "../api/endpoints";
import type { ClusterStatus } from "../api/types";
import { formatBytes } from "../lib/format";
import { MemberRow } from "./MemberRow";
import { useInterval } from "./useInterval";

const kRefreshMs = 1000;

// Every member as this node sees it, refreshed every second, so an
// operator watches a failure happen and heal.
export function ClusterPage() {
  const [status, setStatus] = useState<ClusterStatus | null>(null);
  const storage = status?.storage;
  const [error, setError] = useState<string | null>(null);
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);

  const refresh = useCallback(() => {
    clusterStatus().then(
      (answer) => {
        setStatus(answer);
        setError(null);
        setUpdatedAt(new Date());
      },
      (reason: unknown) => setError(reason instanceof Error ? reason.message : String(reason)),
    );
  }, []);
  useEffect(refresh, [refresh]);
  useInterval(refresh, kRefreshMs);

  return (
    <section className="page" aria-labelledby="cluster-title">
      <header className="page-header">
        <h1 id="cluster-title">Cluster</h1>
        <span className="muted" aria-live="off">
          {updatedAt ? `updated ${updatedAt.toLocaleTimeString()}` : ""}
        </span>
      </header>
      {error && (
        <p role="alert" className="error">
          This node does not answer: {error}
        </p>
      )}
      {status && (
        <>
          <dl className="facts">
            <div>
              <dt>Cluster</dt>
              <dd>{status.cluster_id}</dd>
            </div>
            <div>
              <dt>Answered by</dt>
              <dd>{status.node_id}</dd>
            </div>
            <div>
              <dt>Leader</dt>
              <dd>{status.leader ?? "none (election in progress or no majority)"}</dd>
            </div>
            <div>
              <dt>Term</dt>
              <dd>{status.term}</dd>
            </div>
            <div>
              <dt>Commit index</dt>
              <dd>{status.commit_index}</dd>
            </div>
            {storage && (
              <>
                <div>
                  <dt>Copies per blob</dt>
                  <dd>
                    {storage.replication_factor} (uploads need {storage.write_quorum})
                  </dd>
                </div>
                <div>
                  <dt>Blobs</dt>
                  <dd>{storage.blobs}</dd>
                </div>
                <div>
                  <dt>Under-replicated</dt>
                  <dd>{storage.under_replicated}</dd>
                </div>
                <div>
                  <dt>Repairs in progress</dt>
                  <dd>
                    {storage.repair_tasks} ({formatBytes(storage.repair_bytes)} to copy)
                  </dd>
                </div>
              </>
            )}
          </dl>
          <div className="table-scroll">
            <table className="data-table" aria-label="Nodes">
              <thead>
                <tr>
                  <th>Node</th>
                  <th>Role</th>
                  <th>Health</th>
                  <th>Last contact</th>
                  <th>Term</th>
                  <th>Applied index</th>
                  <th>Lag</th>
                  <th>Disk free</th>
                  <th>Blobs</th>
                  <th>Copies repaired</th>
                </tr>
              </thead>
              <tbody>
                {status.members.map((member) => (
                  <MemberRow key={member.node_id} member={member} leader={status.leader} self={status.node_id} />
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
