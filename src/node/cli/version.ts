import { readFileSync } from "node:fs";

/** The package version, read from package.json two levels up (the same from src/cli and dist/cli). */
export function toolVersion(): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8"));
    const version = (pkg as { version?: unknown }).version;
    return typeof version === "string" ? version : "unknown";
  } catch {
    return "unknown";
  }
}
