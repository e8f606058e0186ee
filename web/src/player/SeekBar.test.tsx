import { act, fireEvent, screen } from "@testing-library/react";
import { expect, it } from "vitest";
import { renderWithPlayer } from "../test/renderWithPlayer";
import { makeTrack } from "../test/tracks";
import { SeekBar } from "./SeekBar";

function ranges(list: Array<[number, number]>): TimeRanges {
  return {
    length: list.length,
    start: (i: number) => (list[i] as [number, number])[0],
    end: (i: number) => (list[i] as [number, number])[1],
  } as TimeRanges;
}

it("draws the buffered ranges and seeks where the slider is released", () => {
  const { store, container } = renderWithPlayer(<SeekBar />);
  act(() => store.playTracks([makeTrack(0, { duration_ms: 200_000 })], 0));
  const audio = store.engine.active;
  Object.defineProperty(audio, "duration", { value: 200, configurable: true });
  Object.defineProperty(audio, "buffered", { value: ranges([[0, 50], [100, 150]]), configurable: true });
  Object.defineProperty(audio, "readyState", { value: 4, configurable: true });
  Object.defineProperty(audio, "currentTime", { value: 0, configurable: true, writable: true });
  act(() => {
    audio.dispatchEvent(new Event("progress"));
  });
  const drawn = [...container.querySelectorAll<HTMLElement>(".seek-range")].map((r) => [r.style.left, r.style.width]);
  expect(drawn).toEqual([
    ["0%", "25%"],
    ["50%", "25%"],
  ]);
  const slider = screen.getByRole("slider", { name: "Seek" });
  fireEvent.change(slider, { target: { value: "120" } });
  fireEvent.pointerUp(slider);
  expect(audio.currentTime).toBe(120);
  expect(screen.getByLabelText("Elapsed").textContent).toBe("2:00");
});
