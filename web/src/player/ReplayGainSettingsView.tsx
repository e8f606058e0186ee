import type { ReplayGainMode } from "./replayGain";
import { usePlayer, usePlayerStore } from "./usePlayer";

export function ReplayGainSettingsView() {
  const store = usePlayerStore();
  const { replayGain, gapless } = usePlayer();
  return (
    <fieldset className="replaygain">
      <legend>Playback</legend>
      <label className="inline">
        <input type="checkbox" checked={gapless} onChange={(e) => store.setGapless(e.target.checked)} />
        Gapless playback
      </label>
      <label>
        ReplayGain
        <select
          value={replayGain.mode}
          onChange={(e) => store.setReplayGain({ ...replayGain, mode: e.target.value as ReplayGainMode })}
        >
          <option value="off">Off</option>
          <option value="track">Track</option>
          <option value="album">Album</option>
        </select>
      </label>
      <label>
        Pre-amp {replayGain.preampDb > 0 ? "+" : ""}
        {replayGain.preampDb} dB
        <input
          type="range"
          min={-15}
          max={15}
          step={1}
          value={replayGain.preampDb}
          onChange={(e) => store.setReplayGain({ ...replayGain, preampDb: Number(e.target.value) })}
        />
      </label>
    </fieldset>
  );
}
