/**
 * The parity suite trusts src/fixtures to hand it torch's tensors. This checks that trust with an
 * independent, deliberately plain decoder (test/helpers/tensor-map.ts): for every bundled fixture,
 * every tensor readFixture returns must be bit-identical to the file's bytes read the simple way.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { decode } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import { readFixture } from "../src/node/readers/fixture-file.js";
import { fixturesDir, manifestCases } from "./helpers/cases.js";
import { anyTensorFromMap } from "./helpers/tensor-map.js";
import type { FixtureTensor } from "../src/core/format/types.js";

function sameBits(a: FixtureTensor, b: FixtureTensor): boolean {
  if (a.dtype !== b.dtype || a.shape.length !== b.shape.length || a.data.length !== b.data.length) return false;
  if (!a.shape.every((d, i) => d === b.shape[i])) return false;
  return a.data.every((v, i) => Object.is(v, b.data[i]));
}

describe("readFixture returns the file's tensors bit for bit", () => {
  it.each(manifestCases.map((c) => [c.name, c] as const))("%s", async (_name, entry) => {
    const raw = decode(await readFile(join(fixturesDir, entry.file))) as Record<string, Record<string, unknown>>;
    const f = await readFixture(join(fixturesDir, entry.file));
    const groups: Array<[string, Readonly<Record<string, FixtureTensor>>, Record<string, unknown>]> = [
      ["state_dict", f.stateDict, raw.state_dict ?? {}],
      ["inputs", { ...f.inputs }, raw.inputs ?? {}],
      ["outputs", f.outputs, raw.outputs ?? {}],
    ];
    const wrong: string[] = [];
    for (const [group, decoded, fromFile] of groups) {
      expect(Object.keys(decoded).sort(), group).toEqual(Object.keys(fromFile).sort());
      for (const [key, value] of Object.entries(fromFile)) {
        const mine = anyTensorFromMap(value, `${group}.${key}`);
        const theirs = decoded[key];
        if (theirs === undefined || !sameBits(theirs, mine)) {
          wrong.push(`${group}.${key}: readFixture gives [${Array.from(theirs?.data.slice(0, 3) ?? []).join(", ")}, ...], the file holds [${Array.from(mine.data.slice(0, 3)).join(", ")}, ...]`);
        }
      }
    }
    expect(wrong, `${entry.file}: tensors readFixture decoded differently from the file`).toEqual([]);
  });
});
