/** The github reporter: annotations GitHub parses, the job summary, and the CLI appending it. */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderGithub, renderGithubSummary } from "../src/node/report/github.js";
import { FAILING_CASE, syntheticResult } from "./helpers/check-result.js";
import { perturbedCopy, plainCopy, removeTempDirs, runCli, tempDir } from "./helpers/cli-run.js";

afterAll(removeTempDirs);

describe("github reporter", () => {
  const text = renderGithub(syntheticResult(), { root: process.cwd() });
  const commands = text.split("\n").filter((l) => l.startsWith("::"));

  it("prints the summary a person reads, then one ::error per failed comparison", () => {
    expect(text.startsWith("rnn-parity 0.1.0 check · oracles torch, onnxruntime")).toBe(true);
    expect(commands).toHaveLength(2);
    for (const c of commands) expect(c).toMatch(/^::error file=[^,:]+,title=[^:]+::\S/);
  });

  it("escapes properties and data as GitHub's workflow commands require", () => {
    const first = commands[0] ?? "";
    expect(first).toContain("file=fixtures/float64/x.msgpack,");
    // The title's ":" and "," are escaped; newlines in the message become %0A; "%" itself is %25.
    expect(first).toContain(`title=rnn-parity%3A ${FAILING_CASE} (torch)::`);
    expect(first).toContain("h_prime [4, 5]");
    expect(first).toContain("7143x tolerance at index (2, 3)");
    expect(first).toContain("%0AMismatched elements: 1 / 20 (5.0%25)%0A");
    expect(first).not.toContain("\n");
  });

  it("writes a Markdown summary: verdict, the per-group table, each failure in a details block", () => {
    const md = renderGithubSummary(syntheticResult());
    expect(md).toMatch(/^## rnn-parity check: ❌ FAILED\n/);
    expect(md).toContain("| module | dtype | oracle | cases | tensors passed | worst abs diff | worst headroom | worst case |");
    expect(md).toContain("| RNNCell | float64 | torch | 2 | **0/2** | nan | -inf | RNNCell-relu-nan-float64 h_prime |");
    expect(md).toContain("### Failures (2)");
    expect(md).toContain(`<details><summary>RNNCell-relu-&lt;bias&gt;&amp;"quoted"-float64 · torch · h_prime [4, 5] float64: 7143x tolerance`);
    expect(md).toContain("```text\nTensor-likes are not close!");
  });
});

describe("rnn-parity check --reporter github", () => {
  it("annotates the failing fixture and appends the summary to $GITHUB_STEP_SUMMARY", async () => {
    const dir = await tempDir();
    const file = await perturbedCopy("RNN-tanh-bias-seqfirst-uni-L1-h0-float32", dir, "outputs", "output", 1e-3);
    await plainCopy("RNNCell-tanh-bias-batched-hx-float64", dir);
    const summary = join(dir, "step-summary.md");
    await writeFile(summary, "earlier step\n");
    const run = await runCli(["check", dir, "--reporter", "github"], { GITHUB_STEP_SUMMARY: summary, GITHUB_WORKSPACE: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("FAILED 2 cases");
    expect(run.stdout).toContain(`::error file=RNN-tanh-bias-seqfirst-uni-L1-h0-float32.msgpack,title=rnn-parity%3A RNN-tanh-bias-seqfirst-uni-L1-h0-float32 (torch)::output`);
    const md = await readFile(summary, "utf8");
    expect(md.startsWith("earlier step\n## rnn-parity check: ❌ FAILED")).toBe(true);
    expect(md).toContain(file.slice(dir.length + 1));
  });

  it("writes no summary without $GITHUB_STEP_SUMMARY, and passes quietly", async () => {
    const run = await runCli(["check", "--filter", "RNNCell-tanh-bias-batched-hx-float64", "--reporter", "github"]);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain("::error");
    expect(run.stdout.trimEnd().split("\n").at(-1)).toMatch(/^PASSED 1 case, /);
  });
});
