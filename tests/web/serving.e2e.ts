// The node serves the built app with the right caching, falls back to
// index.html for deep links and never answers its own paths with the app.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DispotifyNode } from "./support/node";

const node = new DispotifyNode();
beforeAll(() => node.start());
afterAll(() => node.stop());

const dist = new URL("../../web/dist/", import.meta.url).pathname;

it("serves index.html uncached and hashed assets immutable", async () => {
  const index = await fetch(`${node.url}/`);
  expect(index.status).toBe(200);
  expect(index.headers.get("cache-control")).toBe("no-cache");
  expect(index.headers.get("content-type")).toContain("text/html");
  const html = await index.text();
  expect(html).toBe(readFileSync(`${dist}/index.html`, "utf8"));
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  expect(script).toBeTruthy();
  const asset = await fetch(`${node.url}${script}`);
  expect(asset.status).toBe(200);
  expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  expect(asset.headers.get("content-type")).toContain("javascript");
  // Node's fetch asks for gzip and decompresses: the text is the file.
  expect(asset.headers.get("content-encoding")).toBe("gzip");
  expect(await asset.text()).toBe(readFileSync(`${dist}${script}`, "utf8"));
  const again = await fetch(`${node.url}/`, { headers: { "If-None-Match": index.headers.get("etag") ?? "" } });
  expect(again.status).toBe(304);
});

it("answers deep links with the app and missing files with 404", async () => {
  for (const path of ["/albums", "/albums/0123456789abcdef", "/admin/cluster", "/playlists/x"]) {
    const response = await fetch(`${node.url}${path}`);
    expect(response.status, path).toBe(200);
    expect(await response.text(), path).toContain('<div id="root">');
  }
  expect((await fetch(`${node.url}/assets/nope-123.js`)).status).toBe(404);
});

it("never swallows the server's own paths and refuses traversal", async () => {
  const api = await fetch(`${node.url}/api/v1/nope`);
  expect(api.status).toBe(404);
  expect(((await api.json()) as { error: { code: string } }).error.code).toBe("not_found");
  for (const path of ["/peer/v1/x", "/metrics/x"]) {
    const response = await fetch(`${node.url}${path}`);
    expect(response.status, path).toBe(404);
    expect(await response.text(), path).not.toContain('<div id="root">');
  }
  // The Subsonic API answers its own paths (errors in its own envelope).
  const subsonic = await fetch(`${node.url}/rest/ping.view`);
  expect(await subsonic.text()).toContain("subsonic-response");
  expect((await fetch(`${node.url}/healthz`)).headers.get("content-type")).toContain("json");
  const traversal = await fetch(`${node.url}/assets/..%2f..%2fpackage.json`);
  expect(traversal.status).toBe(404);
});
