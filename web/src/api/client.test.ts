import { afterEach, expect, it, vi } from "vitest";
import { fakeFetch } from "../test/fakeApi";
import { api, subscribeStale } from "./client";

afterEach(() => vi.unstubAllGlobals());

it("reads this node's own copy when the cluster has no majority, and says so", async () => {
  const { calls } = fakeFetch({
    "/api/v1/albums": (url) =>
      url.searchParams.get("consistency") === "stale"
        ? { items: [], total: 0 }
        : new Response(JSON.stringify({ error: { code: "unavailable", message: "no majority" } }), { status: 503 }),
    "/api/v1/me": () => ({ id: "u" }),
  });
  const seen: boolean[] = [];
  const unsubscribe = subscribeStale((stale) => seen.push(stale));
  expect(await api("/albums?limit=5")).toEqual({ items: [], total: 0 });
  expect(calls).toEqual(["GET /api/v1/albums?limit=5", "GET /api/v1/albums?limit=5&consistency=stale"]);
  await api("/me");
  expect(seen).toEqual([false, true, false]);
  unsubscribe();
});

it("does not retry writes", async () => {
  const { calls } = fakeFetch({
    "/api/v1/playlists": () =>
      new Response(JSON.stringify({ error: { code: "unavailable", message: "no majority" } }), { status: 503 }),
  });
  await expect(api("/playlists", { method: "POST", body: { name: "x" } })).rejects.toThrow("no majority");
  expect(calls).toEqual(["POST /api/v1/playlists"]);
});
