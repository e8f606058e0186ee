import { act, screen, waitFor } from "@testing-library/react";
import { useCallback } from "react";
import { afterEach, expect, it, vi } from "vitest";
import { listTracks } from "../api/endpoints";
import { fakeFetch } from "../test/fakeApi";
import { renderWithPlayer } from "../test/renderWithPlayer";
import { makeTrack } from "../test/tracks";
import { usePagedList } from "./usePagedList";
import { kTrackRowHeight, VirtualTrackTable } from "./VirtualTrackTable";

afterEach(() => vi.unstubAllGlobals());

const kTotal = 100_000;

function Harness() {
  const fetchPage = useCallback(
    (offset: number, limit: number, signal: AbortSignal) => listTracks(offset, limit, "title", "asc", signal),
    [],
  );
  const list = usePagedList(fetchPage, 200, "title");
  return <VirtualTrackTable list={list} sort="title" order="asc" onSort={() => undefined} />;
}

it("renders only the rows on screen of 100,000 and fetches only their pages", async () => {
  const { calls } = fakeFetch({
    "/api/v1/tracks": (url) => {
      const offset = Number(url.searchParams.get("offset"));
      const limit = Number(url.searchParams.get("limit"));
      const items = Array.from({ length: Math.min(limit, kTotal - offset) }, (_, i) => makeTrack(offset + i));
      return { items, total: kTotal, offset, limit };
    },
  });
  const { container } = renderWithPlayer(<Harness />);
  await waitFor(() => expect(screen.getByText("Track 0")).toBeTruthy());
  const rowsAtTop = container.querySelectorAll("tr.track-row").length;
  expect(rowsAtTop).toBeGreaterThan(0);
  expect(rowsAtTop).toBeLessThan(100);
  expect(screen.getByRole("table", { name: "Tracks" }).getAttribute("aria-rowcount")).toBe(String(kTotal + 1));

  // Scroll to the middle: the page holding row 50,000 is fetched, and rows
  // around it replace the first ones.
  const scroller = container.querySelector(".virtual-scroller") as HTMLDivElement;
  Object.defineProperty(scroller, "clientHeight", { value: 800, configurable: true });
  scroller.scrollTop = 50_000 * kTrackRowHeight;
  await act(async () => {
    scroller.dispatchEvent(new Event("scroll"));
    await new Promise((r) => setTimeout(r, 50));
  });
  await waitFor(() => expect(screen.getByText("Track 50000")).toBeTruthy());
  expect(screen.queryByText("Track 0")).toBeNull();
  expect(container.querySelectorAll("tr.track-row").length).toBeLessThan(100);
  expect(calls).toContain("GET /api/v1/tracks?offset=50000&limit=200&sort=title&order=asc");
  expect(calls.length).toBeLessThan(5);
});
