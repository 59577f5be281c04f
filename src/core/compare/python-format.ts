/**
 * Python's text for the values torch.testing.assert_close prints, so our mismatch messages read
 * exactly like torch's (checked against torch's own output in test/compare-assert-close.test.ts).
 */
import { InternalError } from "../errors.js";

/** `repr(float)`: shortest round-trip digits, scientific below 1e-4 and from 1e16, "x.0" for integers. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  // toExponential() without an argument gives the shortest digits that round-trip, as repr does.
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(x.toExponential());
  if (match === null) throw new InternalError(`unexpected exponential form of ${x}`);
  const [, sign = "", lead = "", rest = "", expText = "0"] = match;
  const digits = lead + rest;
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const mantissa = rest === "" ? lead : `${lead}.${rest}`;
    const expAbs = String(Math.abs(exp)).padStart(2, "0");
    return `${sign}${mantissa}e${exp < 0 ? "-" : "+"}${expAbs}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const intDigits = exp + 1;
  if (digits.length <= intDigits) return `${sign}${digits.padEnd(intDigits, "0")}.0`;
  return `${sign}${digits.slice(0, intDigits)}.${digits.slice(intDigits)}`;
}

/** The exact decimal expansion of a finite non-negative double, as [integer digits, fraction digits]. */
function exactDecimal(x: number): [string, string] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biasedExp = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biasedExp === 0 ? fraction : fraction | (1n << 52n);
  const exp2 = (biasedExp === 0 ? 1 : biasedExp) - 1075;
  if (exp2 >= 0) return [(mantissa << BigInt(exp2)).toString(), ""];
  // m * 2^-k = m * 5^k / 10^k: the digits of m * 5^k with the point k places from the right.
  const k = -exp2;
  const scaled = (mantissa * 5n ** BigInt(k)).toString().padStart(k + 1, "0");
  return [scaled.slice(0, scaled.length - k), scaled.slice(scaled.length - k)];
}

/** `format(x, f".{digits}f")`: correctly rounded from the exact binary value, ties to even. */
export function pyFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return pyFloatRepr(x);
  const negative = x < 0 || Object.is(x, -0);
  const [intPart, fracPart] = exactDecimal(Math.abs(x));
  const kept = BigInt(intPart + fracPart.slice(0, digits).padEnd(digits, "0"));
  const dropped = fracPart.slice(digits);
  let roundUp = false;
  if (dropped.length > 0) {
    const first = dropped.charCodeAt(0) - 48;
    const restNonZero = /[1-9]/.test(dropped.slice(1));
    roundUp = first > 5 || (first === 5 && (restNonZero || kept % 2n === 1n));
  }
  const text = (roundUp ? kept + 1n : kept).toString().padStart(digits + 1, "0");
  const body = digits === 0 ? text : `${text.slice(0, text.length - digits)}.${text.slice(text.length - digits)}`;
  return negative ? `-${body}` : body;
}

/** `f"{x:.1%}"`: Python multiplies by 100 in double precision first, then formats fixed. */
export function pyPercent(x: number, digits = 1): string {
  return `${pyFixed(x * 100, digits)}%`;
}

/** `repr(tuple_of_ints)`: "()", "(3,)", "(1, 2)". */
export function pyTuple(items: readonly number[]): string {
  if (items.length === 1) return `(${items[0]},)`;
  return `(${items.join(", ")})`;
}

/** `repr(str)` for the plain names we use: single quotes unless the text holds one and no double quote. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const escaped = s.replace(/\\/g, "\\\\").replace(quote === "'" ? /'/g : /"/g, `\\${quote}`);
  return `${quote}${escaped}${quote}`;
}

/** `str(torch.Size(shape))`. */
export function torchSize(shape: readonly number[]): string {
  return `torch.Size([${shape.join(", ")}])`;
}
