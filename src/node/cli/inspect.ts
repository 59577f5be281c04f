/** `rnn-parity inspect FILE`: what a fixture or an ONNX model holds, for people or (--json) machines. */
import { formatOnnxSummary } from "../../core/onnx/onnx-inspect.js";
import { inspectOnnx } from "../../node/readers/onnx-file.js";
import { readFixture } from "../../node/readers/fixture-file.js";
import type { Fixture, FixtureTensor } from "../../core/format/types.js";
import { displayWidth, wrapList } from "../report/columns.js";
import { printable } from "../report/format.js";
import { formatShape } from "../../core/tensor/tensor.js";
import type { CliIo } from "./io.js";

/** How many leading elements a tensor summary keeps (a text line shows those that fit). */
const FIRST_VALUES = 6;
/** Text output stays within this many columns (a long file path or case name excepted). */
export const INSPECT_WIDTH = 100;

export interface TensorSummary {
  dtype: string;
  shape: number[];
  first: number[];
  min: number | null;
  max: number | null;
  nan: number;
  inf: number;
}

/** Float tensors and the int64 ones of packed cases (lengths, batch sizes, indices). */
export function summarizeTensor(t: FixtureTensor): TensorSummary {
  let min = Infinity;
  let max = -Infinity;
  let nan = 0;
  let inf = 0;
  for (const v of t.data) {
    if (Number.isNaN(v)) nan++;
    else {
      if (!Number.isFinite(v)) inf++;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const hasNumbers = t.data.length - nan > 0;
  return {
    dtype: t.dtype,
    shape: [...t.shape],
    first: Array.from(t.data.slice(0, FIRST_VALUES)),
    min: hasNumbers ? min : null,
    max: hasNumbers ? max : null,
    nan,
    inf,
  };
}

function fixtureSummary(f: Fixture): Record<string, unknown> {
  const group = (tensors: Readonly<Record<string, FixtureTensor | undefined>>): Record<string, TensorSummary> => {
    const out: Record<string, TensorSummary> = {};
    for (const [k, t] of Object.entries(tensors)) if (t) out[k] = summarizeTensor(t);
    return out;
  };
  return {
    kind: "fixture",
    file: f.file,
    format: f.format,
    version: f.version,
    name: f.name,
    module: f.module,
    dtype: f.dtype,
    seed: f.seed,
    torchVersion: f.torchVersion,
    config: f.config,
    ...(f.packing ? { packing: { enforce_sorted: f.packing.enforceSorted } } : {}),
    stateDict: group(f.stateDict),
    inputs: group({ ...f.inputs }),
    outputs: group(f.outputs),
  };
}

/**
 * A float32 value with the 9 significant digits that identify it (not the 17 of its float64
 * widening, which are noise); float64 values in JavaScript's shortest round-trip form.
 */
export function formatValue(x: number | null, dtype: string): string {
  if (x === null) return "-";
  return dtype === "float32" && Number.isFinite(x) ? String(Number(x.toPrecision(9))) : String(x);
}

/**
 * One line per tensor within INSPECT_WIDTH: as many of its first values as fit (up to
 * FIRST_VALUES; --json always has them all), then min and max.
 */
function tensorLine(name: string, s: TensorSummary): string {
  const count = s.shape.reduce((n, d) => n * d, 1);
  const special = [s.nan ? `${s.nan} nan` : "", s.inf ? `${s.inf} inf` : ""].filter(Boolean).join(", ");
  const tail = ` min ${formatValue(s.min, s.dtype)} max ${formatValue(s.max, s.dtype)}${special ? ` (${special})` : ""}`;
  const values = s.first.map((x) => formatValue(x, s.dtype));
  const line = (k: number): string => {
    const more = k < count ? `${k > 0 ? ", " : ""}...` : "";
    return `    ${name}: ${s.dtype} ${formatShape(s.shape)} [${values.slice(0, k).join(", ")}${more}]${tail}`;
  };
  let k = values.length;
  while (k > 1 && displayWidth(line(k)) > INSPECT_WIDTH) k--;
  return line(k);
}

function formatFixture(f: Fixture): string {
  const s = fixtureSummary(f);
  const section = (title: string, group: unknown): string[] => [
    `  ${title}:`,
    ...Object.entries(group as Record<string, TensorSummary>).map(([k, t]) => tensorLine(k, t)),
  ];
  return [
    f.file,
    `  ${f.format} v${f.version}: ${printable(f.name)}`,
    `  module ${f.module}, dtype ${f.dtype}, seed ${f.seed}, torch ${printable(f.torchVersion)}`,
    `  config: ${Object.entries(f.config).map(([k, v]) => `${k}=${String(v)}`).join(", ")}`,
    ...(f.packing ? [`  packing: enforce_sorted=${String(f.packing.enforceSorted)}`] : []),
    ...section("state_dict", s.stateDict),
    ...section("inputs", s.inputs),
    ...section("outputs", s.outputs),
  ]
    .flatMap((line) => wrapList(line, INSPECT_WIDTH))
    .join("\n");
}

export async function runInspectCommand(file: string, opts: { json: boolean }, io: CliIo): Promise<number> {
  if (file.endsWith(".onnx")) {
    const summary = await inspectOnnx(file);
    const text = opts.json
      ? JSON.stringify({ kind: "onnx", ...summary }, null, 2)
      : formatOnnxSummary(summary)
          .split("\n")
          .flatMap((line) => wrapList(line, INSPECT_WIDTH))
          .join("\n");
    io.stdout.write(`${text}\n`);
    return 0;
  }
  const f = await readFixture(file);
  io.stdout.write(`${opts.json ? JSON.stringify(fixtureSummary(f), null, 2) : formatFixture(f)}\n`);
  return 0;
}
