// Where the player's streams come from: the page's own node at first, and
// another node of the cluster once that one stops answering (the token
// works on every node: sessions live in the replicated catalog).
//
// The list of nodes (GET /api/v1/cluster/nodes) is fetched when playback
// starts and refreshed at most every kRefreshEveryMs and after every move,
// from the node the streams come from then (the page's own may be gone).
import { getToken } from "../api/client";
import { nextNode, originOf, type ClusterNode } from "./nodeChoice";

const kRefreshEveryMs = 30_000;
// A probe that gets no answer within this is a node gone (a dead process
// answers at once with a refused connection; a dead machine does not).
const kProbeTimeoutMs = 2_000;
// A node found down is tried again after this (it may have restarted).
const kDownForgetMs = 60_000;

interface NodesAnswer {
  node_id: string;
  nodes: ClusterNode[];
}

export class NodeDirectory {
  private nodes: ClusterNode[] = [];
  private base = ""; // origin of the node streams come from; "": the page's own
  private servingId: string | null = null; // that node's id, once it told us
  private readonly downSince = new Map<string, number>(); // origin -> when found down
  private lastRefreshMs = -Infinity;
  private refreshing: Promise<void> | null = null;

  constructor(private readonly pageOrigin: string = window.location.origin) {}

  // Prefix of the stream URLs: "" (relative, the page's node) or another node's origin.
  get streamBase(): string {
    return this.base;
  }

  // Whether there is another node to move to (known from the list).
  get hasAlternatives(): boolean {
    return this.nodes.length > 1;
  }

  // Fetches the list if it is older than kRefreshEveryMs (or `force`).
  // Never throws: without a list the player stays where it is.
  refresh(force = false): Promise<void> {
    if (this.refreshing) return this.refreshing;
    if (!force && Date.now() - this.lastRefreshMs < kRefreshEveryMs) return Promise.resolve();
    this.refreshing = this.fetchNodes().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  // Whether the node the streams come from answers at all (any HTTP
  // answer counts: only a refused connection, a reset or a timeout do not).
  async serving(): Promise<boolean> {
    return probe(this.base || this.pageOrigin);
  }

  // Moves the streams to the next node that answers; false when none does
  // (the player then retries where it is).
  async moveOn(): Promise<boolean> {
    const now = Date.now();
    for (const [origin, since] of this.downSince) if (now - since > kDownForgetMs) this.downSince.delete(origin);
    this.downSince.set(originOf(this.currentUrl()), now);
    for (;;) {
      const candidate = nextNode(this.nodes, this.currentUrl(), new Set(this.downSince.keys()));
      if (!candidate) return false;
      if (await probe(candidate.url)) {
        const origin = originOf(candidate.url);
        this.base = origin === this.pageOrigin ? "" : origin;
        this.servingId = candidate.node_id;
        void this.refresh(true);
        return true;
      }
      this.downSince.set(originOf(candidate.url), Date.now());
    }
  }

  // The serving node's URL as the list has it (the page may know its own
  // node by another name, e.g. localhost for 127.0.0.1).
  private currentUrl(): string {
    const listed = this.nodes.find((node) => node.node_id === this.servingId);
    return listed?.url ?? (this.base || this.pageOrigin);
  }

  private async fetchNodes(): Promise<void> {
    const token = getToken();
    const query = token ? `?access_token=${encodeURIComponent(token)}` : "";
    try {
      const response = await fetch(`${this.base}/api/v1/cluster/nodes${query}`, { cache: "no-store" });
      if (!response.ok) return; // a single node (404) or a refused token: keep what we have
      const answer = (await response.json()) as NodesAnswer;
      if (!Array.isArray(answer.nodes)) return;
      this.nodes = answer.nodes.filter((node) => typeof node.url === "string" && typeof node.node_id === "string");
      this.servingId = answer.node_id;
      this.lastRefreshMs = Date.now();
    } catch {
      // The node is gone or the list unreadable: the next refresh tries again.
    }
  }
}

// Any answer means the node is there; "no-cors" so that a node that does
// not allow this origin still counts as answering.
async function probe(origin: string): Promise<boolean> {
  try {
    await fetch(`${origin}/healthz`, { mode: "no-cors", cache: "no-store", signal: AbortSignal.timeout(kProbeTimeoutMs) });
    return true;
  } catch {
    return false;
  }
}
