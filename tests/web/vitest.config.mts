// End-to-end tests of the web app: real `dispotify serve` processes and
// Debian's chromium driven by playwright-core. Run from web/: `npm run e2e`
// (make web-test), which links web/node_modules here. Screenshots go to tests/web/artifacts/.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const here = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root: here,
  test: {
    include: ["*.e2e.ts"],
    setupFiles: ["support/cleanup.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    sequence: { concurrent: false },
    reporters: ["default"],
  },
});
