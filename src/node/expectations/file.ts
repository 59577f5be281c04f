/**
 * `--expectations FILE`: which comparisons an implementation is known to fail, and why (issue 14;
 * docs/adapters.md). The file is read bounded and validated strictly: every problem is one
 * FixtureError "<file>: <field>: <what>", unknown keys included, before anything runs.
 */
import { FixtureError } from "../../core/errors.js";
import { parseJsonText } from "../../core/format/json-text.js";
import { OUTPUT_NAMES } from "../../core/format/types.js";
import { describeValue, fieldPath, requireArray, requireKeys, requireMap, requireNonEmptyString } from "../../core/format/validate-fields.js";
import { FILE_FIELD, readBounded } from "../readers/read-bounded.js";

/** The oracles an implementation's output is compared with; onnxruntime-vs-torch checks the oracle, not the implementation. */
export type ExpectedOracle = "torch" | "onnxruntime";

export interface ExpectedFailure {
  /** A glob over the whole case name: `*` any run of characters, `?` one; no wildcard is an exact name. */
  case: string;
  /** Only this tensor (as the fixture names it); absent: the case fails on at least one tensor. */
  tensor?: string;
  /** Only this oracle; absent: torch and onnxruntime alike. */
  oracle?: ExpectedOracle;
  reason: string;
  link?: string;
}

export interface Expectations {
  /** The file it was read from, named in messages and reports. */
  file: string;
  /** Must be the adapter's name: a list is true of one implementation. */
  implementation: string;
  expectedFailures: ExpectedFailure[];
}

/** A list of thousands of entries is a few hundred KiB; anything larger is not an expectations file. */
export const MAX_EXPECTATIONS_BYTES = 4 * 1024 * 1024;

/** Every tensor name a comparison can have (docs/fixture-format.md). */
export const TENSOR_NAMES: readonly string[] = [
  ...new Set([...Object.values(OUTPUT_NAMES).flat(), "output_data", "batch_sizes", "sorted_indices", "unsorted_indices", "output_lengths"]),
];

const ROOT_KEYS = ["implementation", "expectedFailures"] as const;
const ENTRY_REQUIRED = ["case", "reason"] as const;
const ENTRY_OPTIONAL = ["tensor", "oracle", "link"] as const;

function entryOf(file: string, field: string, value: unknown): ExpectedFailure {
  const map = requireMap(file, field, value);
  requireKeys(file, field, map, ENTRY_REQUIRED, ENTRY_OPTIONAL);
  const out: ExpectedFailure = {
    case: requireNonEmptyString(file, fieldPath(field, "case"), map.case),
    reason: requireNonEmptyString(file, fieldPath(field, "reason"), map.reason),
  };
  if (map.tensor !== undefined) {
    const t = map.tensor;
    if (typeof t !== "string" || !TENSOR_NAMES.includes(t)) {
      throw new FixtureError(file, fieldPath(field, "tensor"), `expected one of ${TENSOR_NAMES.map((n) => `"${n}"`).join(", ")}, got ${describeValue(t)}`);
    }
    out.tensor = t;
  }
  if (map.oracle !== undefined) {
    const o = map.oracle;
    if (o !== "torch" && o !== "onnxruntime") {
      throw new FixtureError(file, fieldPath(field, "oracle"), `expected "torch" or "onnxruntime", got ${describeValue(o)}`);
    }
    out.oracle = o;
  }
  if (map.link !== undefined) out.link = requireNonEmptyString(file, fieldPath(field, "link"), map.link);
  return out;
}

/** Validates parsed JSON; `file` names it in every error. */
export function validateExpectations(raw: unknown, file: string): Expectations {
  const root = requireMap(file, "", raw);
  requireKeys(file, "", root, ROOT_KEYS);
  const implementation = requireNonEmptyString(file, "implementation", root.implementation);
  const list = requireArray(file, "expectedFailures", root.expectedFailures);
  const seen = new Map<string, number>();
  const expectedFailures = list.map((value, i) => {
    const field = fieldPath("expectedFailures", i);
    const e = entryOf(file, field, value);
    // Two entries for the same comparisons: the second could never apply, so the list would lie.
    const key = JSON.stringify([e.case, e.tensor ?? null, e.oracle ?? null]);
    const first = seen.get(key);
    if (first !== undefined) throw new FixtureError(file, field, `the same case, tensor and oracle as expectedFailures[${first}]`);
    seen.set(key, i);
    return e;
  });
  return { file, implementation, expectedFailures };
}

/** Parses and validates the file's text. */
export function parseExpectations(text: string, file: string): Expectations {
  return validateExpectations(parseJsonText(text, file), file);
}

/** Reads `file` (regular, at most MAX_EXPECTATIONS_BYTES, UTF-8) and validates it. Throws FixtureError only. */
export async function readExpectations(file: string): Promise<Expectations> {
  const bytes = await readBounded(file, MAX_EXPECTATIONS_BYTES);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new FixtureError(file, FILE_FIELD, "not valid UTF-8 text");
  }
  return parseExpectations(text, file);
}
