import { afterEach, expect, it, vi } from "vitest";
import { setToken } from "../api/client";
import { NodeDirectory } from "./NodeDirectory";

afterEach(() => {
  vi.unstubAllGlobals();
  setToken(null);
});

const page = "http://127.0.0.1:5102";
const list = {
  node_id: "b2",
  nodes: [
    { node_id: "a1", url: "http://127.0.0.1:5100" },
    { node_id: "b2", url: "http://127.0.0.1:5102" },
    { node_id: "c3", url: "http://127.0.0.1:5104" },
  ],
};

// A cluster whose `dead` origins refuse connections (fetch rejects, as a browser's does).
function cluster(dead: Set<string>) {
  const calls: string[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: string) => {
      const url = new URL(input, page);
      calls.push(`${url.origin}${url.pathname}${url.search}`);
      if (dead.has(url.origin)) throw new TypeError("Failed to fetch");
      const answering = list.nodes.find((node) => node.url === url.origin)?.node_id;
      if (url.pathname === "/api/v1/cluster/nodes") return new Response(JSON.stringify({ ...list, node_id: answering }));
      return new Response("{}");
    }),
  );
  return calls;
}

it("streams from the page's own node until it stops answering, then from the next node that answers", async () => {
  const dead = new Set<string>();
  const calls = cluster(dead);
  setToken("tok");
  const nodes = new NodeDirectory(page);
  await nodes.refresh();
  expect(calls).toEqual([`${page}/api/v1/cluster/nodes?access_token=tok`]);
  expect(nodes.streamBase).toBe("");
  expect(nodes.hasAlternatives).toBe(true);
  expect(await nodes.serving()).toBe(true);

  dead.add(page);
  dead.add("http://127.0.0.1:5104");
  expect(await nodes.serving()).toBe(false);
  expect(await nodes.moveOn()).toBe(true);
  expect(nodes.streamBase).toBe("http://127.0.0.1:5100");
  // The list is read again, from the node the streams come from now.
  await vi.waitFor(() => expect(calls).toContain("http://127.0.0.1:5100/api/v1/cluster/nodes?access_token=tok"));
});

it("stays where it is when no other node answers", async () => {
  cluster(new Set([page, "http://127.0.0.1:5100", "http://127.0.0.1:5104"]));
  const nodes = new NodeDirectory(page);
  await nodes.refresh();
  expect(nodes.hasAlternatives).toBe(false); // the list could not be read from a dead node
  expect(await nodes.moveOn()).toBe(false);
  expect(nodes.streamBase).toBe("");
});

it("knows no alternative on a single node (no node list: 404)", async () => {
  vi.stubGlobal("fetch", vi.fn(async () => new Response("{}", { status: 404 })));
  const nodes = new NodeDirectory(page);
  await nodes.refresh();
  expect(nodes.hasAlternatives).toBe(false);
});

it("reads the list at most every 30 s unless forced", async () => {
  const calls = cluster(new Set());
  const nodes = new NodeDirectory(page);
  await nodes.refresh();
  await nodes.refresh();
  expect(calls.length).toBe(1);
  await nodes.refresh(true);
  expect(calls.length).toBe(2);
});
