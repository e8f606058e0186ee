import { act, fireEvent, screen } from "@testing-library/react";
import { expect, it } from "vitest";
import { renderWithPlayer } from "../test/renderWithPlayer";
import { makeTrack } from "../test/tracks";
import { TransportControls } from "./TransportControls";

it("names every control and reflects shuffle and repeat", () => {
  const { store } = renderWithPlayer(<TransportControls />);
  for (const name of ["Play", "Previous", "Next", "Shuffle", "Repeat"]) {
    expect(screen.getByRole("button", { name })).toBeTruthy();
  }
  expect((screen.getByRole("button", { name: "Play" }) as HTMLButtonElement).disabled).toBe(true);
  act(() => store.enqueue([makeTrack(0), makeTrack(1)]));
  expect((screen.getByRole("button", { name: "Play" }) as HTMLButtonElement).disabled).toBe(false);

  expect(store.currentTrack()?.id).toBe("t0");
  fireEvent.click(screen.getByRole("button", { name: "Next" }));
  expect(store.currentTrack()?.id).toBe("t1");
  fireEvent.click(screen.getByRole("button", { name: "Shuffle" }));
  expect(screen.getByRole("button", { name: "Shuffle" }).getAttribute("aria-pressed")).toBe("true");
  fireEvent.click(screen.getByRole("button", { name: "Repeat" }));
  expect(screen.getByRole("button", { name: "Repeat" }).getAttribute("data-mode")).toBe("all");
});
