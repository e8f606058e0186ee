import { expect, it } from "vitest";
import { silentWav } from "./sessionAnchor";

it("makes a valid mono 8-bit PCM WAV file of silence of the asked length", () => {
  const bytes = silentWav(2, 8000);
  const view = new DataView(bytes.buffer);
  const text = (offset: number, length: number) => String.fromCharCode(...bytes.slice(offset, offset + length));
  expect(bytes.length).toBe(44 + 16000);
  expect([text(0, 4), text(8, 4), text(12, 4), text(36, 4)]).toEqual(["RIFF", "WAVE", "fmt ", "data"]);
  expect(view.getUint32(4, true)).toBe(bytes.length - 8);
  expect(view.getUint16(20, true)).toBe(1); // PCM
  expect(view.getUint16(22, true)).toBe(1); // mono
  expect(view.getUint32(24, true)).toBe(8000);
  expect(view.getUint16(34, true)).toBe(8);
  expect(view.getUint32(40, true)).toBe(16000);
  expect(bytes.slice(44).every((b) => b === 128)).toBe(true); // unsigned zero
});
