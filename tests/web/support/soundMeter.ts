// Counts the samples the page sends to its audio output that are not
// silent: a tap on everything connected to an AudioDestinationNode. A media
// element of another origin played without CORS through Web Audio
// outputs zeros, which this tells from sound.
import type { Page } from "playwright-core";

type MeterWindow = { __sounding: number };
// A 440 Hz tone at the default level (1/8) crosses zero in about one sample.
const kSilentSampleMax = 1e-3;

// Call before the page loads.
export async function installSoundMeter(page: Page): Promise<void> {
  await page.addInitScript(
    ({ silentMax }) => {
      (window as unknown as MeterWindow).__sounding = 0;
      const taps = new WeakMap<BaseAudioContext, AudioNode>();
      const connect = AudioNode.prototype.connect as (this: AudioNode, ...args: unknown[]) => unknown;
      AudioNode.prototype.connect = function (this: AudioNode, ...args: unknown[]) {
        const result = connect.apply(this, args);
        if (args[0] instanceof AudioDestinationNode) {
          let tap = taps.get(this.context);
          if (!tap) {
            const processor = this.context.createScriptProcessor(256, 1, 1);
            const sink = this.context.createGain();
            sink.gain.value = 0;
            connect.call(processor, sink);
            connect.call(sink, this.context.destination);
            processor.onaudioprocess = (event) => {
              for (const x of event.inputBuffer.getChannelData(0)) {
                if (Math.abs(x) > silentMax) (window as unknown as MeterWindow).__sounding += 1;
              }
            };
            taps.set(this.context, processor);
            tap = processor;
          }
          connect.call(this, tap);
        }
        return result;
      } as typeof AudioNode.prototype.connect;
    },
    { silentMax: kSilentSampleMax },
  );
}

// Sounding samples since the page loaded.
export function soundingSamples(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as MeterWindow).__sounding);
}
