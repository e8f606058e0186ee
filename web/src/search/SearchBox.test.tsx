import { act, fireEvent, screen } from "@testing-library/react";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { fakeFetch } from "../test/fakeApi";
import { renderWithPlayer } from "../test/renderWithPlayer";
import { makeTrack } from "../test/tracks";
import { SearchBox } from "./SearchBox";
import { kSearchDebounceMs } from "./useSearch";

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const results = {
  tracks: [makeTrack(0, { title: "Canción del Mar" }), makeTrack(1, { title: "Canción Dos" })],
  albums: [{ id: "al1", title: "Cantos", album_artist: "Someone" }],
  artists: [{ id: "ar1", name: "Cantante" }],
};

async function type(text: string) {
  fireEvent.change(screen.getByRole("combobox", { name: "Search" }), { target: { value: text } });
  await act(async () => {
    await vi.advanceTimersByTimeAsync(kSearchDebounceMs + 10);
  });
}

it("asks the server once typing pauses, and groups the results", async () => {
  const { calls } = fakeFetch({ "/api/v1/search": () => results });
  renderWithPlayer(<SearchBox />);
  fireEvent.change(screen.getByRole("combobox", { name: "Search" }), { target: { value: "c" } });
  fireEvent.change(screen.getByRole("combobox", { name: "Search" }), { target: { value: "can" } });
  await type("cancion");
  expect(calls).toEqual(["GET /api/v1/search?q=cancion&limit=8"]);
  expect(screen.getByRole("group", { name: "Tracks" })).toBeTruthy();
  expect(screen.getByRole("group", { name: "Albums" })).toBeTruthy();
  expect(screen.getByRole("group", { name: "Artists" })).toBeTruthy();
  expect(screen.getAllByRole("option")).toHaveLength(4);
});

it("moves through the results with the arrow keys and plays a track with Enter", async () => {
  fakeFetch({ "/api/v1/search": () => results });
  const { store } = renderWithPlayer(<SearchBox />);
  await type("cancion");
  const input = screen.getByRole("combobox", { name: "Search" });
  fireEvent.keyDown(input, { key: "ArrowDown" });
  fireEvent.keyDown(input, { key: "ArrowDown" });
  const selected = screen.getByRole("option", { selected: true });
  expect(selected.textContent).toContain("Canción Dos");
  expect(input.getAttribute("aria-activedescendant")).toBe(selected.id);
  fireEvent.keyDown(input, { key: "ArrowUp" });
  fireEvent.keyDown(input, { key: "ArrowUp" }); // wraps to the last result
  expect(screen.getByRole("option", { selected: true }).textContent).toContain("Cantante");
  fireEvent.keyDown(input, { key: "ArrowDown" }); // back to the first
  fireEvent.keyDown(input, { key: "ArrowDown" });
  fireEvent.keyDown(input, { key: "Enter" });
  expect(store.currentTrack()?.title).toBe("Canción Dos");
  expect(store.snapshot().queue.entries.map((e) => e.track.title)).toEqual(["Canción del Mar", "Canción Dos"]);
});

it("says so when nothing matches", async () => {
  fakeFetch({ "/api/v1/search": () => ({ tracks: [], albums: [], artists: [] }) });
  renderWithPlayer(<SearchBox />);
  await type("zzz");
  expect(screen.getByText("No results for “zzz”.")).toBeTruthy();
});
