import { fireEvent, screen } from "@testing-library/react";
import { expect, it } from "vitest";
import { renderWithPlayer } from "../test/renderWithPlayer";
import { makeTrack } from "../test/tracks";
import { TrackList } from "./TrackList";

const tracks = [
  makeTrack(0, { disc_number: 1, track_number: 1 }),
  makeTrack(1, { disc_number: 1, track_number: 2 }),
  makeTrack(2, { disc_number: 2, track_number: 1 }),
];

it("heads each disc of a multi-disc album and numbers tracks within it", () => {
  renderWithPlayer(
    <TrackList tracks={tracks} label="Tracks of X" columns={{ album: false }} numbers={(t) => t.track_number ?? 0} groupByDisc />,
  );
  const headers = screen.getAllByRole("columnheader").map((h) => h.textContent);
  expect(headers.filter((h) => h?.startsWith("Disc"))).toEqual(["Disc 1", "Disc 2"]);
  const rows = screen.getAllByRole("row").filter((r) => r.classList.contains("track-row"));
  expect(rows.map((r) => r.querySelector(".number")?.textContent)).toEqual(["1", "2", "1"]);
});

it("queues the whole list from the row that is played, and marks it", () => {
  const { store } = renderWithPlayer(<TrackList tracks={tracks} label="Tracks of X" columns={{}} />);
  fireEvent.click(screen.getByRole("button", { name: "Play Track 1" }));
  expect(store.currentTrack()?.id).toBe("t1");
  expect(store.snapshot().queue.entries).toHaveLength(3);
  expect(screen.getAllByRole("row").find((r) => r.getAttribute("aria-current") === "true")?.textContent).toContain(
    "Track 1",
  );
});
