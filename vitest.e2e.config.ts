import { defineConfig } from "vitest/config";

/** Browser end-to-end tests: a real Relais process, real SMTP on loopback, Debian's Chromium. */
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ["default"],
  },
});
