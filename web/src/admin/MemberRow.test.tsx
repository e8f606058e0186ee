import { render, screen } from "@testing-library/react";
import { expect, it } from "vitest";
import type { ClusterMember } from "../api/types";
import { MemberRow, roleOf } from "./MemberRow";

const member = (overrides: Partial<ClusterMember>): ClusterMember => ({
  node_id: "n2",
  peer_address: "127.0.0.1:2",
  api_address: "127.0.0.1:1",
  joined_at_ms: 0,
  membership: "voter",
  reachable: true,
  lag: 0,
  last_contact_ms_ago: 12,
  status: { role: "follower", term: 3, applied_index: 40 },
  ...overrides,
});

it("takes the role from the node's own view, else from the membership", () => {
  expect(roleOf(member({}), "n1")).toBe("follower");
  expect(roleOf(member({ membership: "learner", status: { role: "follower" } }), "n1")).toBe("learner");
  expect(roleOf(member({ reachable: false, status: { error: "timeout" } }), "n1")).toBe("voter");
  expect(roleOf(member({ reachable: false, status: { error: "timeout" } }), "n2")).toBe("leader");
});

it("shows health, contact, term, applied index and what the API does not give yet", () => {
  render(
    <table>
      <tbody>
        <MemberRow member={member({ reachable: false, last_error: "connection refused", blobs: 7 })} leader="n1" self="n1" />
      </tbody>
    </table>,
  );
  const row = screen.getByRole("row");
  expect(row.textContent).toContain("unreachable");
  expect(row.textContent).toContain("connection refused");
  expect(row.textContent).toContain("12 ms ago");
  expect(row.textContent).toContain("40");
  expect(row.textContent).toContain("7"); // blob copies the catalog lists on the node
  expect(row.textContent).toContain("n/a");
});

it("shows the transport's last error only while the member is unhealthy", () => {
  render(
    <table>
      <tbody>
        <MemberRow member={member({ last_error: "TLS handshake failed" })} leader="n1" self="n1" />
      </tbody>
    </table>,
  );
  expect(screen.getByRole("row").textContent).toContain("healthy");
  expect(screen.getByRole("row").textContent).not.toContain("TLS handshake failed");
});

it("marks a member whose disk is below the reserve", () => {
  render(
    <table>
      <tbody>
        <MemberRow member={member({ storage_full: true })} leader="n1" self="n1" />
      </tbody>
    </table>,
  );
  expect(screen.getByTitle("below --min-free-disk: takes no new copies").textContent).toBe("full");
});
