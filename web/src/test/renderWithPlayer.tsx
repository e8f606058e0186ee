import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter } from "react-router-dom";
import { PlayerStore } from "../player/PlayerStore";
import { PlayerContext } from "../player/usePlayer";
import { ToastProvider } from "../ui/Toast";

// jsdom has no media playback: play() and load() do nothing, as in a
// browser that has not started yet.
export function stubMedia(): void {
  window.HTMLMediaElement.prototype.play = () => Promise.resolve();
  window.HTMLMediaElement.prototype.pause = () => undefined;
  window.HTMLMediaElement.prototype.load = () => undefined;
}

export function renderWithPlayer(ui: ReactElement, path = "/") {
  stubMedia();
  const store = new PlayerStore("u1");
  const result = render(
    <MemoryRouter initialEntries={[path]}>
      <ToastProvider>
        <PlayerContext.Provider value={store}>{ui}</PlayerContext.Provider>
      </ToastProvider>
    </MemoryRouter>,
  );
  return { ...result, store };
}
