import { defineConfig } from "vitest/config";

/**
 * The Bluesky network tests (npm run test:bluesky): a real AT Protocol network on loopback from the test
 * package test/peers/bluesky (npm ci --prefix test/peers/bluesky/net first). One file at a time: the network
 * and the worker processes are heavy for a 2-core machine.
 */
export default defineConfig({
  test: {
    include: ["test/connectors/bluesky-network.test.ts"],
    globalSetup: ["test/helpers/global-setup.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    reporters: ["default"],
  },
});
