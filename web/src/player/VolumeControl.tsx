import { Icon } from "../ui/Icon";
import { usePlayer, usePlayerStore } from "./usePlayer";

export function VolumeControl() {
  const store = usePlayerStore();
  const { volume, muted } = usePlayer();
  return (
    <div className="volume">
      <button
        type="button"
        className="icon-button"
        aria-label={muted ? "Unmute" : "Mute"}
        title={muted ? "Unmute (M)" : "Mute (M)"}
        onClick={() => store.toggleMute()}
      >
        <Icon name={muted || volume === 0 ? "muted" : "volume"} />
      </button>
      <input
        type="range"
        aria-label="Volume"
        min={0}
        max={1}
        step={0.01}
        value={muted ? 0 : volume}
        onChange={(e) => store.setVolume(Number(e.target.value))}
      />
    </div>
  );
}
