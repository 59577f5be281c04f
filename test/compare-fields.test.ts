/**
 * The fields torch's message does not show (headroom, worstIndex, diffs of a passing comparison):
 * their definitions, on small synthetic pairs. Verdicts and messages are checked against torch in
 * compare-assert-close.test.ts.
 */
import { describe, expect, it } from "vitest";
import { assertClose, compareTensors, defaultTolerance } from "../src/core/compare/assert-close.js";
import { RnnParityError } from "../src/core/errors.js";
import { Tensor } from "../src/core/tensor/tensor.js";

const f64 = (values: number[], shape: number[]) => new Tensor(Float64Array.from(values), shape);
const f32 = (values: number[], shape: number[]) => new Tensor(Float32Array.from(values), shape);

describe("compareTensors fields", () => {
  it("identical tensors: headroom 1, zero diffs, every count filled", () => {
    const e = f32([1, -2, 3, 4, 5, 6], [2, 3]);
    const c = compareTensors(e.clone(), e, { name: "output" });
    expect(c).toMatchObject({
      tensor: "output",
      shape: [2, 3],
      dtype: "float32",
      ...defaultTolerance("float32"),
      total: 6,
      mismatched: 0,
      maxAbsDiff: 0,
      maxRelDiff: 0,
      headroom: 1,
      passed: true,
      message: "",
    });
    expect(c.maxAbsDiffIndex).toEqual([0, 0]);
  });

  it("a passing comparison reports its largest differences over all elements", () => {
    // allowed = 1e-7 + 1e-7 * |e|; the diffs below use 10% and 50% of it.
    const e = f64([1, 100, 0.5, 0], [2, 2]);
    const a = f64([1 + 0.2e-7 * 1, 100 + 0.5 * (1e-7 + 1e-5), 0.5, 0], [2, 2]);
    const c = compareTensors(a, e);
    expect(c.passed).toBe(true);
    expect(c.maxAbsDiffIndex).toEqual([0, 1]);
    expect(c.worstIndex).toEqual([0, 1]);
    expect(c.headroom).toBeCloseTo(0.5, 6);
    expect(c.maxRelDiffIndex).toEqual([0, 1]);
  });

  it("worstIndex follows the tolerance ratio, not the absolute difference", () => {
    // Element 0 has the larger absolute diff but a large |e| gives it more room.
    const e = f64([1e6, 1e-3], [2]);
    const a = f64([1e6 + 0.05, 1e-3 + 0.9e-7], [2]);
    const c = compareTensors(a, e);
    expect(c.passed).toBe(true);
    expect(c.maxAbsDiffIndex).toEqual([0]);
    expect(c.worstIndex).toEqual([1]);
    expect(c.headroom).toBeGreaterThan(0);
    expect(c.headroom).toBeLessThan(0.2);
    // Push element 1 out: now it fails, and the message's diffs are over mismatches only.
    const worse = compareTensors(f64([1e6 + 0.05, 1e-3 + 1.5e-7], [2]), e);
    expect(worse).toMatchObject({ passed: false, mismatched: 1, worstIndex: [1], maxAbsDiffIndex: [1] });
    expect(worse.headroom).toBeLessThan(0);
  });

  it("NaN and infinities: headroom -Infinity; equal infinities count as identical", () => {
    const e = f64([Infinity, 1], [2]);
    expect(compareTensors(f64([Infinity, 1], [2]), e).headroom).toBe(1);
    const nan = compareTensors(f64([Infinity, NaN], [2]), e);
    expect(nan).toMatchObject({ passed: false, mismatched: 1, headroom: -Infinity, worstIndex: [1] });
    const negInf = compareTensors(f64([-Infinity, 1], [2]), e);
    expect(negInf).toMatchObject({ passed: false, headroom: -Infinity, worstIndex: [0] });
  });

  it("shape and dtype mismatches: nothing compared, all elements counted as mismatched", () => {
    const e = f64([1, 2, 3, 4, 5, 6], [2, 3]);
    const c = compareTensors(f64([1, 2, 3, 4, 5, 6], [3, 2]), e);
    expect(c).toMatchObject({ passed: false, shape: [2, 3], total: 6, mismatched: 6, headroom: -Infinity, worstIndex: [] });
    expect(c.maxAbsDiffIndex).toEqual([]);
    expect(c.maxRelDiffIndex).toEqual([]);
    expect(Number.isNaN(c.maxAbsDiff)).toBe(true);
    expect(compareTensors(f32([1, 2, 3, 4, 5, 6], [2, 3]), e).passed).toBe(false);
  });

  it("tolerance overrides are reported and used; invalid ones are refused", () => {
    const e = f32([1, 2], [2]);
    const a = f32([1.001, 2], [2]);
    expect(compareTensors(a, e).passed).toBe(false);
    const loose = compareTensors(a, e, { rtol: 0, atol: 2e-3 });
    expect(loose).toMatchObject({ passed: true, rtol: 0, atol: 2e-3 });
    expect(() => compareTensors(a, e, { atol: -1 })).toThrow(RnnParityError);
    expect(() => compareTensors(a, e, { atol: -1 })).toThrow("atol must be a finite number >= 0, got -1");
    expect(() => compareTensors(a, e, { rtol: NaN })).toThrow("rtol must be a finite number >= 0, got NaN");
    expect(() => compareTensors(a, e, { rtol: Infinity })).toThrow("rtol must be a finite number >= 0, got Infinity");
  });

  it("assertClose throws assert_close's message and returns the comparison when close", () => {
    const e = f32([1, 2], [2]);
    expect(assertClose(e.clone(), e).passed).toBe(true);
    const thrown = (() => {
      try {
        assertClose(f32([1, 3], [2]), e);
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(RnnParityError);
    expect((thrown as Error).name).toBe("AssertCloseError");
    expect(() => assertClose(f32([1, 3], [2]), e, { name: "h_n" })).toThrow(
      /^Tensor-likes are not close![\s\S]*The failure occurred for item \['h_n'\]$/,
    );
  });
});
