import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, expect, it, vi } from "vitest";
import { fakeFetch } from "../test/fakeApi";
import { AuditPage, kAuditPageSize } from "./AuditPage";

afterEach(() => vi.unstubAllGlobals());

const event = (id: number) => ({
  id,
  time: "2026-11-24T12:00:00.000Z",
  actor: id % 2 ? { id: "u1", username: "root" } : null,
  action: id % 2 ? "user.created" : "login.failed",
  target: `who-${id}`,
  detail: { role: "listener" },
  address: "203.0.113.7",
});

it("lists the events newest first and pages through them", async () => {
  const total = kAuditPageSize + 3;
  const { calls } = fakeFetch({
    "/api/v1/audit": (url) => {
      const offset = Number(url.searchParams.get("offset"));
      const count = Math.min(kAuditPageSize, total - offset);
      return { items: Array.from({ length: count }, (_, i) => event(total - offset - i)), total, offset, limit: kAuditPageSize };
    },
  });
  render(<AuditPage />);
  await screen.findByText(`who-${total}`);
  expect(screen.getByText(`1–${kAuditPageSize} of ${total}`)).toBeTruthy();
  expect(screen.getAllByText("root").length).toBeGreaterThan(0);
  expect(screen.getAllByText("203.0.113.7").length).toBeGreaterThan(0);
  await userEvent.click(screen.getByRole("button", { name: "Older" }));
  await screen.findByText("who-3");
  expect(calls).toContain(`GET /api/v1/audit?offset=${kAuditPageSize}&limit=${kAuditPageSize}`);
  expect((screen.getByRole("button", { name: "Older" }) as HTMLButtonElement).disabled).toBe(true);
});

it("filters by action", async () => {
  const { calls } = fakeFetch({
    "/api/v1/audit": (url) => ({
      items: url.searchParams.get("action") ? [event(2)] : [event(1), event(2)],
      total: 2,
      offset: 0,
      limit: kAuditPageSize,
    }),
  });
  render(<AuditPage />);
  await screen.findByText("who-1");
  await userEvent.selectOptions(screen.getByLabelText("Action"), "login.failed");
  await waitFor(() => expect(calls).toContain(`GET /api/v1/audit?offset=0&limit=${kAuditPageSize}&action=login.failed`));
  await waitFor(() => expect(screen.queryByText("who-1")).toBeNull());
});
