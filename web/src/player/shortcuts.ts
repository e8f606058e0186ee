// Keyboard shortcuts of the player; the help overlay lists the same table.
import type { PlayerStore } from "./PlayerStore";

export interface Shortcut {
  keys: string;
  description: string;
  matches: (event: KeyboardEvent) => boolean;
  run: (store: PlayerStore) => void;
}

const kSeekStepSeconds = 5;
const kVolumeStep = 0.05;

const key = (name: string, shift = false) => (e: KeyboardEvent) => e.key === name && e.shiftKey === shift;

export const shortcuts: Shortcut[] = [
  { keys: "Space", description: "Play or pause", matches: key(" "), run: (s) => s.togglePlay() },
  { keys: "←", description: "Back 5 seconds", matches: key("ArrowLeft"), run: (s) => s.seekBy(-kSeekStepSeconds) },
  { keys: "→", description: "Forward 5 seconds", matches: key("ArrowRight"), run: (s) => s.seekBy(kSeekStepSeconds) },
  { keys: "Shift + ←", description: "Previous track", matches: key("ArrowLeft", true), run: (s) => s.previous() },
  { keys: "Shift + →", description: "Next track", matches: key("ArrowRight", true), run: (s) => s.next() },
  {
    keys: "↑",
    description: "Volume up",
    matches: key("ArrowUp"),
    run: (s) => s.setVolume(s.snapshot().volume + kVolumeStep),
  },
  {
    keys: "↓",
    description: "Volume down",
    matches: key("ArrowDown"),
    run: (s) => s.setVolume(s.snapshot().volume - kVolumeStep),
  },
  { keys: "M", description: "Mute or unmute", matches: (e) => e.key.toLowerCase() === "m", run: (s) => s.toggleMute() },
  { keys: "S", description: "Shuffle on or off", matches: (e) => e.key.toLowerCase() === "s", run: (s) => s.toggleShuffle() },
  { keys: "R", description: "Repeat: off, all, one", matches: (e) => e.key.toLowerCase() === "r", run: (s) => s.cycleRepeat() },
];

// Keys typed into a field, or arrows in a control that uses them, are not shortcuts.
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") return (target as HTMLInputElement).type !== "checkbox";
  return target.getAttribute("role") === "slider" || target.getAttribute("role") === "combobox";
}

export function findShortcut(event: KeyboardEvent): Shortcut | null {
  if (event.ctrlKey || event.metaKey || event.altKey || isTypingTarget(event.target)) return null;
  // Space on a focused button presses the button, as everywhere else.
  if (event.key === " " && event.target instanceof HTMLElement && event.target.closest("button, a")) return null;
  return shortcuts.find((s) => s.matches(event)) ?? null;
}
