/**
 * The conformance suite: every bundled fixture, every tensor the module returns, compared with
 * PyTorch's reference under torch.testing.assert_close's default tolerances. A failure is named
 * `torch vs typescript › <case> › <tensor>` and carries assert_close's message.
 */
import { afterAll, describe, expect, it } from "vitest";
import { compareAny } from "../src/core/compare/compare-any.js";
import { runTypeScript } from "../src/core/oracle/typescript.js";
import { failureHeading, loadFixture, manifestCases, memoOracle, outputNames } from "./helpers/cases.js";
import { ErrorSummary } from "./helpers/summary.js";

const runTs = memoOracle((f) => runTypeScript(f));
const summary = new ErrorSummary();

afterAll(() => {
  // The closing numbers of the suite: how far from torch the worst element got, per dtype.
  console.log(summary.format("torch vs typescript"));
});

describe("torch vs typescript", () => {
  it("covers the manifest", () => {
    expect(manifestCases.length).toBeGreaterThan(0);
  });

  describe.each(manifestCases.map((c) => [`${c.name} (${c.module} ${JSON.stringify(c.config)})`, c] as const))("%s", (_label, entry) => {
    it.each(outputNames(entry).map((t) => [t] as const))("%s", async (tensor) => {
      const fixture = await loadFixture(entry);
      const expected = fixture.outputs[tensor];
      if (expected === undefined) throw new Error(`${fixture.file}: outputs.${tensor}: missing`);
      const actual = (await runTs(entry))[tensor];
      if (actual === undefined) throw new Error(`runTypeScript returned no '${tensor}' for ${entry.name}`);
      const c = compareAny(actual, expected, { name: tensor });
      summary.add(entry, c);
      if (!c.passed) throw new Error(`${failureHeading("typescript", entry, tensor)}\n${c.message}`);
      expect(c.mismatched).toBe(0);
    });
  });
});
