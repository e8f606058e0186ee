import { formatBytes } from "../lib/format";
import type { UploadItem } from "./useUploads";

export function UploadRow({ item }: { item: UploadItem }) {
  const percent = item.size > 0 ? Math.round((item.sent / item.size) * 100) : item.state === "done" ? 100 : 0;
  const status =
    item.state === "queued"
      ? "Waiting"
      : item.state === "uploading"
        ? `Uploading ${percent}%`
        : (item.outcome?.message ?? "Done");
  return (
    <li className={`upload-row ${item.outcome?.kind ?? item.state}`} data-state={item.outcome?.kind ?? item.state}>
      <div className="upload-name">
        <span>{item.path}</span>
        <span className="muted">{formatBytes(item.size)}</span>
      </div>
      <progress max={100} value={percent} aria-label={`Upload progress of ${item.path}`} />
      <div className="upload-status">{status}</div>
    </li>
  );
}
