import { useState } from "react";
import { formatSeconds } from "../lib/format";
import { useEngineTime, usePlayerStore } from "./usePlayer";

// The position slider, with the buffered ranges drawn behind it.
export function SeekBar() {
  const store = usePlayerStore();
  const time = useEngineTime();
  const [dragging, setDragging] = useState<number | null>(null);
  const duration = time.duration > 0 ? time.duration : 0;
  const position = dragging ?? Math.min(time.currentTime, duration || time.currentTime);
  const percent = (seconds: number) => (duration > 0 ? `${(seconds / duration) * 100}%` : "0%");
  return (
    <div className="seek">
      <span className="time" aria-label="Elapsed">
        {formatSeconds(position)}
      </span>
      <div className="seek-track">
        <div className="seek-buffered" aria-hidden="true">
          {time.buffered.map(([start, end]) => (
            <span
              key={start}
              className="seek-range"
              style={{ left: percent(start), width: percent(Math.max(end - start, 0)) }}
            />
          ))}
          <span className="seek-played" style={{ width: percent(position) }} />
        </div>
        <input
          type="range"
          aria-label="Seek"
          min={0}
          max={duration || 1}
          step={0.1}
          value={position}
          disabled={duration === 0}
          aria-valuetext={`${formatSeconds(position)} of ${formatSeconds(duration)}`}
          onChange={(e) => setDragging(Number(e.target.value))}
          onPointerUp={() => {
            if (dragging !== null) store.seek(dragging);
            setDragging(null);
          }}
          onKeyUp={() => {
            if (dragging !== null) store.seek(dragging);
            setDragging(null);
          }}
          onBlur={() => setDragging(null)}
        />
      </div>
      <span className="time" aria-label="Duration">
        {formatSeconds(duration)}
      </span>
    </div>
  );
}
