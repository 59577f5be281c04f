/**
 * The TypeScript oracle's packed path beyond the bundled fixtures (issue 17: its refusals had no
 * coverage): which tensors a sorted and an unsorted case report, one-line errors for a packed case
 * without lengths and for a module that answers a packed input with a padded one, and empty index
 * tensors when a PackedSequence carries none.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Fixture } from "../src/core/format/types.js";
import { moduleFromFixture } from "../src/core/nn/from-torch.js";
import { GRU } from "../src/core/nn/gru.js";
import { PackedSequence } from "../src/core/nn/packed-sequence.js";
import { runModule, runTypeScript } from "../src/core/oracle/typescript.js";
import { DEFAULT_FIXTURES_DIR } from "../src/node/readers/manifest.js";
import { readFixture } from "../src/node/readers/fixture-file.js";

const read = (name: string) => readFixture(join(DEFAULT_FIXTURES_DIR, "float64", `${name}.msgpack`));
const SORTED = await read("GRU-packed-sorted-seqfirst-uni-L1-h0-float64");
const UNSORTED = await read("GRU-packed-unsorted-seqfirst-uni-L1-h0-float64");

/** The fixture's GRU with its forward replaced: what a wrong module would return. */
function gruReturning(f: Fixture, forward: (m: GRU, input: Parameters<GRU["forward"]>[0]) => ReturnType<GRU["forward"]>): GRU {
  const m = moduleFromFixture(f);
  if (!(m instanceof GRU)) throw new Error(`${f.name} is not a GRU case`);
  const real = m.forward.bind(m);
  m.forward = ((input: Parameters<GRU["forward"]>[0]) => forward({ forward: real } as GRU, input)) as GRU["forward"];
  return m;
}

describe("runTypeScript on packed cases reports the tensors torch's fixture holds", () => {
  it.each([SORTED, UNSORTED])("$name", (f) => {
    expect(Object.keys(runTypeScript(f)).sort()).toEqual(Object.keys(f.outputs).sort());
  });
});

describe("runModule's packed path refuses in one line", () => {
  it("a packed case without lengths", () => {
    const f: Fixture = { ...SORTED, inputs: { ...SORTED.inputs, lengths: undefined } };
    expect(() => runTypeScript(f)).toThrow(`${f.file}: inputs.lengths: missing for a packed case`);
  });
  it("a module that answers a packed input with a padded output", () => {
    const m = gruReturning(SORTED, (real) => {
      const [, hN] = real.forward(SORTED.inputs.input, SORTED.inputs.hx);
      return [SORTED.inputs.input, hN];
    });
    expect(() => runModule(m, SORTED)).toThrow(`${SORTED.file}: inputs.input: a packed input gave an unpacked output`);
  });
  it("a PackedSequence without indices gives empty index tensors", () => {
    const m = gruReturning(UNSORTED, (real, input) => {
      const [out, hN] = real.forward(input, UNSORTED.inputs.hx);
      const p = out as PackedSequence;
      return [new PackedSequence(p.data, p.batchSizes, null, null), hN];
    });
    const out = runModule(m, UNSORTED);
    expect([out.sorted_indices?.shape, out.unsorted_indices?.shape]).toEqual([[0], [0]]);
  });
});
