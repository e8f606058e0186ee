import { screen, waitFor } from "@testing-library/react";
import { useCallback } from "react";
import { afterEach, expect, it, vi } from "vitest";
import { listAlbums } from "../api/endpoints";
import { fakeFetch } from "../test/fakeApi";
import { renderWithPlayer } from "../test/renderWithPlayer";
import { usePagedList } from "./usePagedList";
import { VirtualAlbumGrid } from "./VirtualAlbumGrid";

afterEach(() => vi.unstubAllGlobals());

function Harness() {
  const fetchPage = useCallback(
    (offset: number, limit: number, signal: AbortSignal) => listAlbums(offset, limit, "name", "asc", signal),
    [],
  );
  return <VirtualAlbumGrid list={usePagedList(fetchPage, 120, "name")} />;
}

it("renders a few rows of 10,000 albums and fetches one page", async () => {
  const { calls } = fakeFetch({
    "/api/v1/albums": (url) => {
      const offset = Number(url.searchParams.get("offset"));
      const items = Array.from({ length: 120 }, (_, i) => ({
        id: `a${offset + i}`,
        title: `Album ${offset + i}`,
        album_artist: "Someone",
        artist_id: "r",
        has_cover: false,
      }));
      return { items, total: 10_000, offset, limit: 120 };
    },
  });
  const { container } = renderWithPlayer(<Harness />);
  await waitFor(() => expect(screen.getByText("Album 0")).toBeTruthy());
  const cards = container.querySelectorAll(".card").length;
  expect(cards).toBeGreaterThan(4);
  expect(cards).toBeLessThan(120);
  expect(calls).toEqual(["GET /api/v1/albums?offset=0&limit=120&sort=name&order=asc"]);
  const canvas = container.querySelector(".grid-canvas") as HTMLElement;
  expect(parseInt(canvas.style.height, 10)).toBeGreaterThan(100_000); // the scroll height of all 10,000
});
