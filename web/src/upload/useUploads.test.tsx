import { act, renderHook } from "@testing-library/react";
import { expect, it, vi } from "vitest";
import type { UploadOutcome } from "./describeRefusal";
import { kParallelUploads, useUploads } from "./useUploads";

const pending: Array<(outcome: UploadOutcome) => void> = [];
vi.mock("./uploadFile", () => ({
  uploadFile: (_file: File, _name: string, onProgress: (sent: number, total: number) => void) => {
    onProgress(5, 10);
    return new Promise<UploadOutcome>((resolve) => pending.push(resolve));
  },
}));

const picked = (name: string) => ({ file: new File(["0123456789"], name), path: `Album/${name}` });

it("runs a few uploads at once, queues the rest and reports each outcome", async () => {
  const onAdded = vi.fn();
  const { result } = renderHook(() => useUploads(onAdded));
  act(() => result.current.add(["a.mp3", "b.mp3", "c.mp3", "d.mp3", "e.mp3"].map(picked)));
  expect(pending).toHaveLength(kParallelUploads);
  expect(result.current.items.map((i) => i.state)).toEqual(["uploading", "uploading", "uploading", "queued", "queued"]);
  expect(result.current.items[0]?.sent).toBe(5);
  await act(async () => pending.shift()?.({ kind: "added", message: "Added" }));
  expect(pending).toHaveLength(kParallelUploads); // the next one started
  await act(async () => pending.shift()?.({ kind: "refused", message: "Not audio" }));
  while (pending.length > 0) await act(async () => pending.shift()?.({ kind: "duplicate", message: "Already" }));
  expect(result.current.items.map((i) => i.outcome?.kind)).toEqual(["added", "refused", "duplicate", "duplicate", "duplicate"]);
  expect(onAdded).toHaveBeenCalledOnce();
});
