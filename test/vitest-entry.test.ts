/**
 * rnn-parity/vitest from a test file of its own, run by a separate vitest process: paritySuite
 * registers one test per case, oracle pair and tensor, named as our suites name them; a wrong
 * reference fails with assert_close's message, an expected failure is skipped with its reason, an
 * unexpected pass and a stale entry fail. (scripts/package-smoke.mjs does the same from the packed
 * tarball in a fresh project.)
 */
import { spawnSync } from "node:child_process";
import { copyFile, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_FIXTURES_DIR } from "../src/node/readers/manifest.js";
import { perturbedCopy, plainCopy, removeTempDirs, tempDir } from "./helpers/cli-run.js";

const FAILING = "RNNCell-tanh-bias-batched-hx-float64";
const PASSING = "RNNCell-relu-nobias-batched-hx-float64";
const PACKED = "GRU-packed-sorted-seqfirst-uni-L1-h0-float64";
const WITH_ONNX = "RNNCell-tanh-bias-batched-hx-float32";
const SRC = resolve("src/vitest/index.ts");
const ADAPTER = resolve("src/core/adapter/default.ts");

interface JsonTest {
  fullName: string;
  status: string;
  failureMessages: string[];
}

let tests: JsonTest[] = [];

beforeAll(async () => {
  const dir = await tempDir();
  const fixtures = join(dir, "fixtures");
  await import("node:fs/promises").then((fs) => fs.mkdir(fixtures));
  await perturbedCopy(FAILING, fixtures, "outputs", "h_prime", 1e-3);
  await plainCopy(PASSING, fixtures);
  await perturbedCopy(PACKED, fixtures, "outputs", "output", 1e-3);
  await plainCopy(WITH_ONNX, fixtures);
  await copyFile(join(DEFAULT_FIXTURES_DIR, "onnx", `${WITH_ONNX}.onnx`), join(fixtures, `${WITH_ONNX}.onnx`));
  await writeFile(
    join(dir, "expectations.json"),
    JSON.stringify({
      implementation: "rnn-parity",
      expectedFailures: [
        { case: "RNNCell-tanh-bias-*-float64", reason: "known", link: "https://example.org/1" },
        { case: PASSING, reason: "thought broken" },
        { case: "LSTM-none-*", reason: "gone" },
      ],
    }),
  );
  await writeFile(
    join(dir, "parity.test.ts"),
    `import { paritySuite } from ${JSON.stringify(SRC)};\nimport { typescriptAdapter } from ${JSON.stringify(ADAPTER)};\n` +
      `await paritySuite(typescriptAdapter, { fixtures: ${JSON.stringify(fixtures)}, expectations: ${JSON.stringify(join(dir, "expectations.json"))} });\n`,
  );
  await writeFile(join(dir, "vitest.config.mjs"), `export default { test: { include: ["parity.test.ts"] } };\n`);
  const out = join(dir, "report.json");
  const r = spawnSync(process.execPath, [resolve("node_modules/vitest/vitest.mjs"), "run", "--root", dir, "--reporter", "json", "--outputFile", out], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(1);
  const report = JSON.parse(await readFile(out, "utf8")) as { testResults: { assertionResults: JsonTest[] }[] };
  tests = report.testResults.flatMap((f) => f.assertionResults);
}, 120_000);
afterAll(removeTempDirs);

function one(fullName: string): JsonTest {
  const found = tests.filter((t) => t.fullName === fullName);
  expect(found, `${fullName} among ${tests.map((t) => t.fullName).join("\n")}`).toHaveLength(1);
  return found[0] as JsonTest;
}

const label = (name: string, module: string, config: object): string => `${name} (${module} ${JSON.stringify(config)})`;
const cell = (name: string, nonlinearity: string, bias: boolean) => label(name, "RNNCell", { input_size: 3, hidden_size: 5, bias, nonlinearity });

describe("paritySuite in a test file of its own", () => {
  it("registers a test per case, oracle pair and tensor, named as our suites name them", () => {
    // 1 + 1 + 5 (packed GRU) + 1 torch tests, 1 onnxruntime and 1 onnxruntime-vs-torch (the float32 cell has a model), 1 stale entry.
    expect(tests).toHaveLength(11);
    expect(one(`torch vs rnn-parity ${cell(WITH_ONNX, "tanh", true)} h_prime`).status).toBe("passed");
    expect(one(`rnn-parity vs onnxruntime ${cell(WITH_ONNX, "tanh", true)} h_prime`).status).toBe("passed");
    expect(one(`onnxruntime vs torch ${cell(WITH_ONNX, "tanh", true)} h_prime`).status).toBe("passed");
  });

  it("a wrong reference fails with assert_close's message; the case's other tensors pass", () => {
    const packed = tests.filter((t) => t.fullName.startsWith(`torch vs rnn-parity ${PACKED} (GRU `));
    expect(packed.map((t) => [t.fullName.split(" ").at(-1), t.status])).toEqual([
      ["output", "failed"],
      ["output_data", "passed"],
      ["batch_sizes", "passed"],
      ["output_lengths", "passed"],
      ["h_n", "passed"],
    ]);
    const message = (packed[0] as JsonTest).failureMessages.join("\n");
    expect(message).toContain(`torch vs rnn-parity › ${PACKED} (GRU `);
    expect(message).toContain("Tensor-likes are not close!\n\nMismatched elements: 1 / 150");
  });

  it("an expected failure is skipped with its reason; an unexpected pass fails naming the entry", () => {
    expect(one(`torch vs rnn-parity ${cell(FAILING, "tanh", true)} h_prime`).status).toBe("skipped");
    const xpass = one(`torch vs rnn-parity ${cell(PASSING, "relu", false)} h_prime`);
    expect(xpass.status).toBe("failed");
    expect(xpass.failureMessages.join("\n")).toContain("unexpected pass: expectedFailures[1] expects this case to fail against torch, and h_prime passed: thought broken");
  });

  it("a stale entry is a failing test of its own", () => {
    const stale = tests.find((t) => t.fullName.includes(`expectedFailures[2] (case "LSTM-none-*") matches a comparison`));
    expect(stale?.status).toBe("failed");
    expect(stale?.failureMessages.join("\n")).toContain("stale expectation");
  });
});
