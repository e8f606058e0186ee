// One upload with progress: XMLHttpRequest, because fetch() cannot report
// upload progress. The raw file is the body (POST /tracks?filename=NAME).
import { getToken } from "../api/client";
import { describeUploadAnswer, type UploadOutcome } from "./describeRefusal";

export function uploadFile(
  file: File,
  name: string,
  onProgress: (sentBytes: number, totalBytes: number) => void,
  signal: AbortSignal,
): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/v1/tracks?${new URLSearchParams({ filename: name }).toString()}`);
    const token = getToken();
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () => {
      let code: string | null = null;
      let message: string | null = null;
      try {
        const body = JSON.parse(xhr.responseText) as { error?: { code?: string; message?: string } };
        code = body.error?.code ?? null;
        message = body.error?.message ?? null;
      } catch {
        // Not JSON: describe by status alone.
      }
      resolve(describeUploadAnswer(xhr.status, code, message));
    };
    xhr.onerror = () => resolve(describeUploadAnswer(0, null, null));
    xhr.onabort = () => resolve({ kind: "failed", message: "Cancelled" });
    signal.addEventListener("abort", () => xhr.abort());
    xhr.send(file);
  });
}
