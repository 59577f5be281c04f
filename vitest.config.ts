import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Fixture loading and onnxruntime sessions are I/O-heavy; the default pool works, but keep
    // per-test time generous for the large case on a 2-core machine.
    testTimeout: 60_000,
  },
});
