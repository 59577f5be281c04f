/**
 * The reader limits are a documented contract (docs/bad-input.md, "Limits"): each row of that
 * table is compared with the constant the code uses, so a limit cannot move without its doc. The
 * limit tests elsewhere are written in terms of the constants, so without this file a moved limit
 * would pass them all.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as limits from "../src/core/format/limits.js";
import { MAX_SAFETENSORS_HEADER_BYTES } from "../src/core/format/safetensors.js";
import { MAX_ORT_TENSOR_ELEMENTS } from "../src/node/oracles/onnx-allocation.js";

/** The value column's leading quantity: `256 MiB`, `2^24 (16,777,216) per tensor`, `2^24 × 8 bytes`, `≤ 512`. */
function documentedValue(cell: string): number {
  const m = /^(?:≤ )?(?:2\^(\d+)|(\d+))(?: × (\d+))?(?: (KiB|MiB))?(?:\s|$)/.exec(cell);
  if (m === null) throw new Error(`docs/bad-input.md: cannot read the value ${JSON.stringify(cell)}`);
  const base = m[1] !== undefined ? 2 ** Number(m[1]) : Number(m[2]);
  const unit = m[4] === "KiB" ? 1024 : m[4] === "MiB" ? 1024 * 1024 : 1;
  return base * Number(m[3] ?? 1) * unit;
}

function limitsTable(): Map<string, string> {
  const doc = readFileSync(new URL("../docs/bad-input.md", import.meta.url), "utf8");
  const section = doc.slice(doc.indexOf("## Limits"));
  const rows = new Map<string, string>();
  for (const line of section.split("\n").slice(0, 40)) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length < 4 || cells[1] === "limit" || cells[1]?.startsWith("---")) continue;
    rows.set(cells[1] ?? "", cells[2] ?? "");
  }
  return rows;
}

describe("docs/bad-input.md's limits are the code's", () => {
  const table = limitsTable();
  it.each([
    ["`MAX_FIXTURE_BYTES`", limits.MAX_FIXTURE_BYTES],
    ["`MAX_TENSOR_ELEMENTS`", limits.MAX_TENSOR_ELEMENTS],
    ["`MAX_FIXTURE_ELEMENTS`", limits.MAX_FIXTURE_ELEMENTS],
    ["`MAX_TENSOR_RANK`", limits.MAX_TENSOR_RANK],
    ["`MAX_MANIFEST_BYTES`", limits.MAX_MANIFEST_BYTES],
    ["`MAX_ONNX_BYTES`", limits.MAX_ONNX_BYTES],
    ["`MAX_SAFETENSORS_HEADER_BYTES` (src/core/format/safetensors.ts)", MAX_SAFETENSORS_HEADER_BYTES],
    ["decoder `maxBinLength`", limits.MAX_MSGPACK_BIN_BYTES],
    ["decoder `maxStrLength`", limits.MAX_MSGPACK_STRING_BYTES],
    ["decoder `maxArrayLength`", limits.MAX_MSGPACK_ARRAY_LENGTH],
    ["decoder `maxMapLength`", limits.MAX_MSGPACK_MAP_LENGTH],
    ["config `num_layers`", limits.MAX_NUM_LAYERS],
    // validate-config bounds input_size and hidden_size by the per-tensor element limit.
    ["config `input_size`, `hidden_size`", limits.MAX_TENSOR_ELEMENTS],
    ["`MAX_MSGPACK_DEPTH`", limits.MAX_MSGPACK_DEPTH],
    ["`MAX_MSGPACK_OBJECTS`", limits.MAX_MSGPACK_OBJECTS],
    ["`MAX_ORT_TENSOR_ELEMENTS` (src/node/oracles/onnx-allocation.ts)", MAX_ORT_TENSOR_ELEMENTS],
  ])("%s", (row, value) => {
    const cell = table.get(row);
    expect(cell, `no row ${row} in docs/bad-input.md's Limits table`).toBeDefined();
    expect(value).toBe(documentedValue(cell ?? ""));
  });
});
