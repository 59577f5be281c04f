/** summarize: which row is the worst headroom per dtype (NaN worst, ties keep the first), and failing cases counted by file and name. */
import { describe, expect, it } from "vitest";
import { summarize } from "../src/node/report/summary.js";
import { row } from "./helpers/check-result.js";

const worst = (...rows: [string, number][]) => summarize(rows.map(([c, headroom]) => row({ case: c, headroom })), [], rows.length, 0).worstHeadroom.float32?.case;

describe("summarize", () => {
  it("keeps the lowest headroom, NaN below every number, the first of equals", () => {
    expect(worst(["a", 0.5], ["b", 0.25], ["c", 0.75])).toBe("b");
    expect(worst(["a", 0.5], ["b", NaN], ["c", -1])).toBe("b");
    expect(worst(["a", NaN], ["b", 0.5], ["c", NaN])).toBe("a");
    expect(worst(["a", 0.5], ["b", 0.5])).toBe("a");
  });

  it("counts failing cases by file and name: two cases, or one case twice", () => {
    const failed = (over: Parameters<typeof row>[0]) => row({ passed: false, ...over });
    const count = (...rows: ReturnType<typeof row>[]) => summarize(rows, [], 3, 0).failedCases;
    expect(count(failed({ case: "a", file: "x/a.msgpack" }), failed({ case: "b", file: "x/b.msgpack" }))).toBe(2);
    expect(count(failed({ case: "a", file: "x/a.msgpack", tensor: "output" }), failed({ case: "a", file: "x/a.msgpack", tensor: "h_n" }))).toBe(1);
    // The same case name in two files is two cases.
    expect(count(failed({ case: "a", file: "x/a.msgpack" }), failed({ case: "a", file: "y/a.msgpack" }), row({ case: "c" }))).toBe(2);
  });
});
