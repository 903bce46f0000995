import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // The Bluesky network tests need the test network package: they run in their own step (npm run test:bluesky).
    exclude: [
      "test/e2e/**",
      "test/connectors/bluesky-network.test.ts",
      "node_modules/**",
      "**/node_modules/**",
      "dist/**",
    ],
    globalSetup: ["test/helpers/global-setup.ts"],
    pool: "forks",
    testTimeout: 90_000,
    hookTimeout: 60_000,
    reporters: ["default"],
  },
});
