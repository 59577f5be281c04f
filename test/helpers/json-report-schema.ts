/**
 * docs/report-json.md as code: the JSON report's fields and their types. A report validates when
 * every object has exactly the documented keys with values of the documented type.
 */
type Check = (v: unknown) => boolean;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const str: Check = (v) => typeof v === "string";
const bool: Check = (v) => typeof v === "boolean";
const int: Check = (v) => Number.isInteger(v) && (v as number) >= 0;
const finite: Check = (v) => typeof v === "number" && Number.isFinite(v);
const jsonNumber: Check = (v) => finite(v) || v === "NaN" || v === "Infinity" || v === "-Infinity";
const ints: Check = (v) => Array.isArray(v) && v.every(int);
const strs: Check = (v) => Array.isArray(v) && v.every(str);
const oneOf = (...values: string[]): Check => (v) => typeof v === "string" && values.includes(v);
const oracle = oneOf("torch", "onnxruntime", "onnxruntime-vs-torch");
const dtype = oneOf("float32", "float64");
const tolerance = shape({ rtol: finite, atol: finite });
const counts = shape({ comparisons: int, passed: int, failed: int, expectedFailures: int, unexpectedPasses: int });
const tensorName = oneOf("output", "h_n", "c_n", "h_prime", "h1", "c1", "output_data", "batch_sizes", "sorted_indices", "unsorted_indices", "output_lengths");
const expectation: Check = (v) => v === null || shape({ entry: int, reason: str, "link?": str })(v);
const entryOutcome = shape({
  entry: int,
  case: str,
  "tensor?": tensorName,
  "oracle?": oneOf("torch", "onnxruntime"),
  reason: str,
  "link?": str,
  verdict: oneOf("held", "xpass", "stale", "not exercised"),
  expectedFailures: int,
  unexpectedPasses: int,
  expectedErrors: int,
});
const expectations: Check = (v) =>
  v === null || (shape({ file: str, implementation: str, entries: Array.isArray })(v) && isObject(v) && (v.entries as unknown[]).every(entryOutcome));
const worst = shape({ headroom: jsonNumber, case: str, oracle, tensor: str });
const series: Check = (v) => Array.isArray(v) && v.every((d) => Array.isArray(d) && d.every(jsonNumber));
const overTime: Check = (v) =>
  v === null ||
  (shape({ directions: (d) => Array.isArray(d) && d.every(oneOf("forward", "reverse")), maxAbsDiff: series, headroom: series })(v) &&
    isObject(v) &&
    (v.maxAbsDiff as unknown[]).length === (v.directions as unknown[]).length &&
    (v.headroom as unknown[]).length === (v.directions as unknown[]).length);
const config: Check = (v) => isObject(v) && Object.values(v).every((x) => ["number", "boolean", "string"].includes(typeof x));

/** Each key must be present and pass; no other key may appear. Keys ending in "?" are optional. */
function shape(fields: Record<string, Check>): Check {
  return (v) => problems(v, fields, "").length === 0;
}

function mapOf(keys: Check, values: Check): Check {
  return (v) => isObject(v) && Object.entries(v).every(([k, x]) => keys(k) && values(x));
}

function problems(v: unknown, fields: Record<string, Check>, where: string): string[] {
  if (!isObject(v)) return [`${where || "(root)"}: not an object`];
  const out: string[] = [];
  for (const [key, check] of Object.entries(fields)) {
    const name = key.replace(/\?$/, "");
    if (!(name in v)) {
      if (!key.endsWith("?")) out.push(`${where}${name}: missing`);
    } else if (!check(v[name])) out.push(`${where}${name}: wrong type or value ${JSON.stringify(v[name])}`);
  }
  const known = new Set(Object.keys(fields).map((k) => k.replace(/\?$/, "")));
  for (const key of Object.keys(v)) if (!known.has(key)) out.push(`${where}${key}: not documented`);
  return out;
}

export const REPORT_FIELDS: Record<string, Check> = {
  schema: (v) => v === "rnn-parity-check",
  version: (v) => v === 3,
  tool: shape({ name: (v) => v === "rnn-parity", version: str }),
  implementation: shape({ name: str, "version?": str }),
  startedAt: (v) => typeof v === "string" && !Number.isNaN(Date.parse(v)),
  durationMs: int,
  oracles: (v) => Array.isArray(v) && v.every(oneOf("torch", "onnxruntime")),
  tolerances: shape({
    defaults: shape({ float32: tolerance, float64: tolerance }),
    overrides: shape({ "rtol?": finite, "atol?": finite }),
  }),
  filters: strs,
  failFast: bool,
  summary: bool, // replaced below: checked field by field
  comparisons: Array.isArray,
  skipped: Array.isArray,
  unsupported: Array.isArray,
  errors: (v) =>
    Array.isArray(v) &&
    v.every(shape({ case: str, file: str, module: oneOf("RNN", "RNNCell", "LSTM", "LSTMCell", "GRU", "GRUCell"), dtype, message: str, status: oneOf("error", "xfail"), expectation })),
  expectations,
};

export const SUMMARY_FIELDS: Record<string, Check> = {
  ok: bool,
  cases: int,
  comparisons: int,
  passed: int,
  failed: int,
  expectedFailures: int,
  unexpectedPasses: int,
  staleExpectations: int,
  errors: int,
  expectedErrors: int,
  failedCases: int,
  byOracle: mapOf(oracle, counts),
  worstHeadroom: mapOf(dtype, worst),
  skipped: int,
  stoppedEarly: bool,
  notRun: int,
  unsupported: int,
};

export const COMPARISON_FIELDS: Record<string, Check> = {
  case: str,
  file: str,
  module: oneOf("RNN", "RNNCell", "LSTM", "LSTMCell", "GRU", "GRUCell"),
  config,
  dtype,
  oracle,
  tensor: tensorName,
  shape: ints,
  tensorDtype: oneOf("float32", "float64", "int64"),
  maxAbsDiff: jsonNumber,
  maxRelDiff: jsonNumber,
  worstIndex: ints,
  mismatched: int,
  total: int,
  rtol: finite,
  atol: finite,
  passed: bool,
  status: oneOf("passed", "failed", "xfail", "xpass"),
  expectation,
  headroom: jsonNumber,
  message: str,
  durationMs: finite,
  overTime,
};

export const SKIPPED_FIELDS: Record<string, Check> = {
  case: str,
  file: str,
  module: oneOf("RNN", "RNNCell", "LSTM", "LSTMCell", "GRU", "GRUCell"),
  dtype,
  oracle: oneOf("torch", "onnxruntime"),
  reason: str,
};

export function validateJsonReport(doc: unknown): string[] {
  const out = problems(doc, { ...REPORT_FIELDS, summary: isObject }, "");
  if (!isObject(doc)) return out;
  out.push(...problems(doc.summary, SUMMARY_FIELDS, "summary."));
  const rows = Array.isArray(doc.comparisons) ? (doc.comparisons as unknown[]) : [];
  rows.forEach((c, i) => {
    out.push(...problems(c, COMPARISON_FIELDS, `comparisons[${i}].`));
    if (isObject(c) && c.passed !== (c.mismatched === 0)) out.push(`comparisons[${i}]: passed disagrees with mismatched`);
    if (isObject(c) && c.passed !== (c.status === "passed" || c.status === "xpass")) out.push(`comparisons[${i}]: status disagrees with passed`);
    if (isObject(c) && (c.expectation === null) !== (c.status === "passed" || c.status === "failed")) out.push(`comparisons[${i}]: expectation disagrees with status`);
  });
  const skipped = Array.isArray(doc.skipped) ? (doc.skipped as unknown[]) : [];
  skipped.forEach((s, i) => out.push(...problems(s, SKIPPED_FIELDS, `skipped[${i}].`)));
  if (isObject(doc.summary) && doc.summary.comparisons !== rows.length) out.push("summary.comparisons != comparisons.length");
  return out;
}
