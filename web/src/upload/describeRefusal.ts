// Why the server refused an upload, in words a listener understands.

export interface UploadOutcome {
  kind: "added" | "duplicate" | "refused" | "failed";
  message: string;
}

export function describeUploadAnswer(status: number, code: string | null, serverMessage: string | null): UploadOutcome {
  if (status === 201) return { kind: "added", message: "Added to the library" };
  if (status === 200) return { kind: "duplicate", message: "Already in the library (the same file was uploaded before)" };
  const detail = serverMessage ? ` (${serverMessage})` : "";
  switch (status) {
    case 415:
      return { kind: "refused", message: `Not audio: the server could not read this file as music${detail}` };
    case 413:
      return { kind: "refused", message: `Too large: the file is over the server's upload limit${detail}` };
    case 507:
      return { kind: "refused", message: "Server full: not enough free disk space on the server" };
    case 403:
      return { kind: "refused", message: `Not allowed: your account may not upload${detail}` };
    case 401:
      return { kind: "refused", message: "Not signed in: your session has ended; sign in again" };
    case 400:
      return { kind: "refused", message: `Refused: ${serverMessage ?? "bad request"}` };
    case 503:
      return { kind: "failed", message: `Server unavailable: try again in a moment${detail}` };
    case 0:
      return { kind: "failed", message: "Network error: the connection to the server was lost" };
    default:
      return { kind: "failed", message: `Failed with HTTP ${status}${code ? ` ${code}` : ""}${detail}` };
  }
}
