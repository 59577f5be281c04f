/** The core's VERSION (generated, since the core reads no file) is package.json's, and so is what every report names. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { typescriptAdapter } from "../src/core/adapter/default.js";
import { VERSION } from "../src/core/version.js";
import { toolVersion } from "../src/node/cli/version.js";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

describe("the package version", () => {
  it("src/core/version.ts is package.json's (npm run build or scripts/write-version.mjs rewrites it)", () => {
    expect(VERSION).toBe(pkg.version);
  });
  it("the default adapter and the CLI name it", () => {
    expect(typescriptAdapter.version).toBe(pkg.version);
    expect(toolVersion()).toBe(pkg.version);
  });
});
