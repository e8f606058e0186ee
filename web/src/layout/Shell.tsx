import { useCallback, useState, type ReactNode } from "react";
import { PlayerBar } from "../player/PlayerBar";
import { QueuePanel } from "../player/QueuePanel";
import { ShortcutsHelp } from "../player/ShortcutsHelp";
import { useKeyboardShortcuts } from "../player/useKeyboardShortcuts";
import { Sidebar } from "./Sidebar";
import { StaleBanner } from "./StaleBanner";
import { TopBar } from "./TopBar";

// The signed-in frame: navigation, search, the page, the queue and the player.
export function Shell({ children }: { children: ReactNode }) {
  const [queueOpen, setQueueOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const toggleHelp = useCallback(() => setHelpOpen((o) => !o), []);
  useKeyboardShortcuts(toggleHelp);
  return (
    <div className={queueOpen ? "shell queue-open" : "shell"}>
      <Sidebar />
      <TopBar onHelp={toggleHelp} />
      <main className="content" id="content">
        <StaleBanner />
        {children}
      </main>
      {queueOpen && <QueuePanel onClose={() => setQueueOpen(false)} />}
      <PlayerBar queueOpen={queueOpen} onToggleQueue={() => setQueueOpen((o) => !o)} />
      {helpOpen && <ShortcutsHelp onClose={() => setHelpOpen(false)} />}
    </div>
  );
}
