// Three real nodes: the cluster page shows a killed node going unreachable
// and coming back, and the music keeps playing while the leader is down.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bytesOf, makeAudio } from "./support/audio";
import { activeAudio, launch, signInAndPlayAlbum, screenshot, watchConsole } from "./support/browser";
import { adminPassword, DispotifyNode } from "./support/node";

const nodes = [new DispotifyNode(), new DispotifyNode(), new DispotifyNode()] as const;
const [n1, n2, n3] = nodes;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  await n1.start();
  await n2.start({ join: n1.peerAddress });
  await n3.start({ join: n1.peerAddress });
  browser = await launch();
  page = await (await browser.newContext({ viewport: { width: 1400, height: 800 } })).newPage();
  watchConsole(page);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  for (const node of nodes) await node.stop();
});

const rows = () => page.getByRole("table", { name: "Nodes" }).locator("tbody tr");
const rowOf = (node: DispotifyNode) => rows().filter({ hasText: `127.0.0.1:${node.port}` });
let leader: DispotifyNode = n1;

interface ClusterView {
  leader: string | null;
  members: Array<{ node_id: string; api_address: string }>;
}

async function clusterView(token: string): Promise<ClusterView> {
  const response = await fetch(`${n2.url}/api/v1/cluster`, { headers: { Authorization: `Bearer ${token}` } });
  return (await response.json()) as ClusterView;
}

// The node that leads now, made to be another than n2 (whose page plays).
async function leaderOtherThanN2(token: string): Promise<DispotifyNode> {
  let view = await clusterView(token);
  const nodeOf = (id: string | null) => {
    const member = view.members.find((m) => m.node_id === id);
    return nodes.find((n) => member && member.api_address.endsWith(`:${n.port}`)) ?? null;
  };
  if (nodeOf(view.leader) === n2) {
    const target = view.members.find((m) => m.api_address.endsWith(`:${n1.port}`));
    await fetch(`${n2.url}/api/v1/cluster/transfer-leader`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ node_id: target?.node_id }),
    });
    await expect.poll(async () => (view = await clusterView(token)).leader, { timeout: 10_000 }).toBe(target?.node_id);
  }
  const found = nodeOf(view.leader);
  if (!found) throw new Error(`no leader in ${JSON.stringify(view)}`);
  return found;
}

it("shows every node healthy, then a killed leader unreachable, while the music plays on", async () => {
  // The page and the track live on n2, a follower: streams need no majority.
  const token = await n2.login();
  await n2.upload(token, "long.mp3", bytesOf(makeAudio({ title: "Long Tone", artist: "Tone Maker", album: "Failover", track: 1 }, 60)));
  await signInAndPlayAlbum(page, n2.url, adminPassword, "Failover");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Cluster" }).click();
  await expect.poll(() => rows().count(), { timeout: 20_000 }).toBe(3);
  await expect.poll(() => page.locator(".badge.ok").count(), { timeout: 20_000 }).toBe(3);
  leader = await leaderOtherThanN2(token);
  await expect.poll(() => rowOf(leader).textContent()).toContain("leader");
  await screenshot(page, "cluster-healthy");

  await leader.kill();
  const before = (await activeAudio(page)).currentTime;
  await expect.poll(() => rowOf(leader).textContent(), { timeout: 15_000 }).toContain("unreachable");
  // A new leader among the survivors, and the music never stopped.
  const survivors = nodes.filter((n) => n !== leader);
  await expect
    .poll(async () => (await Promise.all(survivors.map((n) => rowOf(n).textContent()))).join("|"), { timeout: 15_000 })
    .toMatch(/leader/);
  await screenshot(page, "cluster-failure");
  await expect.poll(async () => (await activeAudio(page)).currentTime, { timeout: 10_000 }).toBeGreaterThan(before + 3);
  expect((await activeAudio(page)).paused).toBe(false);
  expect(await page.locator(".now-playing-error").count()).toBe(0);
});

it("shows the node healthy again once it restarts", async () => {
  await leader.start({ join: n2.peerAddress });
  await expect.poll(() => page.locator(".badge.ok").count(), { timeout: 30_000 }).toBe(3);
  await expect.poll(() => page.locator(".badge.bad").count()).toBe(0);
  await screenshot(page, "cluster-healed");
});

it("keeps browsing from the node's own copy, and playing, when the majority is gone", async () => {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Albums" }).click();
  await page.getByRole("link", { name: "Failover" }).first().click();
  await page.getByRole("button", { name: "Play album", exact: true }).click();
  await expect.poll(async () => (await activeAudio(page)).currentTime, { timeout: 10_000 }).toBeGreaterThan(0.5);
  for (const node of nodes) if (node !== n2) await node.kill();
  // A read now waits for a majority that is not there (503 within 2 s), then
  // falls back to this node's copy; the page says so.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Albums" }).click();
  await page.getByText("This server cannot reach the rest of its cluster").waitFor({ timeout: 15_000 });
  await page.getByRole("link", { name: "Failover" }).first().waitFor();
  await screenshot(page, "cluster-minority");
  const before = (await activeAudio(page)).currentTime;
  await expect.poll(async () => (await activeAudio(page)).currentTime, { timeout: 10_000 }).toBeGreaterThan(before + 2);
});
