// The one place that talks HTTP to the node: bearer token, JSON, and the
// API's error shape ({"error": {"code", "message"}}) turned into ApiError.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

type UnauthorizedListener = () => void;
type StaleListener = (stale: boolean) => void;

let token: string | null = null;
let onUnauthorized: UnauthorizedListener | null = null;
const staleListeners = new Set<StaleListener>();
let stale = false;

// Told whether the last read had to use this node's local copy of the
// catalog (the node cannot reach a majority of the cluster).
export function subscribeStale(listener: StaleListener): () => void {
  staleListeners.add(listener);
  listener(stale);
  return () => staleListeners.delete(listener);
}

function setStale(value: boolean): void {
  if (value === stale) return;
  stale = value;
  for (const listener of staleListeners) listener(value);
}

export function setToken(value: string | null): void {
  token = value;
}

export function getToken(): string | null {
  return token;
}

// Called when the server answers 401 to a call made with a token: the
// session is over (revoked, expired, user deleted).
export function setUnauthorizedListener(listener: UnauthorizedListener | null): void {
  onUnauthorized = listener;
}

export async function errorFromResponse(response: Response): Promise<ApiError> {
  let code = "http_" + response.status;
  let message = response.statusText || `HTTP ${response.status}`;
  try {
    const body: unknown = await response.json();
    if (body && typeof body === "object" && "error" in body) {
      const error = (body as { error: { code?: string; message?: string } }).error;
      code = error.code ?? code;
      message = error.message ?? message;
    }
  } catch {
    // Not JSON (a proxy's error page): keep the status text.
  }
  return new ApiError(response.status, code, message);
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers["Authorization"] = `Bearer ${token}`;
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const method = options.method ?? "GET";
  const send = (url: string) =>
    fetch(url, {
      method,
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  let response = await send(`/api/v1${path}`);
  // A node cut off from the majority refuses linearizable reads (503) but
  // still has its own copy of the catalog: browsing goes on from it.
  if (response.status === 503 && method === "GET" && !path.includes("consistency=")) {
    const fallback = await send(`/api/v1${path}${path.includes("?") ? "&" : "?"}consistency=stale`);
    if (fallback.ok) {
      setStale(true);
      return (await fallback.json()) as T;
    }
    response = fallback;
  } else if (response.ok && method === "GET") {
    setStale(false);
  }
  if (!response.ok) {
    const error = await errorFromResponse(response);
    if (response.status === 401 && token && onUnauthorized) onUnauthorized();
    throw error;
  }
  return (await response.json()) as T;
}

// URLs for elements that cannot send headers (<audio>, <img>): the API
// accepts the token as ?access_token= on GET.
export function authorizedUrl(path: string, params: Record<string, string | number> = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) query.set(key, String(value));
  if (token) query.set("access_token", token);
  const text = query.toString();
  return `/api/v1${path}${text ? "?" + text : ""}`;
}
