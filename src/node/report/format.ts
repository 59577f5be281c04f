/** Number and label formatting shared by the text reporters (pretty and junit). */
import type { Tolerance } from "../../core/compare/assert-close.js";
import type { DType } from "../../core/tensor/dtype.js";
import type { CheckResult, WorstHeadroom } from "./model.js";

/**
 * A name from a fixture, safe to print on a terminal: control characters (an ESC could recolour or
 * rewrite the screen) are shown as \u escapes, the way the JUnit reporter writes them.
 */
/** "1 case", "2 cases": every report counts with this. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`);
}

/** A difference in 3 significant digits; exact zero stays "0" so identical results stand out. */
export function formatDiff(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return "0";
  return x.toExponential(2);
}

/**
 * Headroom as a person reads it: passing, the percentage of the tolerance left over (100% identical,
 * 0% at the edge); failing, how many times the tolerance the worst element is off ("31.7x
 * tolerance": a negative percentage like -3072.2% says the same thing less plainly).
 */
export function formatHeadroom(h: number): string {
  if (Number.isNaN(h)) return "nan";
  if (h === -Infinity) return "-inf";
  if (h < 0) return `${formatTimes(1 - h)}x tolerance`;
  const pct = h * 100;
  // "100.0%" is kept for identical results; nearly identical ones must not look the same.
  if (h < 1 && pct.toFixed(1) === "100.0") return ">99.9%";
  return `${pct.toFixed(1)}%`;
}

/** 3 significant digits below 100, whole numbers to a million; never exactly "1.00" (that passes). */
function formatTimes(ratio: number): string {
  if (ratio >= 1e6) return ratio.toExponential(2).replace("+", "");
  const s = ratio < 100 ? ratio.toPrecision(3) : String(Math.round(ratio));
  return s === "1.00" ? ">1.00" : s;
}

/** Tolerances as written on the command line (1.3e-6 rather than 0.0000013). */
export function formatTol(x: number): string {
  if (x === 0) return "0";
  const s = x.toExponential();
  const [mantissa = s, exponent = "0"] = s.split("e");
  return `${mantissa}e${exponent.replace("+", "")}`;
}

export function formatTolerance(t: Tolerance): string {
  return `rtol=${formatTol(t.rtol)} atol=${formatTol(t.atol)}`;
}

export function formatIndex(index: readonly number[]): string {
  return `(${index.join(", ")}${index.length === 1 ? "," : ""})`;
}

/** The tolerance line of a report header: the defaults, and any --rtol/--atol override. */
export function toleranceHeader(result: CheckResult): string {
  const dtypes: DType[] = ["float32", "float64"];
  const defaults = dtypes.map((d) => `${d} ${formatTolerance(result.defaults[d])}`).join("; ");
  const o = result.overrides;
  const overrides = [o.rtol === undefined ? "" : `rtol=${formatTol(o.rtol)}`, o.atol === undefined ? "" : `atol=${formatTol(o.atol)}`]
    .filter(Boolean)
    .join(" ");
  return overrides
    ? `tolerances: OVERRIDDEN ${overrides} (torch.testing.assert_close defaults: ${defaults})`
    : `tolerances: torch.testing.assert_close defaults (${defaults})`;
}

export function describeWorst(w: WorstHeadroom): string {
  return `${formatHeadroom(w.headroom)} (${printable(w.case)} ${w.tensor}, ${w.oracle})`;
}
