// Which node of the cluster a player streams from when its own stops
// answering: pure, so that the choice is tested without a cluster.
//
// Every node serves every track (blobs this node lacks are fetched from
// their holders), so any node that answers will do; the list's order is
// the server's (by node id), the same for every player.

export interface ClusterNode {
  node_id: string;
  url: string; // base URL of its public port, e.g. "http://10.0.0.2:4533"
}

// "http://Host:80/" and "http://host" name the same node.
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url.replace(/\/+$/, "");
  }
}

// The node to try after `failed` (an origin): the first one after it in
// the list, wrapping around, that is not `down`. Null when none is left.
// Starting after the failed one (not at the top) means a node found down
// is not tried again before every other node has been.
export function nextNode(nodes: readonly ClusterNode[], failed: string, down: ReadonlySet<string>): ClusterNode | null {
  const failedOrigin = originOf(failed);
  const at = nodes.findIndex((node) => originOf(node.url) === failedOrigin);
  for (let step = 1; step <= nodes.length; step++) {
    const candidate = nodes[(at + step + nodes.length) % nodes.length] as ClusterNode; // at -1: from the top
    const origin = originOf(candidate.url);
    if (origin !== failedOrigin && !down.has(origin)) return candidate;
  }
  return null;
}
