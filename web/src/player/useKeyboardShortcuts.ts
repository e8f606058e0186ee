import { useEffect } from "react";
import { findShortcut } from "./shortcuts";
import { usePlayerStore } from "./usePlayer";

// Installs the player's shortcuts on the window; "?" toggles the help.
export function useKeyboardShortcuts(toggleHelp: () => void): void {
  const store = usePlayerStore();
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return;
      if (event.key === "?" && !findShortcutBlocked(event)) {
        event.preventDefault();
        toggleHelp();
        return;
      }
      const shortcut = findShortcut(event);
      if (!shortcut) return;
      event.preventDefault();
      shortcut.run(store);
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [store, toggleHelp]);
}

function findShortcutBlocked(event: KeyboardEvent): boolean {
  const target = event.target;
  return target instanceof HTMLElement && (target.tagName === "INPUT" || target.tagName === "TEXTAREA");
}
