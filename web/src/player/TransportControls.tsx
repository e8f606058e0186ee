import { Icon } from "../ui/Icon";
import { useEngineTime, usePlayer, usePlayerStore } from "./usePlayer";

const kRepeatLabel = { off: "Repeat: off", all: "Repeat: all", one: "Repeat: one" } as const;

export function TransportControls() {
  const store = usePlayerStore();
  const { queue } = usePlayer();
  const { playing } = useEngineTime();
  const empty = queue.entries.length === 0;
  return (
    <div className="transport">
      <button
        type="button"
        className="icon-button"
        aria-label="Shuffle"
        aria-pressed={queue.shuffle}
        title="Shuffle (S)"
        onClick={() => store.toggleShuffle()}
      >
        <Icon name="shuffle" />
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label="Previous"
        title="Previous (Shift+←)"
        disabled={empty}
        onClick={() => store.previous()}
      >
        <Icon name="previous" />
      </button>
      <button
        type="button"
        className="icon-button play-button"
        aria-label={playing ? "Pause" : "Play"}
        title={playing ? "Pause (Space)" : "Play (Space)"}
        disabled={empty}
        onClick={() => store.togglePlay()}
      >
        <Icon name={playing ? "pause" : "play"} size={28} />
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label="Next"
        title="Next (Shift+→)"
        disabled={empty}
        onClick={() => store.next()}
      >
        <Icon name="next" />
      </button>
      <button
        type="button"
        className="icon-button repeat-button"
        aria-label="Repeat"
        aria-pressed={queue.repeat !== "off"}
        data-mode={queue.repeat}
        title={`${kRepeatLabel[queue.repeat]} (R)`}
        onClick={() => store.cycleRepeat()}
      >
        <Icon name="repeat" />
        {queue.repeat === "one" && <span className="repeat-one">1</span>}
      </button>
    </div>
  );
}
