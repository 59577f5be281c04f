/** `--impl FILE`: an ES module whose default export is an Adapter; anything else is one line naming the file. */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Adapter } from "../../core/adapter/contract.js";
import { FixtureError } from "../../core/errors.js";

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, "; ");
}

export async function loadAdapter(file: string): Promise<Adapter> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
  } catch (err) {
    throw new FixtureError(file, "", `cannot load the adapter: ${oneLine(err)}`);
  }
  const a = mod.default;
  if (typeof a !== "object" || a === null) throw new FixtureError(file, "default", "the default export must be an adapter object");
  const rec = a as Record<string, unknown>;
  if (typeof rec.name !== "string" || rec.name === "") throw new FixtureError(file, "default.name", "must be a non-empty string");
  if (rec.version !== undefined && typeof rec.version !== "string") throw new FixtureError(file, "default.version", "must be a string when present");
  if (rec.supports !== undefined && typeof rec.supports !== "function") throw new FixtureError(file, "default.supports", "must be a function when present");
  if (typeof rec.create !== "function") throw new FixtureError(file, "default.create", "must be a function");
  return a as Adapter;
}
