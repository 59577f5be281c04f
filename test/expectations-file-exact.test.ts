/**
 * An --expectations file's refusals, each message exact (field path included), and what it
 * accepts: both oracle names, entries that differ only by tensor or oracle, links; a file that is
 * not UTF-8 (issue 17: these had no test that pinned their wording).
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FILE_FIELD } from "../src/core/errors.js";
import { parseExpectations, readExpectations } from "../src/node/expectations/file.js";
import { removeTempDirs, tempDir } from "./helpers/cli-run.js";

const FILE = "expectations.json";
const doc = (entries: unknown[], implementation: unknown = "mine") => JSON.stringify({ implementation, expectedFailures: entries });

afterAll(removeTempDirs);

describe("parseExpectations refuses in one line naming the field", () => {
  const rows: [string, string, string][] = [
    ["an empty case", doc([{ case: "", reason: "r" }]), "expectedFailures[0].case: expected a non-empty string"],
    ["an empty link", doc([{ case: "A", reason: "r", link: "" }]), "expectedFailures[0].link: expected a non-empty string"],
    ["an empty implementation", doc([], ""), "implementation: expected a non-empty string"],
    ["an oracle of neither name", doc([{ case: "A", reason: "r", oracle: "tf" }]), 'expectedFailures[0].oracle: expected "torch" or "onnxruntime", got the string "tf"'],
    ["a duplicate on the same tensor and oracle", doc([{ case: "A", reason: "r", tensor: "h_n" }, { case: "A", reason: "s", tensor: "h_n" }]),
      "expectedFailures[1]: the same case, tensor and oracle as expectedFailures[0]"],
  ];
  it.each(rows)("%s", (_label, text, message) => {
    expect(() => parseExpectations(text, FILE)).toThrow(`${FILE}: ${message}`);
  });
  it("a tensor of no module, listing the names it takes", () => {
    const names = '"output", "h_n", "h_prime", "c_n", "h1", "c1", "output_data", "batch_sizes", "sorted_indices", "unsorted_indices", "output_lengths"';
    expect(() => parseExpectations(doc([{ case: "A", reason: "r", tensor: "hn" }]), FILE)).toThrow(
      `${FILE}: expectedFailures[0].tensor: expected one of ${names}, got the string "hn"`,
    );
  });
});

describe("parseExpectations accepts", () => {
  it("both oracle names, and entries that differ only by tensor or by oracle", () => {
    const e = parseExpectations(doc([
      { case: "A", reason: "r", oracle: "torch" },
      { case: "A", reason: "r", oracle: "onnxruntime" },
      { case: "B", reason: "r", tensor: "h_n" },
      { case: "B", reason: "r", tensor: "c_n" },
      { case: "B", reason: "r", link: "https://example.org/1" },
    ]), FILE);
    expect(e.expectedFailures).toEqual([
      { case: "A", reason: "r", oracle: "torch" },
      { case: "A", reason: "r", oracle: "onnxruntime" },
      { case: "B", reason: "r", tensor: "h_n" },
      { case: "B", reason: "r", tensor: "c_n" },
      { case: "B", reason: "r", link: "https://example.org/1" },
    ]);
  });
});

describe("readExpectations", () => {
  it("refuses a file that is not UTF-8", async () => {
    const path = join(await tempDir(), FILE);
    await writeFile(path, Buffer.from([0x7b, 0xff, 0x7d]));
    await expect(readExpectations(path)).rejects.toThrow(`${path}: ${FILE_FIELD}: not valid UTF-8 text`);
  });
});
