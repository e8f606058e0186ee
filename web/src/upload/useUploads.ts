import { useCallback, useRef, useState } from "react";
import type { UploadOutcome } from "./describeRefusal";
import type { PickedFile } from "./collectFiles";
import { uploadFile } from "./uploadFile";

export interface UploadItem {
  id: number;
  path: string;
  size: number;
  sent: number;
  state: "queued" | "uploading" | "done";
  outcome: UploadOutcome | null;
}

// A few uploads at once: enough to keep the link busy, few enough that
// each one's progress moves.
export const kParallelUploads = 3;

export function useUploads(onAdded: () => void) {
  const [items, setItems] = useState<UploadItem[]>([]);
  const queue = useRef<Array<{ id: number; picked: PickedFile }>>([]);
  const running = useRef(0);
  const nextId = useRef(1);
  const controller = useRef(new AbortController());

  const update = (id: number, change: Partial<UploadItem>) =>
    setItems((all) => all.map((item) => (item.id === id ? { ...item, ...change } : item)));

  const pump = useCallback(() => {
    while (running.current < kParallelUploads && queue.current.length > 0) {
      const job = queue.current.shift() as { id: number; picked: PickedFile };
      running.current += 1;
      update(job.id, { state: "uploading" });
      const name = job.picked.path.split("/").pop() ?? job.picked.file.name;
      uploadFile(job.picked.file, name, (sent) => update(job.id, { sent }), controller.current.signal).then(
        (outcome) => {
          running.current -= 1;
          update(job.id, { state: "done", outcome, sent: job.picked.file.size });
          if (outcome.kind === "added") onAdded();
          pump();
        },
      );
    }
  }, [onAdded]);

  const add = useCallback(
    (files: PickedFile[]) => {
      const added: UploadItem[] = files.map((picked) => {
        const id = nextId.current++;
        queue.current.push({ id, picked });
        return { id, path: picked.path, size: picked.file.size, sent: 0, state: "queued", outcome: null };
      });
      setItems((all) => [...all, ...added]);
      pump();
    },
    [pump],
  );

  const cancelAll = useCallback(() => {
    queue.current = [];
    controller.current.abort();
    controller.current = new AbortController();
    setItems((all) =>
      all.map((item) =>
        item.state === "done" ? item : { ...item, state: "done", outcome: { kind: "failed", message: "Cancelled" } },
      ),
    );
  }, []);

  const clearFinished = useCallback(() => setItems((all) => all.filter((item) => item.state !== "done")), []);
  return { items, add, cancelAll, clearFinished };
}
