// Loaded before each test file (vitest setupFiles): removes the audio and
// folders that file made once it is done.
import { afterAll } from "vitest";
import { removeScratch } from "./audio";

afterAll(() => removeScratch());
