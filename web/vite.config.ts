/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The dev server proxies the node's API, so `npm run dev` works against a
// running `dispotify serve` (DISPOTIFY_URL, default 127.0.0.1:4533).
const target = process.env.DISPOTIFY_URL ?? "http://127.0.0.1:4533";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    target: "es2022",
  },
  server: {
    proxy: { "/api": target, "/healthz": target },
  },
  test: {
    environment: "jsdom",
    globals: true,
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
    css: false,
    // jsdom renders slowly on a loaded 2-core machine (seen: 5 s timeouts
    // while other builds ran); no test here makes a claim about time.
    testTimeout: 20_000,
  },
});
