/**
 * `rnn-parity check` on a packed case whose int64 reference was changed: the exact comparison
 * fails with torch's "not equal" message, and every report names the tensor as int64.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { perturbedCopy, removeTempDirs, runCli, tempDir } from "./helpers/cli-run.js";

const CASE = "LSTM-packed-unsorted-seqfirst-bidir-L1-h0-float32";

afterAll(removeTempDirs);

describe("check on a packed case with a wrong batch_sizes reference", () => {
  it("fails that tensor exactly, in every report", async () => {
    const dir = await tempDir();
    const file = await perturbedCopy(CASE, dir, "outputs", "batch_sizes", 1, 1);
    const json = join(dir, "report.json");
    const xml = join(dir, "report.xml");
    const run = await runCli(["check", file, "--oracle", "torch", "--reporter", "pretty", "--reporter", `json:${json}`, "--reporter", `junit:${xml}`]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/torch · batch_sizes \[\d+\] int64: -inf/);
    expect(run.stdout).toContain("Tensor-likes are not equal!");
    expect(run.stdout).toContain("The failure occurred for item ['batch_sizes']");
    const doc = JSON.parse(await readFile(json, "utf8")) as { comparisons: Array<{ tensor: string; tensorDtype: string; dtype: string; passed: boolean; rtol: number; atol: number }> };
    const rows = doc.comparisons.filter((r) => !r.passed);
    expect(rows.map((r) => [r.tensor, r.tensorDtype, r.dtype, r.rtol, r.atol])).toEqual([["batch_sizes", "int64", "float32", 0, 0]]);
    expect(doc.comparisons.find((r) => r.tensor === "output_data")?.tensorDtype).toBe("float32");
    expect(await readFile(xml, "utf8")).toMatch(/batch_sizes \[\d+\] int64: max abs diff 1\.00e\+0/);
  });
});
