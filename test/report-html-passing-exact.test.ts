/**
 * The HTML report of a plain passing run (one case, torch only): its verdict, counts and header
 * lines exactly, and none of the optional parts (errors, expectations, filter, skipped,
 * unsupported, --fail-fast), whose absence the richer reports' tests cannot show.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { plainCopy, removeTempDirs, runCli, tempDir } from "./helpers/cli-run.js";

afterAll(removeTempDirs);

describe("HTML report of a passing run", () => {
  it("says PASSED with plain counts and nothing optional", async () => {
    const dir = await tempDir();
    await plainCopy("RNNCell-tanh-bias-batched-hx-float64", dir);
    const out = join(dir, "r.html");
    const run = await runCli(["check", dir, "--oracle", "torch", "--reporter", `html:${out}`]);
    expect(run.code).toBe(0);
    const html = await readFile(out, "utf8");
    expect(html).toContain("<title>rnn-parity check: PASSED</title>");
    expect(html).toMatch(/<h1>rnn-parity [^<]+ check: <span class="verdict pass">PASSED<\/span><\/h1>/);
    expect(/<p id="counts">([^<]*)<\/p>/.exec(html)?.[1]).toBe("1 case, 1 comparison: 1 passed, 0 failed");
    expect(/<p class="muted">oracles torch · ([^<]*)<\/p>/.exec(html)?.[1]).toMatch(/^tolerances: torch\.testing\.assert_close defaults \(float32 rtol=1\.3e-6 atol=1e-5; float64 rtol=1e-7 atol=1e-7\) · started \d{4}-\d\d-\d\dT[\d:.]+Z$/);
    expect(html).not.toContain("errors-section");
    // Nothing at all between the (hidden) failures and the summary: no empty errors or expectations part.
    expect(html).toContain('<section id="failures-section" hidden><h2>Failures</h2><ol id="failures"></ol></section>\n<h2>Summary per module, dtype and oracle</h2>');
    expect(html).not.toContain("<h2>Expectations</h2>");
  });
});
