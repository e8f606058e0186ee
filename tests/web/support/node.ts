// A real `dispotify serve` process on loopback, on ports 5100-5199 (the
// range the web tests own), with its own data dir.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, openSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const repo = resolve(new URL("../../..", import.meta.url).pathname);
export const binary = process.env.DISPOTIFY_BIN ?? join(repo, "build", "dispotify");
export const adminPassword = "admin-web-e2e";
const kReadyTimeoutMs = 15_000;
const kStopTimeoutMs = 10_000;

function portFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once("error", () => resolvePort(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolvePort(true)));
  });
}

// Two free consecutive ports (public, peer) in 5100-5199.
export async function freePortPair(): Promise<number> {
  const start = 5100 + 2 * Math.floor(Math.random() * 50);
  for (let i = 0; i < 50; i++) {
    const port = 5100 + ((start - 5100 + 2 * i) % 100);
    if ((await portFree(port)) && (await portFree(port + 1))) return port;
  }
  throw new Error("no free port pair in 5100-5199");
}

export interface NodeOptions {
  join?: string; // a member's peer address
  joinToken?: string;
  args?: string[]; // more `serve` flags
}

export class DispotifyNode {
  readonly dir = mkdtempSync(join(tmpdir(), "dispotify-web-e2e-"));
  process: ChildProcess | null = null;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get peerAddress(): string {
    return `127.0.0.1:${this.port + 1}`;
  }

  async start(options: NodeOptions = {}): Promise<void> {
    this.port = await freePortPair();
    const args = [
      "serve",
      "--data-dir", join(this.dir, "data"),
      "--listen", `127.0.0.1:${this.port}`,
      "--peer-listen", this.peerAddress,
      "--admin-password", adminPassword,
      "--join-token", options.joinToken ?? "web-e2e-join-token",
      "--election-timeout", "100",
    ];
    if (options.join) args.push("--join", options.join);
    args.push(...(options.args ?? []));
    const log = openSync(join(this.dir, "node.log"), "a");
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("DISPOTIFY_")));
    this.process = spawn(binary, args, { stdio: ["ignore", log, log], env });
    const deadline = Date.now() + kReadyTimeoutMs;
    while (Date.now() < deadline) {
      if (this.process.exitCode !== null) throw new Error(`node exited; see ${this.dir}/node.log`);
      try {
        if ((await fetch(`${this.url}/readyz`)).ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`node not ready within ${kReadyTimeoutMs} ms; see ${this.dir}/node.log`);
  }

  // Stops the process with `signal` (SIGKILL after kStopTimeoutMs).
  kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((done) => {
      const timer = setTimeout(() => child.kill("SIGKILL"), kStopTimeoutMs);
      child.once("exit", () => {
        clearTimeout(timer);
        done();
      });
      child.kill(signal);
    });
  }

  async stop(): Promise<void> {
    await this.kill("SIGTERM");
    rmSync(this.dir, { recursive: true, force: true });
  }

  async login(username = "admin", password = adminPassword): Promise<string> {
    const response = await fetch(`${this.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username, password }),
    });
    if (!response.ok) throw new Error(`login failed: ${response.status}`);
    return ((await response.json()) as { token: string }).token;
  }

  async upload(token: string, name: string, bytes: Buffer): Promise<{ id: string; title: string }> {
    const response = await fetch(`${this.url}/api/v1/tracks?filename=${encodeURIComponent(name)}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
      body: bytes,
    });
    if (response.status !== 201 && response.status !== 200) throw new Error(`upload failed: ${response.status}`);
    return (await response.json()) as { id: string; title: string };
  }
}
