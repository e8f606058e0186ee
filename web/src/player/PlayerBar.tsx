import { Icon } from "../ui/Icon";
import { NowPlaying } from "./NowPlaying";
import { SeekBar } from "./SeekBar";
import { TransportControls } from "./TransportControls";
import { VolumeControl } from "./VolumeControl";

export function PlayerBar({ queueOpen, onToggleQueue }: { queueOpen: boolean; onToggleQueue: () => void }) {
  return (
    <footer className="player-bar" aria-label="Player">
      <NowPlaying />
      <div className="player-center">
        <TransportControls />
        <SeekBar />
      </div>
      <div className="player-side">
        <button
          type="button"
          className="icon-button"
          aria-label="Queue"
          aria-pressed={queueOpen}
          aria-controls={queueOpen ? "queue-panel" : undefined}
          onClick={onToggleQueue}
        >
          <Icon name="queue" />
        </button>
        <VolumeControl />
      </div>
    </footer>
  );
}
